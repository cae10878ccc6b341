import type { WpiItem } from '../../../shared/protocol.js';

/**
 * The work one API call may queue. Each limit alone (10,000 MACs, 5,000 items) is fine; their
 * product was not: 10,000 × 5,000 took 75 s and 2.7 GB of database, and every later phone list
 * ran out of memory. The check costs nothing, so a refusal is immediate.
 */

/** Job items one call may create in all (phones × items; a job without items counts as one). */
export const MAX_JOB_ITEMS_PER_CALL = 100_000;
/** Characters of item names and values one call may store in all (phones × the items' size). */
export const MAX_JOB_CHARS_PER_CALL = 32 * 1024 * 1024;

/** Characters of item names and values in one job (a full phone configuration is far below). */
export const MAX_JOB_CHARS = 1024 * 1024;
/** Characters of job payloads one `jobs.list` answer carries at most; it returns fewer jobs rather than more. */
export const MAX_JOB_LIST_CHARS = 16 * 1024 * 1024;

export class CallTooLargeError extends Error {
  readonly statusCode = 413;
}

/** Throws CallTooLargeError when queuing `items` for `phones` phones exceeds a limit above. */
export function checkCallWork(phones: number, items: readonly WpiItem[]): void {
  const jobItems = phones * Math.max(1, items.length);
  if (jobItems > MAX_JOB_ITEMS_PER_CALL) {
    throw new CallTooLargeError(
      `${phones} phones × ${items.length} items = ${jobItems} job items, more than ${MAX_JOB_ITEMS_PER_CALL} in one call: split it into smaller calls`,
    );
  }
  const perJob = items.reduce((sum, item) => sum + item.name.length + item.value.length, 0);
  if (perJob > MAX_JOB_CHARS) {
    throw new CallTooLargeError(`the items hold ${perJob} characters, more than ${MAX_JOB_CHARS} in one job: split them into several jobs`);
  }
  const chars = phones * perJob;
  if (chars > MAX_JOB_CHARS_PER_CALL) {
    throw new CallTooLargeError(
      `${phones} phones × the items' ${perJob} characters = ${chars} characters, more than ${MAX_JOB_CHARS_PER_CALL} in one call: split it into smaller calls`,
    );
  }
}
