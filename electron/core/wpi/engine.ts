import { FACTORY_RESET_PASSWORD, type Action, type PhoneMessage, type ServiceMessage, type WpiItem } from '../../../shared/protocol.js';
import { REBOOTING_JOB_KINDS, WRITING_JOB_KINDS, type ItemResult, type JobKind } from '../../../shared/jobs.js';
import { supportsSendSolicited } from './firmware.js';
import { splitForPhone } from './split.js';

/**
 * The WPI engine: one phone message in, one decision out (the reply plus the effects to
 * persist before the reply is sent). Pure: no sockets, clock, randomness or database; the
 * adapter supplies the phone's stored context and persists the effects (wpi-protocol.md §8).
 */

/** Bounds that keep every interaction finite whatever the phone sends. */
export const FLOW_LIMITS = {
  /** Service actions (not counting GetNextFragment) before the flow is cut with CleanUp. */
  maxSteps: 64,
  /** Fragments of one phone reply. 329 items at maxItems=1 still fit. */
  maxFragments: 2000,
  /** Items of one (assembled) phone reply. */
  maxItems: 20000,
  /**
   * Characters (item names and values) of one assembled reply: without it, 2,000 fragments of
   * one 1 MB item each pile up 2 GB in memory. A full ReadAllItems is ~20 kB.
   */
  maxChars: 8 * 1024 * 1024,
} as const;

/** A job the engine may serve in this interaction. */
export interface EngineJob {
  id: string;
  kind: JobKind;
  /** read-items: names (values ignored); write-items / file / software: items to send. */
  items: WpiItem[];
}

/** A job that was sent and now waits for the phone to report back on its own. */
export interface AwaitedJob {
  id: string;
  kind: JobKind;
  /** software-deployment: the version the phone should come back with (file-sw-version). */
  expectVersion?: string;
  /** file-deployment: the file name, to match the phone's `file-deployment-name` report. */
  fileName?: string;
}

/** What the adapter knows about the phone when a message arrives. */
export interface PhoneContext {
  /** A stored record with a complete inventory exists. */
  inventoryComplete: boolean;
  /** Software version stored from the previous contact. */
  storedSoftwareVersion?: string;
  /** Adopted (not quarantined): writing jobs may be sent. */
  mayWrite: boolean;
  /** Runnable jobs in the order they should run. */
  jobs: EngineJob[];
  /** Jobs sent earlier whose outcome the phone reports in a later message. */
  awaited: AwaitedJob[];
  /**
   * The phone's maxItems as stored from an earlier contact: applies while this flow has not
   * announced one (the guide's start-up example, p. 33, carries no maxItems).
   */
  maxItems?: number;
}

export type SendSolicitedPolicy = 'auto' | 'always' | 'never';

export interface EnginePolicy {
  /** When CleanUp carries send-solicited after a busy refusal (auto: firmware ≥ V3R3). */
  sendSolicited: SendSolicitedPolicy;
}

export const DEFAULT_POLICY: EnginePolicy = { sendSolicited: 'auto' };

type Step =
  /** A first message came with fragment="next": its parts are collected before it is read. */
  | { kind: 'first'; reason: PhoneMessage['reason'] }
  | { kind: 'read-all'; jobId: string | null }
  | { kind: 'read-items'; jobId: string; batches: WpiItem[][]; batch: number; results: ItemResult[] }
  | { kind: 'write'; jobId: string; batches: WpiItem[][]; batch: number; results: ItemResult[] }
  | { kind: 'restart'; jobId: string }
  | { kind: 'file'; jobId: string }
  | { kind: 'software'; jobId: string };

/** State of one interaction, kept by the adapter between messages (keyed by session cookie). */
export interface FlowState {
  mac: string;
  softwareVersion?: string;
  maxItems: number;
  steps: number;
  fragments: number;
  /** Items of a fragmented reply received so far. */
  partial: WpiItem[];
  /** Characters of `partial` (names and values), checked against FLOW_LIMITS.maxChars. */
  partialChars?: number;
  /** What the service sent last and awaits a reply-to for. */
  step: Step | null;
  /** Jobs already tried in this flow; never tried twice in one interaction. */
  tried: string[];
  needReadAll: boolean;
  /** A WriteItems was refused busy in this flow: the phone is in a call. */
  busy: boolean;
  /** The phone is rebooting (Restart/SoftwareDeployment sent): nothing more to do. */
  ended: boolean;
}

