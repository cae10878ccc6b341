import type { WpiItem } from './protocol.js';

/** Work the technician asks for; one job reaches one phone. */
export const JOB_KINDS = [
  'read-all',
  'read-items',
  'write-items',
  'restart',
  'factory-reset',
  'file-deployment',
  'software-deployment',
  'trace-start',
  'trace-stop',
  'certificate',
  'trace-download',
  'secure-mode',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * queued → waiting-for-phone → running → done | failed | waiting-busy | cancelled.
 * `waiting-busy`: the phone was in a call; the job runs again when it calls back.
 */
export const JOB_STATES = ['queued', 'waiting-for-phone', 'running', 'waiting-busy', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINAL_JOB_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

/** Where a kind is carried out: over WPI, over the phone's web interface (WBM), or on the laptop. */
export type JobExecution = 'wpi' | 'wbm' | 'local';

/** What both processes need to know about a kind; its behaviour lives in electron/core/jobs/kinds/. */
export interface JobKindFacts {
  /** Changes the phone: never sent to a quarantined phone, nor while it is in a call. */
  writes: boolean;
  /** The phone reboots after it: always the last step of an interaction. */
  reboots: boolean;
  execution: JobExecution;
}

/** One line per kind; the core's registry and the renderer both read this table. */
export const JOB_KIND_FACTS = {
  'read-all': { writes: false, reboots: false, execution: 'wpi' },
  'read-items': { writes: false, reboots: false, execution: 'wpi' },
  'write-items': { writes: true, reboots: false, execution: 'wpi' },
  restart: { writes: true, reboots: true, execution: 'wpi' },
  'factory-reset': { writes: true, reboots: true, execution: 'wpi' },
  'file-deployment': { writes: true, reboots: false, execution: 'wpi' },
  'software-deployment': { writes: true, reboots: true, execution: 'wpi' },
  'trace-start': { writes: true, reboots: false, execution: 'wpi' },
  'trace-stop': { writes: true, reboots: false, execution: 'wpi' },
  certificate: { writes: true, reboots: false, execution: 'wpi' },
  'trace-download': { writes: false, reboots: false, execution: 'wbm' },
  'secure-mode': { writes: true, reboots: false, execution: 'wpi' },
} as const satisfies Record<JobKind, JobKindFacts>;

/** Kinds that change the phone: never sent to a quarantined phone. */
export const WRITING_JOB_KINDS: readonly JobKind[] = JOB_KINDS.filter((k) => JOB_KIND_FACTS[k].writes);

/** Kinds after which the phone reboots: always the last step of an interaction. */
export const REBOOTING_JOB_KINDS: readonly JobKind[] = JOB_KINDS.filter((k) => JOB_KIND_FACTS[k].reboots);

/** Result for one item of a job, in the phone's words (`accepted` or an Item status). */
export interface ItemResult {
  name: string;
  index?: number;
  value?: string;
  status: string;
}
export type JobItem = WpiItem;
