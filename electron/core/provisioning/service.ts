import { DCMP_URL_ITEM, type PhoneMessage, type WpiItem } from '../../../shared/protocol.js';
import type { JobRef, Store } from '../store/index.js';
import type { PhoneAdoption } from '../store/types.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import { acceptedContactMeUri } from '../identity/contact-me-uri.js';
import { holdReason } from '../identity/compare.js';
import { IdentityGuard, reportedIdentity } from '../identity/guard.js';
import { buildServiceMessage } from '../wpi/build.js';
import {
  collectUnidentified,
  FLOW_LIMITS,
  handleMessage,
  rejectMessage,
  type Decision,
  type EnginePolicy,
  type PhoneContext,
} from '../wpi/engine.js';
import type { RenderContext } from '../jobs/kind.js';
import { FIRMWARE_SLOT_REASON, type JobFiles } from '../files/job-files.js';
import { READ_ONLY_JOB_KINDS, renderJobItems } from '../jobs/registry.js';
import { applyEffects, type AppliedEffects } from './apply-effects.js';
import { UnsendableItemError, WpiParseError } from '../wpi/errors.js';
import { decodeBody, parsePhoneMessage } from '../wpi/parse.js';
import { plainAddress } from '../reach/polling.js';
import { FlowRegistry, type OpenFlow } from './flows.js';
import type { PhoneRequest, PhoneResponse, PollResponse } from './phone-server.js';
import { WRITING_JOB_KINDS } from '../../../shared/jobs.js';
import { macMismatch, type ClientVerdict, type PresentedClient } from '../secure-mode/verify.js';
import { recordRefusal } from './refusals.js';

/**
 * What happened, for the reacher and the log; published only after the data is committed.
 * Changes to phones, jobs and exchanges reach the UI from the store itself (Store.onChanges).
 */
export interface ServiceNotifications {
  /** The phone opened an interaction (it is reachable); `reason` is its ReasonForContact. */
  phoneContacted(mac: string, reason: string): void;
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
  /** Library files of jobs: URLs, download facts, firmware download slots (absent: no file server). */
  files?: JobFiles;
  /** Back-off before a busy-refused job is tried again on phones without send-solicited. */
  busyRetryMs?: number;
  /** Memory all open flows may hold (default FLOW_MEMORY_BUDGET_BYTES); tests use less. */
  flowBudgetBytes?: number;
  /** Checks a client certificate presented on the Secure Mode listener (secure-mode/verify.ts). */
  verifyClient?: (client: PresentedClient) => ClientVerdict;
  /**
   * The name of the other site a phone belongs to, or null (sites/). Runs on every phone
   * message: must be synchronous and O(1).
   */
  belongsElsewhere?: (mac: string) => string | null;
}

/** Idle time after which an open interaction is dropped and its job re-queued. */
export const FLOW_IDLE_TIMEOUT_MS = 120_000;
/** A busy phone without send-solicited is retried (contact-me) no sooner than this. */
export const BUSY_RETRY_MS = 60_000;
/** Stored request bodies are cut here; a hostile 1 MB body must not fill the log. */
const MAX_LOGGED_BODY = 256 * 1024;
/** What a job carrying secrets says while its phone calls over plain HTTP. */
export const PLAIN_HTTP_SECRET_REASON = 'waits for an HTTPS contact: it carries secrets, which are never sent over plain HTTP';
/** What a Secure Mode phone hears on the default port (wpi-protocol.md §3.2: blocked for it). */
export const DEFAULT_PORT_BLOCKED_REASON = 'phone is in Secure Mode: the default port is blocked for it';
/** Refusals of the secure-port gate are HTTP 403: the TLS handshake completed, the client is not admitted. */
export const SECURE_REFUSAL_STATUS = 403;

/**
 * The adapter around the pure engine: finds the flow and the phone's stored context,
 * runs the engine, writes every effect and the exchange as one unit of the store's group
 * commit, and hands the reply to the HTTP layer only once that commit returned.
 */
