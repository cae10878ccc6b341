import type { JobView } from '../../../shared/model.js';
import { itemKey } from '../../../shared/protocol.js';

/** What became of one written item, in the words the technician needs (pain point 10). */
export type ItemOutcome =
  | { kind: 'accepted' }
  | { kind: 'readOnly' }
  | { kind: 'refused'; status: string }
  | { kind: 'busy' }
  | { kind: 'pending' }
  | { kind: 'failed'; reason: string | null }
  | { kind: 'cancelled' }
  | { kind: 'unconfirmed' };

/** The phone's per-item status for a refused write is `read only` with a blank (protocol p.26). */
function fromStatus(status: string): ItemOutcome {
  if (status === 'accepted') return { kind: 'accepted' };
  if (status === 'read only') return { kind: 'readOnly' };
  return { kind: 'refused', status };
}

function withoutResult(job: JobView): ItemOutcome {
  switch (job.state) {
    case 'waiting-busy':
      return { kind: 'busy' };
    case 'queued':
    case 'waiting-for-phone':
    case 'running':
      return { kind: 'pending' };
    case 'failed':
      return { kind: 'failed', reason: job.reason };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'done':
      // Done, but the phone named no status for this item: say so rather than claim success.
      return { kind: 'unconfirmed' };
  }
}

/** Outcome per item key (`name` or `name#index`) for every item the job carries. */
export function itemOutcomes(job: JobView): Map<string, ItemOutcome> {
  const outcomes = new Map<string, ItemOutcome>();
  for (const item of job.items) outcomes.set(itemKey(item), withoutResult(job));
  for (const result of job.results) outcomes.set(itemKey(result), fromStatus(result.status));
  return outcomes;
}

/** The phone's most recent write job: its results are what the editor shows next to each item. */
export function latestWriteJob(jobs: Record<string, JobView>, mac: string): JobView | undefined {
  let latest: JobView | undefined;
  for (const job of Object.values(jobs)) {
    if (job.mac !== mac || job.kind !== 'write-items') continue;
    if (!latest || job.createdAt > latest.createdAt) latest = job;
  }
  return latest;
}
