import type { JobState } from '../../../shared/jobs.js';
import type { ExchangeSummary } from '../../../shared/model.js';
import { DCMP_URL_ITEM, type PhoneMessage, type WpiItem } from '../../../shared/protocol.js';
import type { Store } from '../store/index.js';
import type { JobRecord, PhoneAdoption } from '../store/types.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import { buildServiceMessage } from '../wpi/build.js';
import { handleMessage, rejectMessage, type Decision, type EnginePolicy, type PhoneContext } from '../wpi/engine.js';
import { UnsendableItemError, WpiParseError } from '../wpi/errors.js';
import { decodeBody, parsePhoneMessage } from '../wpi/parse.js';
import { plainAddress } from '../reach/polling.js';
import { FlowRegistry } from './flows.js';
import type { PhoneRequest, PhoneResponse, PollResponse } from './phone-server.js';

/** What happened, for the UI and the log; published only after the data is committed. */
export interface ServiceNotifications {
  /** The phone opened an interaction (it is reachable); `reason` is its ReasonForContact. */
  phoneContacted(mac: string, reason: string): void;
  phoneChanged(mac: string): void;
  jobChanged(id: string): void;
  exchangeLogged(exchange: ExchangeSummary): void;
  log(level: 'info' | 'warn', message: string): void;
}

export interface ServiceDeps {
  store: Store;
  notify: ServiceNotifications;
  now: () => number;
  /** Random hex token (session ids, nonces for unreadable messages). */
  token: () => string;
  policy: () => EnginePolicy;
  /** Adoption for a phone seen for the first time (rules: adopt all, MAC list, prefixes). */
  adoptionFor: (mac: string) => PhoneAdoption;
  /** Items that configure DCMP polling, or null while no plain-HTTP listener can take polls. */
  pollItems: (serverAddress: string, intervalS: number) => WpiItem[] | null;
  /** Back-off before a busy-refused job is tried again on phones without send-solicited. */
  busyRetryMs?: number;
}

/** Idle time after which an open interaction is dropped and its job re-queued. */
export const FLOW_IDLE_TIMEOUT_MS = 120_000;
/** A busy phone without send-solicited is retried (contact-me) no sooner than this. */
export const BUSY_RETRY_MS = 60_000;
/** Stored request bodies are cut here; a hostile 1 MB body must not fill the log. */
const MAX_LOGGED_BODY = 256 * 1024;

/**
 * The adapter around the pure engine: finds the flow and the phone's stored context,
 * runs the engine, commits every effect and the exchange in one transaction, and only
 * then hands the reply to the HTTP layer.
 */
export class ProvisioningService {
  readonly flows = new FlowRegistry(FLOW_IDLE_TIMEOUT_MS);

  constructor(private readonly deps: ServiceDeps) {}

  handle(req: PhoneRequest): PhoneResponse {
    const started = this.deps.now();
    let message: PhoneMessage;
    try {
      message = parsePhoneMessage(req.body);
    } catch (error) {
      if (!(error instanceof WpiParseError)) throw error;
      const nonce = error.nonce ?? this.deps.token();
      const decision = rejectMessage(nonce, null, `unreadable message from ${req.peer}: ${error.message}`);
      return this.commit(req, started, null, decision, null, `rejected: ${error.code}`);
    }

    const open = this.flows.get(req.sessionId, started) ?? (message.reason === 'reply-to' ? this.flows.byPeer(req.peer, started) : null);
    const mac = open?.flow.mac ?? macOf(message.items);
    if (!mac) {
      const decision = rejectMessage(message.nonce, null, `${message.reason} from ${req.peer} without a valid mac-addr`);
      return this.commit(req, started, message, decision, null, 'rejected: no mac-addr');
    }
    // A first message always opens a new interaction; whatever was open for this phone ends.
    const first = message.reason !== 'reply-to';
    if (first) this.abandonFlowOf(mac);

    if (message.reason === 'start-up') this.resendPollSettings(mac, req.localAddress);
    const context = this.contextFor(mac, message);
    let decision = handleMessage({ message, flow: open?.flow ?? null, mac, phone: context, policy: this.deps.policy() });
    let reply: string;
    try {
      reply = buildServiceMessage(decision.reply);
    } catch (error) {
      if (!(error instanceof UnsendableItemError)) throw error;
      // Jobs are validated when created; this only guards against data changed behind our back.
      decision = this.unsendable(decision, error, message.nonce, mac);
      reply = buildServiceMessage(decision.reply);
    }
    const response = this.commit(req, started, message, decision, reply, null, mac);

    if (decision.flow) {
      const sessionId = !first && open ? open.sessionId : this.deps.token();
      for (const dropped of this.flows.put({ sessionId, flow: decision.flow, peer: req.peer, touchedAt: started })) {
        if (dropped.flow.step) this.requeueRunning(dropped.flow.mac, 'too many open interactions: this one was dropped');
      }
      if (sessionId !== open?.sessionId) response.session = { set: sessionId };
    } else if (open && !first) {
      this.flows.remove(open.sessionId);
    }
    return response;
  }