export class ProvisioningService {
  readonly flows: FlowRegistry;
  readonly identity: IdentityGuard;

  constructor(private readonly deps: ServiceDeps) {
    this.flows = new FlowRegistry(FLOW_IDLE_TIMEOUT_MS, deps.flowBudgetBytes);
    this.identity = new IdentityGuard(deps.store.phones);
  }

  /**
   * Answers one phone POST. Everything the answer depends on is written as one unit of the
   * store's group commit (see Store.write): the promise resolves only after the COMMIT that
   * holds the unit, and the notifications go out only then. If the unit or its COMMIT fails,
   * the promise rejects (the HTTP layer answers 500) and the phone's interaction is dropped.
   */
  async handle(req: PhoneRequest): Promise<PhoneResponse> {
    const started = this.deps.now();
    // Parsing needs no database: it stays outside the unit.
    let parsed: PhoneMessage | WpiParseError;
    try {
      parsed = parsePhoneMessage(req.body);
    } catch (error) {
      if (!(error instanceof WpiParseError)) throw error;
      parsed = error;
    }
    // Decided synchronously: the unit below must start in this turn (the group commit, flows moved on at once).
    const gate = this.secureGate(req, parsed);
    if (typeof gate === 'object') {
      await this.refuseSecure(req, gate.mac, gate.reason, started);
      return { status: SECURE_REFUSAL_STATUS, body: '' };
    }
    const outbox = new Outbox();
    let response: PhoneResponse;
    try {
      response = await this.deps.store.write(() =>
        parsed instanceof WpiParseError
          ? this.unreadable(req, started, parsed, outbox)
          : this.respond(req, started, parsed, outbox, gate === 'verified'),
      );
    } catch (error) {
      this.recover(outbox, error);
      throw error;
    }
    outbox.publish();
    return response;
  }

  /**
   * Secure Mode (wpi-protocol.md §9.13): on the secure listener only a phone certificate of the
   * local CA bound to the message's MAC is admitted; on the default port a phone in Secure Mode
   * is refused, unless it comes back from a factory reset (then it is in default mode again).
   * Every refusal is logged with its reason and put into the exchange log.
   */
  private secureGate(
    req: PhoneRequest,
    parsed: PhoneMessage | WpiParseError,
  ): 'verified' | 'default' | { mac: string | null; reason: string } {
    const { store, notify } = this.deps;
    const at = this.deps.now();
    const mac = this.flows.get(req.sessionId, at)?.flow.mac ?? (parsed instanceof WpiParseError ? null : macOf(parsed.items));
    if (req.client) {
      const verdict = this.deps.verifyClient?.(req.client) ?? { ok: false, reason: 'Secure Mode is not set up' };
      const reason = !verdict.ok ? verdict.reason : mac === null ? null : macMismatch(verdict, mac);
      if (!reason) return 'verified';
      return { mac: mac ?? (verdict.ok ? verdict.mac : null), reason: `secure port: ${reason}` };
    }
    const phone = mac ? store.phones.get(mac) : undefined;
    if (!mac || !phone || phone.secureSince === null) return 'default';
    if (store.jobs.awaitedFor(mac).some((j) => j.kind === 'factory-reset')) {
      store.transaction(() => store.phones.setSecureMode(mac, null));
      notify.log('info', `${mac}: back from a factory reset, in default mode again`);
      return 'default';
    }
    return { mac, reason: DEFAULT_PORT_BLOCKED_REASON };
  }

  private async refuseSecure(req: PhoneRequest, mac: string | null, reason: string, at: number): Promise<void> {
    this.deps.notify.log('warn', `${req.peer}${mac ? ` (${mac})` : ''}: refused, ${reason}`);
    const refusal = {
      peer: req.peer,
      status: SECURE_REFUSAL_STATUS,
      reason,
      method: 'POST',
      path: req.path,
      headers: null,
      sessionId: req.sessionId,
    };
    await recordRefusal(this.deps.store, refusal, mac, at);
  }

