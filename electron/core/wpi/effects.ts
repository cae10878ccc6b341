import type { ItemResult, JobKind } from '../../../shared/jobs.js';
import type { PhoneMessage, WpiItem } from '../../../shared/protocol.js';

/** A job the engine may serve in this interaction, its items loaded and rendered for sending. */
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
  /** The items as stored (secrets masked): what was sent, to match the phone's report. */
  items: WpiItem[];
  /** software-deployment: the version the phone should come back with (file-sw-version). */
  expectVersion?: string;
  /** What the phone fetched through the job's file URL (jobs using a library file). */
  download?: DownloadFacts;
}

/** The file server's log of one job's URL, summed up. */
export interface DownloadFacts {
  attempts: number;
  /** At least one attempt got every byte. */
  complete: boolean;
  /** Most bytes one attempt got, and what it asked for. */
  bytes: number;
  expected: number;
}

/** What a decision asks the adapter to persist before the reply is sent. */
export type Effect =
  /** First message of a flow: identity and basic items as reported; maxItems only if announced. */
  | { type: 'contact'; mac: string; reason: PhoneMessage['reason']; items: WpiItem[]; maxItems?: number }
  | { type: 'inventory'; mac: string; mode: 'replace' | 'merge'; items: WpiItem[] }
  | { type: 'job-running'; jobId: string }
  | { type: 'job-awaiting'; jobId: string; expect: 'start-up' | 'status'; expectVersion?: string }
  | { type: 'job-busy'; jobId: string }
  | { type: 'job-done'; jobId: string; results: ItemResult[] }
  | { type: 'job-failed'; jobId: string; reason: string; results: ItemResult[] }
  /** Something the technician should see on the job; the job still settles as it does. */
  | { type: 'job-warning'; jobId: string; message: string }
  /** trace-start read the phone's levels before raising them: kept to be written back (traces/). */
  | { type: 'trace-originals'; mac: string; jobId: string; items: WpiItem[] }
  /** Something the technician should see in the log; never fatal. */
  | { type: 'warning'; mac: string | null; message: string };
