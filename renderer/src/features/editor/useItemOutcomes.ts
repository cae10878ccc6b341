import { useMemo } from 'react';
import { itemOutcomes, latestWriteJob, type ItemOutcome } from '../../lib/itemOutcome.js';
import { useAppStore } from '../../store/context.js';

const NONE: ReadonlyMap<string, ItemOutcome> = new Map();

/** Per-item outcomes of the phone's latest write job, updated live as `job.updated` arrives. */
export function useItemOutcomes(mac: string): ReadonlyMap<string, ItemOutcome> {
  const job = useAppStore((state) => latestWriteJob(state.jobs, mac));
  return useMemo(() => (job ? itemOutcomes(job) : NONE), [job]);
}