  private unreadable(req: PhoneRequest, started: number, error: WpiParseError, outbox: Outbox): PhoneResponse {
    const nonce = error.nonce ?? this.deps.token();
    const decision = rejectMessage(nonce, null, `unreadable message from ${req.peer}: ${error.message}`);
    return this.commit(req, started, null, decision, null, `rejected: ${error.code}`, null, outbox);
  }

  /** One parsed message, inside the unit: its reads see what earlier units of the group wrote. */
  private respond(req: PhoneRequest, started: number, message: PhoneMessage, outbox: Outbox, secureChannel: boolean): PhoneResponse {
    const open =
      this.flows.get(req.sessionId, started) ??
      (message.reason === 'reply-to' && !req.sessionId
        ? this.flows.byPeer(req.peer, started, { mac: macOf(message.items), nonce: message.nonce })
        : null);
    // A fragmented first message may name its phone only in a later part: collected until then.
    const mac = open?.flow.mac ?? macOf(message.items);
    if (!mac) return this.unidentified(req, started, message, open, outbox);
    const elsewhere = this.deps.belongsElsewhere?.(mac) ?? null;
    // Another site's phone is not stored, adopted or configured here, unless this site knows it too.
    if (elsewhere !== null && !this.deps.store.phones.get(mac)) return this.otherSite(req, mac, message, open, elsewhere, outbox);
    // A first message always opens a new interaction; whatever was open for this phone ends.
    // Its running job goes back to the queue now (so this interaction can run it again); the
    // flow itself is dropped from memory below, with the other in-memory changes.
    const first = message.reason !== 'reply-to';
    const abandoned = first ? this.flows.forMac(mac) : null;
    if (abandoned?.flow.step) this.requeueRunning(mac, 'the phone started a new interaction before answering');

    if (message.reason === 'start-up') this.resendPollSettings(mac, req.localAddress);
    const context = this.contextFor(
      mac,
      message,
      open?.flow.tried ?? [],
      { localAddress: plainAddress(req.localAddress) },
      req.secure,
      secureChannel,
    );
    const input = { message, flow: open?.flow ?? null, mac, phone: context, policy: this.deps.policy() };
    let decision = handleMessage(input);
    // The identity is known only once the whole first message is (it may come in fragments):
    // a hold found now decides again, without writing jobs (the engine is pure, so that is free).
    const held = this.checkIdentity(mac, decision, req, started, context, outbox);
    if (held) decision = handleMessage({ ...input, phone: held });
    let reply: string;
    try {
      reply = buildServiceMessage(decision.reply);
    } catch (error) {
      if (!(error instanceof UnsendableItemError)) throw error;
      // Jobs are validated when created; this only guards against data changed behind our back.
      decision = this.unsendable(decision, error, message.nonce, mac);
      reply = buildServiceMessage(decision.reply);
    }
    const response = this.commit(req, started, message, decision, reply, null, mac, outbox);
    if (secureChannel && this.deps.store.phones.get(mac)?.secureSince === null) {
      this.deps.store.phones.setSecureMode(mac, started);
      outbox.add(() => this.deps.notify.log('info', `${mac}: in Secure Mode (mutual TLS on the secure port)`));
    }

    // The open flows change last: a throw above undoes the unit's writes and leaves them as they were.
    outbox.touched.add(mac);
    if (abandoned) this.flows.remove(abandoned.sessionId);
    // A first message collected before it named its phone, continued under its own reason.
    if (first && open && open.sessionId !== abandoned?.sessionId) this.flows.remove(open.sessionId);
    if (decision.flow) {
      const sessionId = !first && open ? open.sessionId : this.deps.token();
      for (const dropped of this.flows.put({ sessionId, flow: decision.flow, peer: req.peer, touchedAt: started, nonce: message.nonce })) {
        this.dropped(dropped, outbox);
      }
      if (sessionId !== open?.sessionId) response.session = { set: sessionId };
    } else if (open && !first) {
      this.flows.remove(open.sessionId);
    }
    return response;
  }

