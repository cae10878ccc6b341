import type { Action, PhoneMessage, ServiceMessage, WpiItem } from '../../../shared/protocol.js';
import { JOB_KINDS, WRITING_JOB_KINDS } from '../../../shared/jobs.js';
import type { JobStep, Outcome, StepContext } from '../jobs/kind.js';
import { jobKind } from '../jobs/registry.js';
import type { AwaitedJob, EngineJob, Effect } from './effects.js';
import { supportsSendSolicited } from './firmware.js';

export type { AwaitedJob, EngineJob, Effect } from './effects.js';

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

/** What the adapter knows about the phone when a message arrives. */
export interface PhoneContext {
  /** A stored record with a complete inventory exists. */
  inventoryComplete: boolean;
  /** Software version stored from the previous contact. */
  storedSoftwareVersion?: string;
  /** Adopted (not quarantined) and not held: writing jobs may be sent. */
  mayWrite: boolean;
  /** Why writing jobs are held although the phone is adopted (its identity changed); logged per interaction. */
  holdReason?: string;
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
  /** The engine's own ReadAllItems: the stored inventory cannot be trusted. */
  | { kind: 'read-all' }
  /** A message of a job, decided by its kind's module. */
  | { kind: 'job'; job: JobStep };

/** State of one interaction, kept by the adapter between messages (keyed by session cookie). */
export interface FlowState {
  /** null only while a fragmented first message without `mac-addr` so far is being collected. */
  mac: string | null;
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

/** A flow whose phone is known: every flow past the collection of its first message. */
type Flow = FlowState & { mac: string };
type FlowInput = MessageInput & { flow: Flow | null };

const FIRST_MESSAGE_REASONS = new Set(['start-up', 'local-changes', 'inventory-changes', 'status', 'solicited']);

export function handleMessage(given: MessageInput): Decision {
  const { message } = given;
  const policy = given.policy ?? DEFAULT_POLICY;
  // A flow collected before its phone was known belongs to the MAC the caller identified since.
  const flow: Flow | null = given.flow ? { ...given.flow, mac: given.mac } : null;
  const input: FlowInput = { ...given, flow };
  const pending = continuing(flow, message);
  // The next part of a fragmented first message: as reply-to, or under its own reason again.
  if (flow && pending) return continueFirst(input, flow, pending.reason, policy);
  if (message.reason === 'reply-to') return handleReply(input, policy);
  if (message.reason === 'clean-up') return handlePhoneCleanUp(input);
  if (FIRST_MESSAGE_REASONS.has(message.reason)) {
    if (message.fragment === 'next') return collectFirst(message, input.mac, emptyFlow(input.mac, message.maxItems), message.reason);
    return startFlow(input, policy);
  }
  return cleanUp(message.nonce, null, [{ type: 'warning', mac: input.mac, message: `unexpected reason ${message.reason}` }]);
}

/**
 * A message without a usable `mac-addr` (none in it, none in its flow). Only a fragmented first
 * message may name its phone in a later part (wpi-protocol.md §11.5): its parts are collected
 * until one carries `mac-addr`, and the caller runs `handleMessage` from then on. Anything else,
 * and a last part with still no MAC, is refused.
 */
export function collectUnidentified(message: PhoneMessage, flow: FlowState | null, peer: string): Decision {
  const pending = continuing(flow, message);
  if (message.fragment === 'next') {
    if (flow && pending) return collectFirst(message, null, flow, pending.reason);
    if (!flow && FIRST_MESSAGE_REASONS.has(message.reason))
      return collectFirst(message, null, emptyFlow(null, message.maxItems), message.reason);
  }
  const what = pending ? `fragmented ${pending.reason}` : message.reason;
  return rejectMessage(message.nonce, null, `${what} from ${peer} without a valid mac-addr`);
}

/** The pending first message this part continues: as reply-to, or under its own reason again. */
function continuing(flow: FlowState | null, message: PhoneMessage): { reason: PhoneMessage['reason'] } | null {
  const pending = flow?.step?.kind === 'first' ? flow.step : null;
  return pending && (message.reason === 'reply-to' || message.reason === pending.reason) ? pending : null;
}

/** Answer for a message that could not be parsed or placed: end the interaction. */
export function rejectMessage(nonce: string, mac: string | null, why: string): Decision {
  return cleanUp(nonce, null, [{ type: 'warning', mac, message: why }]);
}

function emptyFlow(mac: string | null, maxItems: number): FlowState {
  return { mac, maxItems, steps: 0, fragments: 0, partial: [], step: null, tried: [], needReadAll: false, busy: false, ended: false };
}

/**
 * Fragments are answered with GetNextFragment and assembled before they are interpreted
 * (wpi-protocol.md §11.5). The guide shows this for replies (p. 69–70); a first message split by
 * the phone's maxItems (p. 69) is collected the same way, so nothing is read from half of it.
 */
function collectFirst(message: PhoneMessage, mac: string | null, flow: FlowState, reason: PhoneMessage['reason']): Decision {
  const partial = flow.partial.concat(message.items);
  const partialChars = (flow.partialChars ?? 0) + message.items.reduce((n, i) => n + i.name.length + i.value.length, 0);
  const fragments = flow.fragments + 1;
  if (partial.length > FLOW_LIMITS.maxItems || partialChars > FLOW_LIMITS.maxChars || fragments > FLOW_LIMITS.maxFragments) {
    return rejectMessage(message.nonce, mac, `fragmented ${reason} exceeds the limits of one message; interaction cut`);
  }
  return {
    reply: { nonce: message.nonce, action: 'GetNextFragment' },
    flow: { ...flow, partial, partialChars, fragments, step: { kind: 'first', reason } },
    effects: [],
  };
}

function continueFirst(input: FlowInput, flow: Flow, reason: PhoneMessage['reason'], policy: EnginePolicy): Decision {
  const { message } = input;
  if (message.fragment === 'next') return collectFirst(message, input.mac, flow, reason);
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

function startFlow(input: FlowInput, policy: EnginePolicy): Decision {
  const { message, mac, phone } = input;
  const effects: Effect[] = [];
  // A report the open step's job waits for (a single-file `status`, p. 52) does not drop a flow.
  const open = input.flow?.step;
  const expected = open?.kind === 'job' && jobKind(open.job.kind).wpi?.awaits?.report === message.reason;
  if (open && !expected) {
    effects.push({ type: 'warning', mac, message: `new ${message.reason} while an interaction was open; the old one is dropped` });
  }
  effects.push({
    type: 'contact',
    mac,
    reason: message.reason,
    items: message.items,
    ...(message.maxItems > 0 ? { maxItems: message.maxItems } : {}),
  });
  if (phone.holdReason && phone.jobs.some((j) => WRITING_JOB_KINDS.includes(j.kind))) {
    effects.push({ type: 'warning', mac, message: phone.holdReason });
  }
  effects.push({ type: 'inventory', mac, mode: 'merge', items: message.items.filter((i) => !i.status) });

  const softwareVersion = value(message.items, 'software-version') ?? phone.storedSoftwareVersion;
  const flow: Flow = {
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
  const settled = settleAwaited(message, phone.awaited, stepContext(flow));
  effects.push(...settled.effects);
  if (settled.reread) flow.needReadAll = true;
  return next(flow, message.nonce, phone, policy, effects);
}

/**
 * Whether the stored inventory can no longer be trusted after this first message. A start-up
 * with another firmware than stored brings other items (a factory reset is the kind's `reread`).
 */
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

/** Jobs whose outcome this first message reports (a reboot came back, a file was fetched), per kind. */
function settleAwaited(message: PhoneMessage, awaited: readonly AwaitedJob[], ctx: StepContext): { effects: Effect[]; reread: boolean } {
  const effects: Effect[] = [];
  let reread = false;
  for (const kind of JOB_KINDS) {
    const awaits = jobKind(kind).wpi?.awaits;
    // Every first message goes to every kind that awaits one: a firmware job also learns from a
    // solicited contact that the phone stayed on its old version (image rejected, no reboot).
    if (!awaits) continue;
    const outcome = awaits.settle(
      message,
      awaited.filter((j) => j.kind === kind),
      ctx,
    );
    effects.push(...outcome.effects.map((e) => (e.type === 'warning' && e.mac === null ? { ...e, mac: ctx.mac } : e)));
    reread ||= outcome.reread === true;
  }
  return { effects, reread };
}

function handleReply(input: FlowInput, policy: EnginePolicy): Decision {
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
  const done: Flow = { ...flow, partial: [], partialChars: 0, fragments: 0, step: null };
  const status = message.status ?? 'accepted';

  if (step.kind === 'job') {
    const steps = jobKind(step.job.kind).wpi;
    if (!steps) return failStep(flow, message.nonce, phone, policy, `${step.job.kind} is not carried out over WPI`);
    return follow(done, step.job, steps.reply(step.job, { status, items }, stepContext(done)), message.nonce, phone, policy, []);
  }
  const effects: Effect[] = [];
  done.needReadAll = false;
  if (status === 'accepted') effects.push({ type: 'inventory', mac, mode: 'replace', items });
  else effects.push({ type: 'warning', mac, message: `phone answered ReadAllItems with ${status}` });
  return next(done, message.nonce, phone, policy, effects);
}

/** Carries out what a kind decided for its job: the next message of the job, or the next job. */
function follow(
  flow: Flow,
  job: Pick<JobStep, 'jobId' | 'kind'>,
  outcome: Outcome,
  nonce: string,
  phone: PhoneContext,
  policy: EnginePolicy,
  effects: Effect[],
): Decision {
  effects.push(...outcome.effects);
  const state: Flow = {
    ...flow,
    ended: outcome.ends === true,
    // A refusal because the phone is in a call: nothing more that changes it in this flow.
    busy: flow.busy || outcome.effects.some((e) => e.type === 'job-busy'),
    // A replaced inventory is fresh again; a kind that changed it behind our back asks for a re-read.
    needReadAll:
      outcome.reread === true || (flow.needReadAll && !outcome.effects.some((e) => e.type === 'inventory' && e.mode === 'replace')),
  };
  if (outcome.send) {
    const { action, batches, batch } = outcome.send;
    return send(
      { ...state, step: { kind: 'job', job: { ...outcome.send, jobId: job.jobId, kind: job.kind } } },
      nonce,
      action,
      batches[batch],
      effects,
    );
  }
  return next(state, nonce, phone, policy, effects);
}

/** A reply the engine cannot use for the pending step: fail that job, and go on or stop. */
function failStep(flow: Flow, nonce: string, phone: PhoneContext, policy: EnginePolicy, why: string, stop = false): Decision {
  const effects: Effect[] = [{ type: 'warning', mac: flow.mac, message: why }];
  const jobId = flow.step?.kind === 'job' ? flow.step.job.jobId : null;
  if (jobId) effects.push({ type: 'job-failed', jobId, reason: why, results: [] });
  if (stop) return cleanUp(nonce, null, effects);
  return next({ ...flow, step: null, partial: [], partialChars: 0, fragments: 0 }, nonce, phone, policy, effects);
}

function handlePhoneCleanUp(input: FlowInput): Decision {
  const { message, mac, flow } = input;
  const reason = value(message.items, 'cleanup-reason') ?? 'no reason given';
  const effects: Effect[] = [{ type: 'warning', mac, message: `phone ended the interaction: ${reason}` }];
  const jobId = flow?.step?.kind === 'job' ? flow.step.job.jobId : null;
  if (jobId) effects.push({ type: 'job-failed', jobId, reason: `phone ended the interaction: ${reason}`, results: [] });
  return cleanUp(message.nonce, null, effects);
}

/** Picks the next action: inventory first, then jobs (rebooting ones last), else CleanUp. */
function next(flow: Flow, nonce: string, phone: PhoneContext, policy: EnginePolicy, effects: Effect[]): Decision {
  if (flow.ended) return cleanUp(nonce, null, effects);
  if (flow.steps >= FLOW_LIMITS.maxSteps) {
    effects.push({ type: 'warning', mac: flow.mac, message: `interaction cut after ${FLOW_LIMITS.maxSteps} steps` });
    return cleanUp(nonce, null, effects);
  }
  if (flow.needReadAll) {
    return send({ ...flow, step: { kind: 'read-all' }, needReadAll: false }, nonce, 'ReadAllItems', undefined, effects);
  }
  const settled = new Set(effects.flatMap((e) => ('jobId' in e ? [e.jobId] : [])));
  const candidates = phone.jobs.filter((j) => {
    const { facts, wpi } = jobKind(j.kind);
    return (
      wpi !== undefined &&
      !flow.tried.includes(j.id) &&
      !settled.has(j.id) &&
      (phone.mayWrite || !facts.writes) &&
      // In a call: nothing that changes the phone (a restart would drop the call); send-solicited brings it back.
      !(flow.busy && facts.writes)
    );
  });
  const job = candidates.find((j) => !jobKind(j.kind).facts.reboots) ?? candidates[0];
  const steps = job && jobKind(job.kind).wpi;
  if (!job || !steps) return finish(flow, nonce, phone, policy, effects);

  const tried = { ...flow, tried: [...flow.tried, job.id] };
  effects.push({ type: 'job-running', jobId: job.id });
  return follow(tried, { jobId: job.id, kind: job.kind }, steps.start(job, stepContext(tried)), nonce, phone, policy, effects);
}

/** CleanUp, with send-solicited while busy-refused work remains and the phone can honour it. */
function finish(flow: Flow, nonce: string, phone: PhoneContext, policy: EnginePolicy, effects: Effect[]): Decision {
  // flow.busy: a job was refused busy earlier in this flow and still waits. Do not look for it
  // in phone.jobs: once refused it is backed off and no longer listed as runnable.
  const busyNow = effects.some((e) => e.type === 'job-busy');
  const waiting = busyNow || flow.busy;
  const solicited =
    waiting && (policy.sendSolicited === 'always' || (policy.sendSolicited === 'auto' && supportsSendSolicited(flow.softwareVersion)));
  const items = solicited ? [{ name: 'send-solicited', value: 'true' }] : undefined;
  return { reply: { nonce, action: 'CleanUp', ...(items ? { items } : {}) }, flow: null, effects };
}

function send(flow: Flow, nonce: string, action: Action, items: WpiItem[] | undefined, effects: Effect[]): Decision {
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
    case 'job':
      return step.job.action;
  }
}

function stepContext(flow: Flow): StepContext {
  return { mac: flow.mac, maxItems: flow.maxItems, ...(flow.softwareVersion ? { softwareVersion: flow.softwareVersion } : {}) };
}

function value(items: readonly WpiItem[], name: string): string | undefined {
  return items.find((i) => i.name === name)?.value;
}