export type Effect =
  /** First message of a flow: identity and basic items as reported. */
  | { type: 'contact'; mac: string; reason: PhoneMessage['reason']; items: WpiItem[] }
  | { type: 'inventory'; mac: string; mode: 'replace' | 'merge'; items: WpiItem[] }
  | { type: 'job-running'; jobId: string }
  | { type: 'job-awaiting'; jobId: string; expect: 'start-up' | 'status'; expectVersion?: string }
  | { type: 'job-busy'; jobId: string }
  | { type: 'job-done'; jobId: string; results: ItemResult[] }
  | { type: 'job-failed'; jobId: string; reason: string; results: ItemResult[] }
  /** Something the technician should see in the log; never fatal. */
  | { type: 'warning'; mac: string | null; message: string };

export interface Decision {
  reply: ServiceMessage;
  /** null: the interaction is over (CleanUp sent); the adapter drops the session. */
  flow: FlowState | null;
  effects: Effect[];
}

export interface MessageInput {
  message: PhoneMessage;
  /** The flow bound to the request's session cookie, if any. */
  flow: FlowState | null;
  /** Normalised MAC of the phone: from the flow, or from the message's `mac-addr`. */
  mac: string;
  phone: PhoneContext;
  policy?: EnginePolicy;
}

const FIRST_MESSAGE_REASONS = new Set(['start-up', 'local-changes', 'inventory-changes', 'status', 'solicited']);

export function handleMessage(input: MessageInput): Decision {
  const { message } = input;
  const policy = input.policy ?? DEFAULT_POLICY;
  const pending = input.flow?.step?.kind === 'first' ? input.flow.step : null;
  // The next part of a fragmented first message: as reply-to, or under its own reason again.
  if (input.flow && pending && (message.reason === 'reply-to' || message.reason === pending.reason)) {
    return continueFirst(input, input.flow, pending.reason, policy);
  }
  if (message.reason === 'reply-to') return handleReply(input, policy);
  if (message.reason === 'clean-up') return handlePhoneCleanUp(input);
  if (FIRST_MESSAGE_REASONS.has(message.reason)) {
    if (message.fragment === 'next') return collectFirst(input, emptyFlow(input.mac, message.maxItems), message.reason);
    return startFlow(input, policy);
  }
  return cleanUp(message.nonce, null, [{ type: 'warning', mac: input.mac, message: `unexpected reason ${message.reason}` }]);
}

/** Answer for a message that could not be parsed or placed: end the interaction. */
export function rejectMessage(nonce: string, mac: string | null, why: string): Decision {
  return cleanUp(nonce, null, [{ type: 'warning', mac, message: why }]);
}

function emptyFlow(mac: string, maxItems: number): FlowState {
  return { mac, maxItems, steps: 0, fragments: 0, partial: [], step: null, tried: [], needReadAll: false, busy: false, ended: false };
}

/**
 * Fragments are answered with GetNextFragment and assembled before they are interpreted
 * (wpi-protocol.md §11.5). The guide shows this for replies (p. 69–70); a first message split by
 * the phone's maxItems (p. 69) is collected the same way, so nothing is read from half of it.
 */
function collectFirst(input: MessageInput, flow: FlowState, reason: PhoneMessage['reason']): Decision {
  const { message } = input;
  const partial = flow.partial.concat(message.items);
  const partialChars = (flow.partialChars ?? 0) + message.items.reduce((n, i) => n + i.name.length + i.value.length, 0);
  const fragments = flow.fragments + 1;
  if (partial.length > FLOW_LIMITS.maxItems || partialChars > FLOW_LIMITS.maxChars || fragments > FLOW_LIMITS.maxFragments) {
    return rejectMessage(message.nonce, input.mac, `fragmented ${reason} exceeds the limits of one message; interaction cut`);
  }
  return {
    reply: { nonce: message.nonce, action: 'GetNextFragment' },
    flow: { ...flow, partial, partialChars, fragments, step: { kind: 'first', reason } },
    effects: [],
  };
}

