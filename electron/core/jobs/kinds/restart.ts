import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import type { AwaitedReport, JobKindModule, WpiSteps } from '../kind.js';
import { asStored, noItems, refused } from './common.js';

/** How long a restarted phone may take to send its start-up before the job fails. */
export const RESTART_TIMEOUT_MS = 10 * 60_000;

/**
 * Restart (p. 51), optionally with restart items: acknowledged, then the phone reboots and its
 * next start-up settles the job. `reread`: whether the phone comes back with other items.
 */
export function restartSteps(items: WpiItem[] | undefined, reread: boolean): WpiSteps {
  const awaits: AwaitedReport = {
    report: 'start-up',
    timeoutMs: RESTART_TIMEOUT_MS,
    overdue: 'come back after the restart',
    settle: (message, jobs) =>
      message.reason === 'start-up' && jobs.length
        ? {
            effects: jobs.map((j) => ({
              type: 'job-done' as const,
              jobId: j.id,
              results: [{ name: 'start-up', status: 'accepted', value: 'phone came back' }],
            })),
            reread,
          }
        : { effects: [] },
  };
  return {
    start: (job) => ({
      effects: [{ type: 'job-awaiting', jobId: job.id, expect: 'start-up' }],
      send: { action: 'Restart', phase: 'restart', batches: items ? [items] : [], batch: 0, results: [] },
      ends: true,
    }),
    // Acknowledged before rebooting: the job stays awaiting the phone's start-up. Anything else
    // means it refused (e.g. a wrong factory-reset password).
    reply: (step, { status, items: reported }) =>
      status === 'accepted' ? { effects: [], ends: true } : refused(step.jobId, 'the restart', status, reported),
    awaits,
  };
}

export const restart: JobKindModule = {
  kind: 'restart',
  facts: JOB_KIND_FACTS.restart,
  wakesPhone: true,
  check: noItems('restart'),
  render: asStored,
  wpi: restartSteps(undefined, false),
};
