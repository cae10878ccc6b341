import type { ItemResult, JobKind, JobKindFacts } from '../../../shared/jobs.js';
import type { Action, PhoneMessage, WpiItem } from '../../../shared/protocol.js';
import type { AwaitedJob, Effect, EngineJob } from '../wpi/effects.js';

/** What the service knows at send time, for rendering a job's stored items into sent ones. */
export interface RenderContext {
  /** Plain local address of the socket that reached the phone: the laptop as the phone sees it. */
  localAddress: string;
  /** This job's URL of a library file on the file server, as the phone reaches it (none: no file server). */
  fileUrl?: (fileId: string) => string | undefined;
}

/** The interaction as a kind sees it when it takes a step. */
export interface StepContext {
  mac: string;
  /** The phone's limit of items per message (-1: none announced). */
  maxItems: number;
  softwareVersion?: string;
}

/**
 * One message a job has sent in this interaction and awaits the reply-to for. Kept in the flow
 * state between messages, so plain data only. `batches` holds the item lists of one logical
 * request split by the phone's maxItems; `batches[batch]` is the one sent (none: no ItemList).
 */
export interface JobStep {
  jobId: string;
  kind: JobKind;
  action: Action;
  /** The kind's own name for this step (e.g. `write`, then `read-back`). */
  phase: string;
  batches: WpiItem[][];
  batch: number;
  /** Results collected by the earlier steps of this job in this interaction. */
  results: ItemResult[];
  /** Items a kind keeps for its later steps (trace-start: the levels to write once it has read). */
  carry?: WpiItem[];
}

/** The next message of a job; the engine sends `batches[batch]` and keeps the step. */
export type StepPlan = Omit<JobStep, 'jobId' | 'kind'>;

/** A phone reply-to (all fragments assembled) to the step's action. */
export interface StepReply {
  status: string;
  items: WpiItem[];
}

/** What a kind decides for one step. */
export interface Outcome {
  effects: Effect[];
  /** Another message of this job in this interaction; absent: its part here is over. */
  send?: StepPlan;
  /** Nothing more in this interaction once the phone acknowledged (it reboots). */
  ends?: boolean;
  /** The stored inventory can no longer be trusted: the engine re-reads it before anything else. */
  reread?: boolean;
}

/** A report the job waits for after it was sent, in a later first message of the phone. */
export interface AwaitedReport {
  report: 'start-up' | 'status';
  /** After this long without the report the reacher fails the job. */
  timeoutMs: number;
  /** What did not happen, for the reason of an overdue job ("phone did not …"). */
  overdue: string;
  /** A more telling reason for an overdue job, from what the phone fetched (default: from `overdue`). */
  overdueReason?(job: AwaitedJob): string | undefined;
  /** Settles the jobs of this kind that `message` reports on (others are left waiting). */
  settle(message: PhoneMessage, jobs: readonly AwaitedJob[], ctx: StepContext): Outcome;
}

/** How a kind is carried out over WPI (wpi-protocol.md §9). */
export interface WpiSteps {
  /** The first step; the engine has already marked the job running. */
  start(job: EngineJob, ctx: StepContext): Outcome;
  /** The phone's reply to the step's action. */
  reply(step: JobStep, reply: StepReply, ctx: StepContext): Outcome;
  awaits?: AwaitedReport;
}

export interface JobKindModule {
  readonly kind: JobKind;
  readonly facts: JobKindFacts;
  /** The reacher wakes the phone (contact-me) when a job of this kind is pending. */
  readonly wakesPhone: boolean;
  /** Refuses a request that cannot become a job (throws JobRequestError); nothing invalid is queued. */
  check(items: readonly WpiItem[]): void;
  /** The items as sent, from the stored ones, at send time. */
  render(items: WpiItem[], ctx: RenderContext): WpiItem[];
  /** Present for kinds whose `facts.execution` is `wpi`. */
  readonly wpi?: WpiSteps;
}