function continueFirst(input: MessageInput, flow: FlowState, reason: PhoneMessage['reason'], policy: EnginePolicy): Decision {
  const { message } = input;
  if (message.fragment === 'next') return collectFirst(input, flow, reason);
  const whole: PhoneMessage = {
    nonce: message.nonce,
    maxItems: message.maxItems > 0 ? message.maxItems : flow.maxItems,
    fragment: 'final',
    reason,
    items: flow.partial.concat(message.items),
  };
  if (whole.items.length > FLOW_LIMITS.maxItems) {
    return rejectMessage(message.nonce, input.mac, `fragmented ${reason} exceeds ${FLOW_LIMITS.maxItems} items; interaction cut`);
  }
  return startFlow({ ...input, message: whole, flow: null }, policy);
}

function startFlow(input: MessageInput, policy: EnginePolicy): Decision {
  const { message, mac, phone } = input;
  const effects: Effect[] = [];
  // A single-file deployment is answered by `status`, not reply-to (p. 52): not a dropped flow.
  const expected = message.reason === 'status' && input.flow?.step?.kind === 'file';
  if (input.flow?.step && !expected) {
    effects.push({ type: 'warning', mac, message: `new ${message.reason} while an interaction was open; the old one is dropped` });
  }
  effects.push({ type: 'contact', mac, reason: message.reason, items: message.items });
  effects.push({ type: 'inventory', mac, mode: 'merge', items: message.items.filter((i) => !i.status) });

  const softwareVersion = value(message.items, 'software-version') ?? phone.storedSoftwareVersion;
  effects.push(...settleAwaited(message, mac, phone.awaited));

  const flow: FlowState = {
    mac,
    ...(softwareVersion ? { softwareVersion } : {}),
    maxItems: message.maxItems > 0 ? message.maxItems : (phone.maxItems ?? -1),
    steps: 0,
    fragments: 0,
    partial: [],
    step: null,
    tried: [],
    needReadAll: needsReadAll(message, phone),
    busy: false,
    ended: false,
  };
  return next(flow, message.nonce, phone, policy, effects);
}

/** Whether the stored inventory can no longer be trusted after this first message. */
function needsReadAll(message: PhoneMessage, phone: PhoneContext): boolean {
  if (!phone.inventoryComplete) return true;
  const changed = value(message.items, 'configuration-changed-flag') === 'true';
  const attached = value(message.items, 'configuration-attached-flag') === 'true';
  const version = value(message.items, 'software-version');
  switch (message.reason) {
    case 'start-up':
      return changed || (version !== undefined && version !== phone.storedSoftwareVersion);
    case 'local-changes':
      // V2R2+ attaches the changed items, which are merged above; older phones attach nothing.
      return !attached;
    case 'inventory-changes':
      return true;
    default:
      return false;
  }
}

/** Jobs whose outcome this first message reports: a reboot came back, a file was fetched. */
function settleAwaited(message: PhoneMessage, mac: string, awaited: AwaitedJob[]): Effect[] {
  const effects: Effect[] = [];
  const version = value(message.items, 'software-version');
  for (const job of awaited) {
    if (message.reason === 'start-up' && (job.kind === 'restart' || job.kind === 'factory-reset')) {
      effects.push({ type: 'job-done', jobId: job.id, results: [{ name: 'start-up', status: 'accepted', value: 'phone came back' }] });
    } else if (message.reason === 'start-up' && job.kind === 'software-deployment') {
      if (!job.expectVersion || sameVersion(version, job.expectVersion)) {
        effects.push({
          type: 'job-done',
          jobId: job.id,
          results: [{ name: 'software-version', status: 'accepted', value: version ?? '' }],
        });
      } else {
        effects.push({
          type: 'job-failed',
          jobId: job.id,
          reason: `phone came back with software ${version ?? 'unknown'}, expected ${job.expectVersion}`,
          results: [{ name: 'software-version', status: 'failed', value: version ?? '' }],
        });
      }
    }
  }
  if (message.reason === 'status') {
    const job = reportedFileJob(message.items, awaited);
    if (job) effects.push(fileStatusEffect(job.id, message.items));
    else effects.push({ type: 'warning', mac, message: 'status report without a file deployment in progress' });
  }
  return effects;
}

/** The file job a `status` report is about: the one with the reported file name, else the oldest. */
function reportedFileJob(items: readonly WpiItem[], awaited: readonly AwaitedJob[]): AwaitedJob | undefined {
  const files = awaited.filter((j) => j.kind === 'file-deployment');
  const name = value(items, 'file-deployment-name');
  return files.find((j) => name !== undefined && j.fileName === name) ?? files[0];
}

