/**
 * One interaction ("message flow") from the phone's side (wpi-protocol.md §8): the phone POSTs,
 * the service answers with one `DLSMessage`, and so on until `CleanUp`. This module owns the
 * mechanics every flow shares — nonce, cookie, fragments, `GetNextFragment`, the phone's own
 * `clean-up`, limits and violation checks — and asks the phone only what to do with an action.
 */
import { randomBytes } from 'node:crypto';
import { HttpsSession, transferViolations, type RequestLimits, type ServerAddress } from './transport.js';
import { parseDlsMessage, serializeMessage, type DlsMessage, type OutgoingMessage } from './wire.js';

/** What the phone does with a service action other than CleanUp / GetNextFragment. */
export type ActionAnswer =
  | { reply: OutgoingMessage }
  /** Restart / SoftwareDeployment: no answer, the connection is dropped (p. 50, 56). */
  | { disconnect: true };

export type ActionHandler = (message: DlsMessage) => Promise<ActionAnswer>;

export type FlowOutcome =
  /** The service ended the flow with CleanUp, as it should. */
  | 'clean-up'
  /** The phone dropped the connection on purpose (restart, firmware). */
  | 'disconnected'
  /** The phone gave up with its own `clean-up` after an unreadable service message. */
  | 'phone-clean-up'
  /** Transport error, timeout or a limit was hit. */
  | 'failed'
  /** The phone was stopped. */
  | 'aborted';

export interface FlowResult {
  outcome: FlowOutcome;
  exchanges: number;
  cleanUp?: DlsMessage;
  error?: string;
}

export interface FlowOptions {
  server: ServerAddress;
  limits: RequestLimits;
  legacy: boolean;
  /** Announced in every message, and the size of the phone's own fragments (p. 28, 69). */
  maxItems: number;
  maxExchanges: number;
  /** Firmware up to V2R2 cannot read a chunked answer at all (p. 12). */
  chunkedIsFatal: boolean;
  onViolation(text: string): void;
  onExchange(): void;
}

/** 32 upper-case hex digits, the form most guide examples show (§3.5). */
export const newNonce = (): string => randomBytes(16).toString('hex').toUpperCase();

export async function runFlow(first: OutgoingMessage, handle: ActionHandler, opts: FlowOptions): Promise<FlowResult> {
  const nonce = newNonce();
  const session = new HttpsSession(opts.server, opts.legacy, opts.limits);
  let exchanges = 0;
  const violation = (text: string): void => opts.onViolation(`${first.reason} flow, exchange ${exchanges}: ${text}`);
  // The message to send next, and the fragments held back until the service asks for them.
  let [xml, ...fragments] = serializeMessage(nonce, opts.maxItems, first);
  const answerWith = (message: OutgoingMessage): void => {
    [xml, ...fragments] = serializeMessage(nonce, opts.maxItems, message);
  };
  let gaveUp = false;

  try {
    for (;;) {
      if (exchanges >= opts.maxExchanges) {
        violation(`service kept the flow going beyond ${opts.maxExchanges} exchanges`);
        return { outcome: 'failed', exchanges, error: 'exchange limit reached' };
      }
      const reply = await session.post(xml);
      exchanges++;
      opts.onExchange();

      const transfer = transferViolations(reply);
      transfer.forEach(violation);
      if (reply.status !== 200) return { outcome: 'failed', exchanges, error: `HTTP status ${reply.status}` };
      if (opts.chunkedIsFatal && transfer.includes('chunked transfer-encoding')) {
        return { outcome: 'failed', exchanges, error: 'this firmware cannot read chunked answers' };
      }

      const parsed = parseDlsMessage(reply.body.toString('utf8'));
      parsed.violations.forEach(violation);
      if (parsed.ok && parsed.message.nonce !== nonce) {
        violation(`nonce ${parsed.message.nonce ?? '(missing)'} does not echo ${nonce}`);
      }
      // Whatever the service says after the phone's own clean-up, the flow is over.
      if (gaveUp) return { outcome: 'phone-clean-up', exchanges };
      if (!parsed.ok) {
        // p. 13: invalid XML from the service makes the phone abort with clean-up.
        answerWith({ reason: 'clean-up', items: [{ name: 'cleanup-reason', value: `invalid message: ${parsed.error}` }] });
        gaveUp = true;
        continue;
      }

      const message = parsed.message;
      const [next, ...rest] = fragments;
      if (next !== undefined) {
        if (message.action === 'GetNextFragment') {
          xml = next;
          fragments = rest;
          continue;
        }
        violation(`expected GetNextFragment, got ${message.action} with ${fragments.length} fragment(s) unsent`);
        fragments = [];
      }
      if (message.action === 'CleanUp') return { outcome: 'clean-up', exchanges, cleanUp: message };
      if (message.action === 'GetNextFragment') {
        violation('GetNextFragment without a pending fragment');
        answerWith({ reason: 'reply-to', action: 'GetNextFragment', status: 'failed' });
        continue;
      }
      const answer = await handle(message);
      if ('disconnect' in answer) return { outcome: 'disconnected', exchanges };
      answerWith(answer.reply);
    }
  } catch (err) {
    if (opts.limits.signal.aborted) return { outcome: 'aborted', exchanges };
    return { outcome: 'failed', exchanges, error: err instanceof Error ? err.message : String(err) };
  } finally {
    session.close();
  }
}
