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
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * queued → waiting-for-phone → running → done | failed | waiting-busy | cancelled.
 * `waiting-busy`: the phone was in a call; the job runs again when it calls back.
 */
export const JOB_STATES = ['queued', 'waiting-for-phone', 'running', 'waiting-busy', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FINAL_JOB_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

/** Kinds that change the phone: never sent to a quarantined phone. */
export const WRITING_JOB_KINDS: readonly JobKind[] = ['write-items', 'restart', 'factory-reset', 'file-deployment', 'software-deployment'];

/** Kinds after which the phone reboots: always the last step of an interaction. */
export const REBOOTING_JOB_KINDS: readonly JobKind[] = ['restart', 'factory-reset', 'software-deployment'];

/** Result for one item of a job, in the phone's words (`accepted` or an Item status). */
export interface ItemResult {
  name: string;
  index?: number;
  value?: string;
  status: string;
}
export type JobItem = WpiItem;