  /** A plain CleanUp, nothing stored: the phone is another site's (and is listed there, not here). */
  private otherSite(
    req: PhoneRequest,
    mac: string,
    message: PhoneMessage,
    open: OpenFlow | null,
    site: string,
    outbox: Outbox,
  ): PhoneResponse {
    if (open) this.flows.remove(open.sessionId);
    outbox.add(() => this.deps.notify.log('info', `${mac} (${req.peer}): belongs to site ${site}; open that site to work on it`));
    return { status: 200, body: buildServiceMessage(rejectMessage(message.nonce, mac, `belongs to site ${site}`).reply) };
  }

  /** A message without a usable mac-addr so far: the parts of a first message are kept, the rest refused. */
  private unidentified(req: PhoneRequest, started: number, message: PhoneMessage, open: OpenFlow | null, outbox: Outbox): PhoneResponse {
    const decision = collectUnidentified(message, open?.flow ?? null, req.peer);
    const note = decision.flow ? null : 'rejected: no mac-addr';
    const response = this.commit(req, started, message, decision, null, note, null, outbox);
    if (!decision.flow) {
      if (open) this.flows.remove(open.sessionId);
      return response;
    }
    // Nothing of this phone is stored yet, so nothing is re-queued when its flow is evicted.
    const sessionId = open?.sessionId ?? this.deps.token();
    for (const dropped of this.flows.put({ sessionId, flow: decision.flow, peer: req.peer, touchedAt: started, nonce: message.nonce })) {
      this.dropped(dropped, outbox);
    }
    if (sessionId !== open?.sessionId) response.session = { set: sessionId };
    return response;
  }

  /** A flow evicted to stay within the memory budget: its running job goes back to the queue. */
  private dropped(dropped: OpenFlow, outbox: Outbox): void {
    if (dropped.flow.mac === null) return;
    outbox.touched.add(dropped.flow.mac);
    if (dropped.flow.step) this.requeueRunning(dropped.flow.mac, 'open interactions exceeded their memory budget: this one was dropped');
  }

  /**
   * A unit that changed open flows was undone (it threw late, or its group's COMMIT failed):
   * the flows in memory no longer match the database. Like after a crash, the phones concerned
   * lose their open interaction and their running jobs go back to the queue; they start anew.
   */
  private recover(outbox: Outbox, error: unknown): void {
    if (!outbox.touched.size) return;
    const { store, notify } = this.deps;
    const why = `not stored (${error instanceof Error ? error.message : String(error)}): the interaction was dropped`;
    for (const mac of outbox.touched) {
      const open = this.flows.forMac(mac);
      if (open) this.flows.remove(open.sessionId);
    }
    try {
      store.transaction(() => [...outbox.touched].forEach((mac) => store.jobs.requeueRunningFor(mac, why, this.deps.now())));
    } catch (requeueError) {
      // The database refuses writes altogether; the next start re-queues them (requeueInterrupted).
      notify.log('warn', `re-queuing jobs of ${[...outbox.touched].join(', ')} failed: ${String(requeueError)}`);
    }
    notify.log('warn', `${[...outbox.touched].join(', ')}: ${why}`);
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
    // A job waiting out a busy back-off does not count: the phone would only be refused again.
    const pending = this.runnableJobs(mac, phone.adoption === 'adopted' && !phone.identityHold, now, false);
    return { status: pending.length > 0 ? 202 : 200 };
  }

  /** Flows idle past the timeout: drop them and put their running jobs back in the queue. */
  expireFlows(): void {
    const now = this.deps.now();
    for (const { flow } of this.flows.expire(now))
      if (flow.mac) this.requeueRunning(flow.mac, 'the phone stopped answering mid-interaction');
  }