function fileStatusEffect(jobId: string, items: WpiItem[]): Effect {
  const status = value(items, 'file-deployment-status');
  const outcome = status === 'ok' ? 'accepted' : 'failed';
  const results = items
    .filter((i) => i.name.startsWith('file-deployment-'))
    .map((i) => ({ ...itemRef(i), value: i.value, status: outcome }));
  if (status === 'ok') return { type: 'job-done', jobId, results };
  return { type: 'job-failed', jobId, reason: `phone reports file deployment ${status ?? 'without a status'}`, results };
}

/** `V3 R5.12.0` and `3.5.12.0` name the same firmware (p. 57). */
function sameVersion(reported: string | undefined, expected: string): boolean {
  if (!reported) return false;
  const digits = (s: string): string => (s.match(/\d+/g) ?? []).join('.');
  return digits(reported) === digits(expected);
}

function handleReply(input: MessageInput, policy: EnginePolicy): Decision {
  const { message, mac, phone } = input;
  if (!input.flow || !input.flow.step) {
    return rejectMessage(message.nonce, mac, 'reply-to outside an interaction (unknown or expired session)');
  }
  // A limit the phone announces now binds every message still to come in this flow.
  const step = input.flow.step;
  const flow = message.maxItems > 0 ? { ...input.flow, maxItems: message.maxItems } : input.flow;
  const expected = actionOf(step);
  if (message.action && message.action !== expected) {
    return failStep(flow, message.nonce, phone, policy, `phone answered ${message.action} while ${expected} was pending`);
  }
  if (flow.partial.length + message.items.length > FLOW_LIMITS.maxItems) {
    return failStep(flow, message.nonce, phone, policy, `reply exceeds ${FLOW_LIMITS.maxItems} items`, true);
  }
  const partialChars = (flow.partialChars ?? 0) + message.items.reduce((n, i) => n + i.name.length + i.value.length, 0);
  if (partialChars > FLOW_LIMITS.maxChars) {
    return failStep(flow, message.nonce, phone, policy, `reply exceeds ${FLOW_LIMITS.maxChars} characters`, true);
  }
  if (message.fragment === 'next') {
    const fragments = flow.fragments + 1;
    if (fragments > FLOW_LIMITS.maxFragments) {
      return failStep(flow, message.nonce, phone, policy, `reply exceeds ${FLOW_LIMITS.maxFragments} fragments`, true);
    }
    const partial = flow.partial.concat(message.items);
    return { reply: { nonce: message.nonce, action: 'GetNextFragment' }, flow: { ...flow, partial, partialChars, fragments }, effects: [] };
  }
  const items = flow.partial.concat(message.items);
  const done: FlowState = { ...flow, partial: [], partialChars: 0, fragments: 0, step: null };
  const status = message.status ?? 'accepted';
  const effects: Effect[] = [];

  switch (step.kind) {
    case 'read-all':
      if (status === 'accepted') {
        effects.push({ type: 'inventory', mac, mode: 'replace', items });
        done.needReadAll = false;
        if (step.jobId) effects.push({ type: 'job-done', jobId: step.jobId, results: items.map(readResult) });
      } else if (step.jobId) {
        effects.push({ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadAllItems with ${status}`, results: [] });
      } else {
        done.needReadAll = false;
        effects.push({ type: 'warning', mac, message: `phone answered ReadAllItems with ${status}` });
      }
      break;
    case 'read-items':
      if (status === 'accepted') {
        effects.push({ type: 'inventory', mac, mode: 'merge', items: items.filter((i) => !i.status) });
        const results = step.results.concat(items.map(readResult));
        if (step.batch + 1 < step.batches.length) {
          // The names did not fit the phone's maxItems in one request: ask for the next part.
          const following = { ...step, batches: withinLimit(step.batches, step.batch + 1, done.maxItems), batch: step.batch + 1, results };
          return send({ ...done, step: following }, message.nonce, 'ReadItems', following.batches[following.batch], effects);
        }
        effects.push({ type: 'job-done', jobId: step.jobId, results });
      } else {
        effects.push({ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadItems with ${status}`, results: step.results });
      }
      break;
    case 'write':
      return writeReply(done, step, status, items, message.nonce, phone, policy);
    case 'restart':
      if (status === 'accepted') {
        // Acknowledged before rebooting: the job stays awaiting the phone's start-up.
        return cleanUp(message.nonce, null, effects);
      }
      // A reply other than accepted means it refused (e.g. wrong factory-reset password).
      effects.push({
        type: 'job-failed',
        jobId: step.jobId,
        reason: `phone refused the restart (${status})`,
        results: items.map(readResult),
      });
      done.ended = false;
      break;
    case 'file':
      if (status === 'accepted') {
        // Multi-file deployments report nothing more (p. 55): verify with a fresh inventory.
        effects.push({ type: 'job-done', jobId: step.jobId, results: items.map(readResult) });
        done.needReadAll = true;
      } else {
        effects.push({
          type: 'job-failed',
          jobId: step.jobId,
          reason: `phone refused the file deployment (${status})`,
          results: items.map(readResult),
        });
      }
      break;
    case 'software':
      if (status === 'accepted') {
        // Downloading; the job settles at the start-up with the new version.
        return cleanUp(message.nonce, null, effects);
      }
      if (status === 'busy') {
        effects.push({ type: 'job-busy', jobId: step.jobId });
        done.busy = true;
      } else {
        effects.push({
          type: 'job-failed',
          jobId: step.jobId,
          reason: `phone refused the firmware deployment (${status})`,
          results: items.map(readResult),
        });
      }
      done.ended = false;
      break;
  }
  return next(done, message.nonce, phone, policy, effects);
}

