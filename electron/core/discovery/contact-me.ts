/**
 * Contact-me: the plain-HTTP nudge that makes a phone open a `solicited` HTTPS interaction with
 * the DLS (spec wpi-protocol.md §4). One POST per call, no keep-alive, bounded in time, and the
 * result is always a value: callers sweep hundreds of addresses and must not trip over one.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { defaultEgress, EgressRefusedError, type Egress } from '../egress/egress.js';
import { isIpv4 } from './ipv4.js';

/** The phone's contact-me listener (plain HTTP); the guide says the service MUST use it. */
export const CONTACT_ME_PORT = 8085;
export const CONTACT_ME_PATH = '/contact_dls.html/ContactDLS';
/** `Server` header of an OpenStage / Desk Phone IP contact-me answer. */
export const PHONE_SERVER_HEADER = 'DlsClient';

export interface ContactMeRequest {
  phoneIp: string;
  /** The phone's `contact-me-uri` item; default `http://<phoneIp>:8085/contact_dls.html/ContactDLS`. */
  uri?: string;
  /** Port the phone shall call back on (our Default Mode HTTPS listener). */
  dlsPort: number;
  /** Bind to this local address; otherwise the OS picks the interface that routes to the phone. */
  localAddress?: string;
  /** Upper bound for connect + answer together. */
  timeoutMs?: number;
}

export type ContactMeOutcome =
  /** HTTP 204: the phone took the request and should call back (contact gap permitting). */
  | 'acknowledged'
  /** TCP connection refused: the host is up but nothing listens on the contact-me port. */
  | 'refused'
  /** No connection or no answer in time: host down, filtered, or not on this network. */
  | 'no-answer'
  /** Something answered, but not the way a phone does (other status, broken HTTP), or bad input. */
  | 'other';

export interface ContactMeResult {
  outcome: ContactMeOutcome;
  status?: number;
  /** The answer's `Server` header; `DlsClient` identifies an OpenStage. */
  server?: string;
  /** Local address of the socket that reached the phone, i.e. the `dls_ip_addr` that was sent. */
  localAddress?: string;
  /** One plain sentence for the technician's log. */
  detail: string;
}

export const DEFAULT_CONTACT_ME_TIMEOUT_MS = 5000;

export function contactMeUri(phoneIp: string, port: number = CONTACT_ME_PORT): string {
  return `http://${phoneIp}:${port}${CONTACT_ME_PATH}`;
}

interface Target {
  host: string;
  port: number;
  path: string;
}

/** Validates the input; a string is the reason it cannot be sent. */
function resolveTarget(options: ContactMeRequest): Target | string {
  const { dlsPort } = options;
  if (!Number.isInteger(dlsPort) || dlsPort < 1 || dlsPort > 65535) return `invalid DLS port ${dlsPort}`;
  if (options.localAddress !== undefined && !isIpv4(options.localAddress)) {
    return `invalid local address "${options.localAddress}" (IPv4 expected)`;
  }
  const uri = options.uri ?? contactMeUri(options.phoneIp);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `invalid contact-me URI "${uri}"`;
  }
  // Contact-me is plain HTTP per the guide; phones and sweeps are IPv4-only, which also keeps
  // DNS look-ups (unbounded, and meaningless for a phone) out of the probe.
  if (url.protocol !== 'http:') return `contact-me URI "${uri}" is not plain http://`;
  if (!isIpv4(url.hostname)) return `contact-me URI "${uri}" does not name an IPv4 address`;
  // No port in the URI: the phone's contact-me listener, not HTTP's 80 (where the WBM answers).
  return { host: url.hostname, port: url.port === '' ? CONTACT_ME_PORT : Number(url.port), path: url.pathname + url.search };
}

/**
 * Sends one contact-me through the egress guard. Never rejects; settles within `timeoutMs`
 * (plus a tick). A destination the guard refuses is never contacted (outcome `other`).
 */