  /** Poll settings do not survive a reboot (wpi-protocol.md §5): each start-up gets them again. */
  private resendPollSettings(mac: string, serverAddress: string): void {
    const { store } = this.deps;
    const phone = store.phones.get(mac);
    if (!phone?.pollIntervalS) return;
    const items = this.deps.pollItems(plainAddress(serverAddress), phone.pollIntervalS);
    if (!items) return;
    const queued = store.jobs
      .runnableFor(mac, Number.MAX_SAFE_INTEGER)
      .some((j) => j.kind === 'write-items' && j.items.some((i) => i.name === DCMP_URL_ITEM));
    if (queued) return;
    store.jobs.create(mac, 'write-items', items, this.deps.now());
  }

  /**
   * Everything the engine may need for this message, loaded before it decides: the engine never
   * reads the store. Items (secrets decrypted) are loaded and rendered only for the jobs it may
   * still start in this interaction, at most as many as it can take steps.
   */
  private contextFor(
    mac: string,
    message: PhoneMessage,
    tried: readonly string[],
    render: RenderContext,
    secure: boolean,
    secureChannel: boolean,
  ): PhoneContext {
    const { store } = this.deps;
    const phone = store.phones.get(mac);
    const adopted = phone ? phone.adoption === 'adopted' : this.deps.adoptionFor(mac) === 'adopted';
    const hold = phone?.identityHold ? holdReason(phone.identityHold.changes) : null;
    const now = this.deps.now();
    // A phone answering a solicited contact or calling after a call ended gets its busy jobs again.
    const runnable = this.runnableJobs(mac, adopted, now, message.reason !== 'reply-to');
    // Said on the jobs once per interaction, at its first message.
    if (hold && message.reason !== 'reply-to') {
      this.noteWaiting(
        runnable.filter((j) => WRITING_JOB_KINDS.includes(j.kind)),
        `held: ${hold}`,
      );
    }
    // Over plain HTTP everything would travel in clear: jobs with secrets wait for HTTPS.
    const inClear = secure ? [] : runnable.filter((j) => store.jobs.carriesSecrets(j.id));
    this.noteWaiting(inClear, PLAIN_HTTP_SECRET_REASON);
    const files = this.deps.files;
    const candidates = runnable.filter((j) => !inClear.includes(j) && !tried.includes(j.id)).slice(0, FLOW_LIMITS.maxSteps);
    // At most fileServer.maxFirmwareDownloads images on their way at once: the site's uplink.
    const noSlot = files ? candidates.filter((j) => j.kind === 'software-deployment' && !files.holdFirmwareSlot(j.id)) : [];
    this.noteWaiting(noSlot, FIRMWARE_SLOT_REASON);
    const jobs = candidates
      .filter((j) => !noSlot.includes(j))
      .map((j) => {
        const fileUrl = files && ((fileId: string) => files.url(j.id, fileId, render.localAddress));
        return {
          id: j.id,
          kind: j.kind,
          items: renderJobItems(j.kind, store.jobs.itemsForSending(j.id), { ...render, ...(fileUrl ? { fileUrl } : {}) }),
        };
      });
    // A Secure Mode bootstrap is settled only by a start-up that passed the secure port's gate.
    const awaitedJobs = store.jobs.awaitedFor(mac).filter((j) => secureChannel || j.kind !== 'secure-mode');
    const awaited = awaitedJobs.map((j) => {
      const download = files?.downloads(j.id);
      return {
        id: j.id,
        kind: j.kind,
        items: j.items,
        ...(j.expectVersion ? { expectVersion: j.expectVersion } : {}),
        ...(download ? { download } : {}),
      };
    });
    return {
      inventoryComplete: phone?.inventoryComplete ?? false,
      ...(phone?.softwareVersion ? { storedSoftwareVersion: phone.softwareVersion } : {}),
      ...(phone && phone.maxItems > 0 ? { maxItems: phone.maxItems } : {}),
      mayWrite: adopted && !hold,
      ...(hold ? { holdReason: hold } : {}),
      jobs,
      awaited,
    };
  }