function writeReply(
  flow: FlowState,
  step: Extract<Step, { kind: 'write' }>,
  status: string,
  reported: WpiItem[],
  nonce: string,
  phone: PhoneContext,
  policy: EnginePolicy,
): Decision {
  const effects: Effect[] = [];
  const sent = step.batches[step.batch] ?? [];
  if (status === 'busy') {
    // Nothing of this batch was applied; earlier batches were. The whole job is sent again later.
    effects.push({ type: 'job-busy', jobId: step.jobId });
    return next({ ...flow, busy: true }, nonce, phone, policy, effects);
  }
  if (status !== 'accepted') {
    const results = step.results.concat(sent.map((i) => ({ ...itemRef(i), value: i.value, status: status })));
    effects.push({ type: 'job-failed', jobId: step.jobId, reason: `phone refused WriteItems (${status})`, results });
    return next(flow, nonce, phone, policy, effects);
  }
  const refused = new Map(reported.filter((i) => i.status).map((i) => [refKey(i), i.status as string]));
  // Some firmware reports a refused indexed item without its index: it then applies to every index.
  const refusedByName = new Map(reported.filter((i) => i.status && i.index === undefined).map((i) => [i.name, i.status as string]));
  const statusOf = (i: WpiItem): string | undefined => refused.get(refKey(i)) ?? refusedByName.get(i.name);
  const batchResults = sent.map((i) => ({ ...itemRef(i), value: i.value, status: statusOf(i) ?? 'accepted' }));
  const applied = sent.filter((i) => statusOf(i) === undefined);
  if (applied.length) effects.push({ type: 'inventory', mac: flow.mac, mode: 'merge', items: applied });
  const results = step.results.concat(batchResults);

  if (step.batch + 1 < step.batches.length) {
    const following = { ...step, batches: withinLimit(step.batches, step.batch + 1, flow.maxItems), batch: step.batch + 1, results };
    return send({ ...flow, step: following }, nonce, 'WriteItems', following.batches[following.batch], effects);
  }
  const failures = results.filter((r) => r.status !== 'accepted');
  if (failures.length === 0) {
    effects.push({ type: 'job-done', jobId: step.jobId, results });
  } else {
    const names = failures.slice(0, 5).map((r) => `${r.name}${r.index === undefined ? '' : `[${r.index}]`}: ${r.status}`);
    const more = failures.length > 5 ? ` and ${failures.length - 5} more` : '';
    effects.push({
      type: 'job-failed',
      jobId: step.jobId,
      reason: `${failures.length} of ${results.length} items refused (${names.join(', ')}${more})`,
      results,
    });
  }
  return next(flow, nonce, phone, policy, effects);
}