export function sendContactMe(options: ContactMeRequest, egress: Egress = defaultEgress()): Promise<ContactMeResult> {
  const target = resolveTarget(options);
  if (typeof target === 'string') return Promise.resolve({ outcome: 'other', detail: target });
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONTACT_ME_TIMEOUT_MS;
  const where = `${target.host}:${target.port}`;

  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket | null = null;
    let localAddress: string | undefined;
    let answer: ContactMeResult | undefined;

    const finish = (result: ContactMeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(localAddress === undefined ? result : { ...result, localAddress });
    };

    const timer = setTimeout(() => {
      const detail =
        localAddress === undefined
          ? `no answer from ${where} within ${timeoutMs} ms (host down, filtered, or not on this network)`
          : `connected to ${where}, but no HTTP answer within ${timeoutMs} ms`;
      finish(answer ?? { outcome: 'no-answer', detail });
    }, timeoutMs);

    const onError = (error: NodeJS.ErrnoException): void => {
      const code = error.code ?? error.message;
      if (answer !== undefined) {
        finish(answer);
      } else if (localAddress !== undefined) {
        finish({ outcome: 'other', detail: `connected to ${where}, but the exchange failed before an HTTP answer (${code})` });
      } else if (error.code === 'ECONNREFUSED') {
        finish({ outcome: 'refused', detail: `${where} refused the connection: nothing listens for contact-me there` });
      } else {
        finish({ outcome: 'no-answer', detail: `could not reach ${where} (${code})` });
      }
    };

    const exchange = (connection: Socket): void => {
      connection.on('error', onError);
      connection.once('connect', () => {
        localAddress = connection.localAddress;
        const body = `ContactMe=true&dls_ip_addr=${localAddress}&dls_ip_port=${options.dlsPort}`;
        const req = request({
          createConnection: () => connection,
          method: 'POST',
          path: target.path,
          headers: {
            Host: where,
            'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'Fieldstage',
            // One request per connection: the phones' small web server is known to fall over when pushed.
            Connection: 'close',
          },
        });
        req.on('error', onError);
        req.on('response', (res) => {
          const status = res.statusCode ?? 0;
          // Typed as possibly repeated; Node joins a repeated Server header into one string.
          const rawServer = res.headers.server;
          const server = Array.isArray(rawServer) ? rawServer.join(', ') : rawServer;
          const result = classifyAnswer(status, res.statusMessage ?? '', server);
          answer = result;
          // Read the (normally empty) body before closing so the phone sees an orderly end.
          res.resume();
          res.once('end', () => finish(result));
        });
        req.end(body);
      });
    };

    // Connect first and only then build the body: `dls_ip_addr` must be the address of the
    // interface that actually reached the phone, which on a multi-homed laptop is only known now.
    egress
      .connect({
        host: target.host,
        port: target.port,
        purpose: 'contact-me',
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      })
      .then(
        (connecting) => {
          if (settled) {
            connecting.destroy();
            return;
          }
          socket = connecting;
          exchange(connecting);
        },
        (error: unknown) =>
          finish({
            outcome: 'other',
            detail: error instanceof EgressRefusedError ? error.message : `could not connect to ${where} (${String(error)})`,
          }),
      );
  });
}

function classifyAnswer(status: number, statusMessage: string, server: string | undefined): ContactMeResult {
  const serverText = server === undefined ? 'no Server header' : `Server: ${server}`;
  const base = server === undefined ? { status } : { status, server };
  if (status === 204) {
    const isPhone = server !== undefined && server.includes(PHONE_SERVER_HEADER);
    return {
      ...base,
      outcome: 'acknowledged',
      detail: isPhone
        ? 'phone acknowledged the contact-me (204, Server: DlsClient)'
        : `204 No Content, but ${serverText}: not recognised as an OpenStage`,
    };
  }
  const statusText = `HTTP ${status} ${statusMessage}`.trimEnd();
  return { ...base, outcome: 'other', detail: `answered ${statusText} (${serverText}): not a phone's contact-me answer` };
}