  /**
   * A first message whose identity facts do not fit the adopted phone's: the hold is recorded
   * (and logged when new), and the context to decide again with is returned; null when the
   * decision stands (no first message, no hold, or the context already knew it).
   */
  private checkIdentity(
    mac: string,
    decision: Decision,
    req: PhoneRequest,
    at: number,
    context: PhoneContext,
    outbox: Outbox,
  ): PhoneContext | null {
    const contact = decision.effects.find((e) => e.type === 'contact');
    if (!contact || contact.type !== 'contact') return null;
    const peer = plainAddress(req.peer);
    const uri = acceptedContactMeUri(contact.items.find((i) => i.name === 'contact-me-uri' && !i.status)?.value ?? null, peer).uri;
    const { hold, fresh } = this.identity.observe(mac, reportedIdentity(contact.items, peer, uri), at);
    if (!hold) return null;
    const reason = holdReason(hold.changes);
    if (fresh) {
      outbox.touched.add(mac);
      outbox.add(() => this.deps.notify.log('warn', `${mac} (${peer}): ${reason}; Secure Mode is the real protection`));
    }
    if (context.holdReason) return null;
    const writing = context.jobs.filter((j) => WRITING_JOB_KINDS.includes(j.kind));
    this.noteWaiting(writing, `held: ${reason}`);
    return { ...context, mayWrite: false, holdReason: reason };
  }

  /** Says on each of these jobs why it waits (only where the reason is new). */
  private noteWaiting(jobs: readonly JobRef[], reason: string): void {
    const { store } = this.deps;
    const at = this.deps.now();
    for (const job of jobs) {
      if (store.jobs.get(job.id)?.reason !== reason) store.jobs.update(job.id, { reason, updatedAt: at });
    }
  }

  private runnableJobs(mac: string, adopted: boolean, now: number, ignoreBackoff = true): JobRef[] {
    const jobs = this.deps.store.jobs.runnableRefsFor(mac, ignoreBackoff ? Number.MAX_SAFE_INTEGER : now);
    return adopted ? jobs : jobs.filter((j) => READ_ONLY_JOB_KINDS.includes(j.kind));
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

  private requeueRunning(mac: string, why: string): void {
    const { store } = this.deps;
    store.transaction(() => store.jobs.requeueRunningFor(mac, why, this.deps.now()));
  }

  private commit(
    req: PhoneRequest,
    started: number,
    message: PhoneMessage | null,
    decision: Decision,
    reply: string | null,
    note: string | null,
    mac: string | null,
    outbox: Outbox,
  ): PhoneResponse {
    const { store, notify } = this.deps;
    const body = reply ?? buildServiceMessage(decision.reply);
    let applied: AppliedEffects = { warnings: [], contactReason: null };
    // Already inside the unit's savepoint: a throw here undoes all of the unit's writes.
    ((): void => {
      applied = applyEffects(decision.effects, {
        store,
        at: started,
        peer: plainAddress(req.peer),
        serverAddress: plainAddress(req.localAddress),
        phone: mac,
        adoptionFor: this.deps.adoptionFor,
        busyRetryMs: this.deps.busyRetryMs ?? BUSY_RETRY_MS,
      });
      const summary = {
        mac: mac ?? decision.flow?.mac ?? null,
        peer: req.peer,
        at: started,
        durationMs: Math.max(0, this.deps.now() - started),
        reason: message?.reason ?? null,
        action: decision.reply.action,
        httpStatus: 200,
        note: note ?? (applied.warnings.length ? applied.warnings.join('; ') : null),
      };
      store.exchanges.append({ ...summary, requestXml: loggedBody(req.body), responseXml: body });
    })();
    const phoneMac = mac ?? decision.flow?.mac;
    const { warnings, contactReason } = applied;
    outbox.add(() => {
      for (const w of warnings) notify.log('warn', w);
      if (contactReason && phoneMac) notify.phoneContacted(phoneMac, contactReason);
    });
    return { status: 200, body };
  }
}

/** Notifications of one unit, published once its commit returned; phones whose open flow it changed. */
class Outbox {
  readonly touched = new Set<string>();
  readonly #pending: (() => void)[] = [];

  add(publish: () => void): void {
    this.#pending.push(publish);
  }

  publish(): void {
    for (const publish of this.#pending) publish();
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