  /** DCMP polling (wpi-protocol.md §5): 202 when work is pending, else 200. */
  poll(deviceId: string, peer: string): PollResponse {
    let mac: string;
    try {
      mac = normalizeMac(deviceId);
    } catch {
      this.deps.notify.log('warn', `${peer}: poll with invalid device-id "${deviceId.slice(0, 40)}"`);
      return { status: 400 };
    }
    const now = this.deps.now();
    const phone = this.deps.store.phones.get(mac);
    if (!phone) return { status: 200 };
    const pending = this.runnableJobs(mac, phone.adoption === 'adopted', now);
    return { status: pending.length > 0 ? 202 : 200 };
  }

  /** Flows idle past the timeout: drop them and put their running jobs back in the queue. */
  expireFlows(): void {
    const now = this.deps.now();
    for (const open of this.flows.expire(now)) this.requeueRunning(open.flow.mac, 'the phone stopped answering mid-interaction');
  }

  /** Poll settings do not survive a reboot (wpi-protocol.md §5): each start-up gets them again. */
  private resendPollSettings(mac: string, serverAddress: string): void {
    const { store, notify } = this.deps;
    const phone = store.phones.get(mac);
    if (!phone?.pollIntervalS) return;
    const items = this.deps.pollItems(plainAddress(serverAddress), phone.pollIntervalS);
    if (!items) return;
    const queued = store.jobs
      .runnableFor(mac, Number.MAX_SAFE_INTEGER)
      .some((j) => j.kind === 'write-items' && j.items.some((i) => i.name === DCMP_URL_ITEM));
    if (queued) return;
    const job = store.jobs.create(mac, 'write-items', items, this.deps.now());
    notify.jobChanged(job.id);
  }