/** A reply the engine cannot use for the pending step: fail that job, and go on or stop. */
function failStep(flow: FlowState, nonce: string, phone: PhoneContext, policy: EnginePolicy, why: string, stop = false): Decision {
  const effects: Effect[] = [{ type: 'warning', mac: flow.mac, message: why }];
  const jobId = flow.step && 'jobId' in flow.step ? flow.step.jobId : null;
  if (jobId) effects.push({ type: 'job-failed', jobId, reason: why, results: [] });
  if (stop) return cleanUp(nonce, null, effects);
  return next({ ...flow, step: null, partial: [], partialChars: 0, fragments: 0 }, nonce, phone, policy, effects);
}

function handlePhoneCleanUp(input: MessageInput): Decision {
  const { message, mac, flow } = input;
  const reason = value(message.items, 'cleanup-reason') ?? 'no reason given';
  const effects: Effect[] = [{ type: 'warning', mac, message: `phone ended the interaction: ${reason}` }];
  const jobId = flow?.step && 'jobId' in flow.step ? flow.step.jobId : null;
  if (jobId) effects.push({ type: 'job-failed', jobId, reason: `phone ended the interaction: ${reason}`, results: [] });
  return cleanUp(message.nonce, null, effects);
}

/** Picks the next action: inventory first, then jobs (rebooting ones last), else CleanUp. */
function next(flow: FlowState, nonce: string, phone: PhoneContext, policy: EnginePolicy, effects: Effect[]): Decision {
  if (flow.ended) return cleanUp(nonce, null, effects);
  if (flow.steps >= FLOW_LIMITS.maxSteps) {
    effects.push({ type: 'warning', mac: flow.mac, message: `interaction cut after ${FLOW_LIMITS.maxSteps} steps` });
    return cleanUp(nonce, null, effects);
  }
  if (flow.needReadAll) {
    return send({ ...flow, step: { kind: 'read-all', jobId: null }, needReadAll: false }, nonce, 'ReadAllItems', undefined, effects);
  }
  const settled = new Set(effects.flatMap((e) => ('jobId' in e ? [e.jobId] : [])));
  const candidates = phone.jobs.filter(
    (j) =>
      !flow.tried.includes(j.id) &&
      !settled.has(j.id) &&
      (phone.mayWrite || !WRITING_JOB_KINDS.includes(j.kind)) &&
      // In a call: nothing that changes the phone (a restart would drop the call); send-solicited brings it back.
      !(flow.busy && WRITING_JOB_KINDS.includes(j.kind)),
  );
  const job = candidates.find((j) => !REBOOTING_JOB_KINDS.includes(j.kind)) ?? candidates[0];
  if (!job) return finish(flow, nonce, phone, policy, effects);

  const tried = { ...flow, tried: [...flow.tried, job.id] };
  effects.push({ type: 'job-running', jobId: job.id });
  switch (job.kind) {
    case 'read-all':
      return send({ ...tried, step: { kind: 'read-all', jobId: job.id } }, nonce, 'ReadAllItems', undefined, effects);
    case 'read-items': {
      // maxItems limits every service message that lists items (p. 28), not only WriteItems.
      const batches = splitForPhone(
        job.items.map((i) => ({ ...itemRef(i), value: '' })),
        flow.maxItems,
      );
      if (batches.length === 0) {
        effects.push({ type: 'job-done', jobId: job.id, results: [] });
        return next(tried, nonce, phone, policy, effects);
      }
      return send(
        { ...tried, step: { kind: 'read-items', jobId: job.id, batches, batch: 0, results: [] } },
        nonce,
        'ReadItems',
        batches[0],
        effects,
      );
    }
    case 'write-items': {
      const batches = splitForPhone(job.items, flow.maxItems);
      if (batches.length === 0) {
        effects.push({ type: 'job-done', jobId: job.id, results: [] });
        return next(tried, nonce, phone, policy, effects);
      }
      return send(
        { ...tried, step: { kind: 'write', jobId: job.id, batches, batch: 0, results: [] } },
        nonce,
        'WriteItems',
        batches[0],
        effects,
      );
    }
    case 'restart':
    case 'factory-reset': {
      const items =
        job.kind === 'factory-reset'
          ? [
              { name: 'restart-password', value: FACTORY_RESET_PASSWORD },
              { name: 'restart-type', value: 'FactoryReset' },
            ]
          : undefined;
      effects.push({ type: 'job-awaiting', jobId: job.id, expect: 'start-up' });
      return send({ ...tried, step: { kind: 'restart', jobId: job.id }, ended: true }, nonce, 'Restart', items, effects);
    }
    case 'file-deployment':
      effects.push({ type: 'job-awaiting', jobId: job.id, expect: 'status' });
      return send({ ...tried, step: { kind: 'file', jobId: job.id } }, nonce, 'FileDeployment', job.items, effects);
    case 'software-deployment': {
      const expectVersion = value(job.items, 'file-sw-version');
      effects.push({ type: 'job-awaiting', jobId: job.id, expect: 'start-up', ...(expectVersion ? { expectVersion } : {}) });
      return send(
        { ...tried, step: { kind: 'software', jobId: job.id }, ended: true },
        nonce,
        'SoftwareDeployment',
        withFirmwareFileType(job.items),
        effects,
      );
    }
  }
}

