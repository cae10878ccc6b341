import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { JobKindModule } from '../kind.js';
import { asStored, noItems, readResult } from './common.js';

/** ReadAllItems (p. 40): the whole inventory, which replaces the stored one. */
export const readAll: JobKindModule = {
  kind: 'read-all',
  facts: JOB_KIND_FACTS['read-all'],
  wakesPhone: true,
  check: noItems('read-all'),
  render: asStored,
  wpi: {
    start: () => ({ effects: [], send: { action: 'ReadAllItems', phase: 'read', batches: [], batch: 0, results: [] } }),
    reply: (step, { status, items }, { mac }) =>
      status === 'accepted'
        ? {
            effects: [
              { type: 'inventory', mac, mode: 'replace', items },
              { type: 'job-done', jobId: step.jobId, results: items.map(readResult) },
            ],
          }
        : { effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadAllItems with ${status}`, results: [] }] },
  },
};