  private contextFor(mac: string, message: PhoneMessage): PhoneContext {
    const { store } = this.deps;
    const phone = store.phones.get(mac);
    const adopted = phone ? phone.adoption === 'adopted' : this.deps.adoptionFor(mac) === 'adopted';
    const now = this.deps.now();
    // A phone answering a solicited contact or calling after a call ended gets its busy jobs again.
    const jobs = this.runnableJobs(mac, adopted, now, message.reason !== 'reply-to');
    const awaited = store.jobs.awaitedFor(mac).map((j) => {
      const fileName = deployedFileName(j.items);
      return { id: j.id, kind: j.kind, ...(j.expectVersion ? { expectVersion: j.expectVersion } : {}), ...(fileName ? { fileName } : {}) };
    });
    return {
      inventoryComplete: phone?.inventoryComplete ?? false,
      ...(phone?.softwareVersion ? { storedSoftwareVersion: phone.softwareVersion } : {}),
      mayWrite: adopted,
      jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, items: this.deps.store.jobs.itemsForSending(j.id) })),
      awaited,
    };
  }

  private runnableJobs(mac: string, adopted: boolean, now: number, ignoreBackoff = true): JobRecord[] {
    const jobs = this.deps.store.jobs.runnableFor(mac, ignoreBackoff ? Number.MAX_SAFE_INTEGER : now);
    return adopted ? jobs : jobs.filter((j) => j.kind === 'read-all' || j.kind === 'read-items');
  }

  private unsendable(decision: Decision, error: UnsendableItemError, nonce: string, mac: string): Decision {
    const running = decision.effects.find((e) => e.type === 'job-running');
    const effects = decision.effects.filter((e) => e.type !== 'job-running' && e.type !== 'job-awaiting');
    if (running && running.type === 'job-running') {
      effects.push({
        type: 'job-failed',
        jobId: running.jobId,
        reason: error.message,
        results: [{ name: error.itemName, status: 'not sent' }],
      });
    }
    return { ...rejectMessage(nonce, mac, error.message), effects };
  }

  /** A new flow from the phone ends any older one: its running job goes back to the queue. */
  private abandonFlowOf(mac: string): void {
    const old = this.flows.forMac(mac);
    if (!old) return;
    this.flows.remove(old.sessionId);
    if (old.flow.step) this.requeueRunning(mac, 'the phone started a new interaction before answering');
  }

  private requeueRunning(mac: string, why: string): void {
    const { store, notify } = this.deps;
    const ids = store.transaction(() => store.jobs.requeueRunningFor(mac, why, this.deps.now()));
    for (const id of ids) notify.jobChanged(id);
  }

  private commit(
    req: PhoneRequest,
    started: number,
    message: PhoneMessage | null,
    decision: Decision,
    reply: string | null,
    note: string | null,
    mac: string | null = null,
  ): PhoneResponse {
    const { store, notify } = this.deps;
    const body = reply ?? buildServiceMessage(decision.reply);
    const changedJobs = new Set<string>();
    const warnings: string[] = [];
    let phoneChanged = false;
    let contactReason: string | null = null;
    const exchange = store.transaction((): ExchangeSummary => {
      for (const effect of decision.effects) {
        switch (effect.type) {
          case 'contact':
            this.recordContact(effect.mac, effect.reason, effect.items, plainAddress(req.peer), req.localAddress, message?.maxItems ?? -1);
            phoneChanged = true;
            contactReason = effect.reason;
            break;
          case 'inventory':
            if (effect.mode === 'replace') {
              store.inventory.replace(effect.mac, effect.items, started);
              store.phones.markInventoryComplete(effect.mac, true);
            } else {
              store.inventory.merge(effect.mac, effect.items, started);
            }
            phoneChanged = true;
            break;
          case 'job-running':
            this.moveJob(effect.jobId, 'running', { startedAt: started, incrementAttempts: true }, changedJobs);
            break;
          case 'job-awaiting':
            if (
              store.jobs.update(effect.jobId, { awaiting: effect.expect, expectVersion: effect.expectVersion ?? null, updatedAt: started })
            ) {
              changedJobs.add(effect.jobId);
            }
            break;
          case 'job-busy':
            this.moveJob(
              effect.jobId,
              'waiting-busy',
              { reason: 'waiting: phone in a call', notBefore: started + (this.deps.busyRetryMs ?? BUSY_RETRY_MS) },
              changedJobs,
            );
            break;
          case 'job-done':
            this.moveJob(effect.jobId, 'done', { results: effect.results, reason: null, finishedAt: started }, changedJobs);
            break;
          case 'job-failed':
            this.moveJob(effect.jobId, 'failed', { results: effect.results, reason: effect.reason, finishedAt: started }, changedJobs);
            break;
          case 'warning':
            warnings.push(`${effect.mac ?? req.peer}: ${effect.message}`);
            break;
        }
      }
      const summary = {
        mac: mac ?? decision.flow?.mac ?? null,
        peer: req.peer,
        at: started,
        durationMs: Math.max(0, this.deps.now() - started),
        reason: message?.reason ?? null,
        action: decision.reply.action,
        httpStatus: 200,
        note: note ?? (warnings.length ? warnings.join('; ') : null),
      };
      return { ...summary, id: store.exchanges.append({ ...summary, requestXml: loggedBody(req.body), responseXml: body }) };
    });
    for (const w of warnings) notify.log('warn', w);
    const phoneMac = mac ?? decision.flow?.mac;
    if (contactReason && phoneMac) notify.phoneContacted(phoneMac, contactReason);
    if (phoneChanged && phoneMac) notify.phoneChanged(phoneMac);
    for (const id of changedJobs) notify.jobChanged(id);
    notify.exchangeLogged(exchange);
    return { status: 200, body };
  }

  private recordContact(mac: string, reason: string, items: WpiItem[], peer: string, serverAddress: string, maxItems: number): void {
    const value = (name: string): string | null => items.find((i) => i.name === name && !i.status)?.value ?? null;
    this.deps.store.phones.upsertContact(
      {
        mac,
        model: value('device-type'),
        softwareVersion: value('software-version'),
        partNumber: value('part-number'),
        e164: value('e164'),
        ip: peer,
        contactMeUri: value('contact-me-uri'),
        serverAddress: plainAddress(serverAddress),
        maxItems,
        lastReason: reason,
        at: this.deps.now(),
      },
      this.deps.adoptionFor(mac),
    );
  }

  private moveJob(id: string, state: JobState, patch: Parameters<Store['jobs']['transition']>[2], changed: Set<string>): void {
    if (this.deps.store.jobs.transition(id, state, { ...patch, updatedAt: this.deps.now() })) changed.add(id);
  }
}

/** `file-name`, or the last path segment of `file-https-base-url` (which holds the full URL, p. 53). */
function deployedFileName(items: readonly WpiItem[]): string | undefined {
  const name = items.find((i) => i.name === 'file-name')?.value;
  if (name) return name;
  const url = items.find((i) => i.name === 'file-https-base-url')?.value;
  const last = url
    ?.replace(/[?#].*$/, '')
    .split('/')
    .pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function macOf(items: readonly WpiItem[]): string | null {
  const raw = items.find((i) => i.name === 'mac-addr')?.value;
  if (!raw) return null;
  try {
    return normalizeMac(raw);
  } catch {
    return null;
  }
}

function loggedBody(body: Buffer): string {
  let text: string;
  try {
    text = decodeBody(body);
  } catch {
    text = body.toString('latin1');
  }
  return text.length > MAX_LOGGED_BODY
    ? `${text.slice(0, MAX_LOGGED_BODY)}\n[… ${text.length - MAX_LOGGED_BODY} more characters not logged]`
    : text;
}