/** CleanUp, with send-solicited while busy-refused work remains and the phone can honour it. */
function finish(flow: FlowState, nonce: string, phone: PhoneContext, policy: EnginePolicy, effects: Effect[]): Decision {
  // flow.busy: a job was refused busy earlier in this flow and still waits. Do not look for it
  // in phone.jobs: once refused it is backed off and no longer listed as runnable.
  const busyNow = effects.some((e) => e.type === 'job-busy');
  const waiting = busyNow || flow.busy;
  const solicited =
    waiting && (policy.sendSolicited === 'always' || (policy.sendSolicited === 'auto' && supportsSendSolicited(flow.softwareVersion)));
  const items = solicited ? [{ name: 'send-solicited', value: 'true' }] : undefined;
  return { reply: { nonce, action: 'CleanUp', ...(items ? { items } : {}) }, flow: null, effects };
}

function send(flow: FlowState, nonce: string, action: Action, items: WpiItem[] | undefined, effects: Effect[]): Decision {
  return {
    reply: { nonce, action, ...(items ? { items } : {}) },
    flow: { ...flow, steps: flow.steps + 1 },
    effects,
  };
}

function cleanUp(nonce: string, flow: null, effects: Effect[]): Decision {
  return { reply: { nonce, action: 'CleanUp' }, flow, effects };
}

function actionOf(step: Step): Action {
  switch (step.kind) {
    case 'first':
      return 'GetNextFragment';
    case 'read-all':
      return 'ReadAllItems';
    case 'read-items':
      return 'ReadItems';
    case 'write':
      return 'WriteItems';
    case 'restart':
      return 'Restart';
    case 'file':
      return 'FileDeployment';
    case 'software':
      return 'SoftwareDeployment';
  }
}

/**
 * The batches from `from` on, split again if one of them is above the phone's limit (announced
 * only after they were planned); the ones already sent stay as they were.
 */
function withinLimit(batches: WpiItem[][], from: number, maxItems: number): WpiItem[][] {
  const rest = batches.slice(from);
  if (maxItems <= 0 || rest.every((b) => b.length <= maxItems)) return batches;
  return [...batches.slice(0, from), ...splitForPhone(rest.flat(), maxItems)];
}

/** `file-type` of a firmware image (guide p. 57; the text says file-sw-type replaces it, p. 56). */
export const FIRMWARE_FILE_TYPE = 'APP';

/** The guide's example sends both file-type=APP and file-sw-type (§9.11): add the one left out. */
function withFirmwareFileType(items: WpiItem[]): WpiItem[] {
  const hasSwType = items.some((i) => i.name === 'file-sw-type');
  const hasType = items.some((i) => i.name === 'file-type' && i.index === undefined);
  return hasSwType && !hasType ? [...items, { name: 'file-type', value: FIRMWARE_FILE_TYPE }] : items;
}

function value(items: readonly WpiItem[], name: string): string | undefined {
  return items.find((i) => i.name === name)?.value;
}

function itemRef(item: WpiItem): { name: string; index?: number } {
  return item.index === undefined ? { name: item.name } : { name: item.name, index: item.index };
}

function refKey(item: { name: string; index?: number }): string {
  return `${item.name}#${item.index ?? ''}`;
}

function readResult(item: WpiItem): ItemResult {
  return { ...itemRef(item), value: item.value, status: item.status ?? 'accepted' };
}
