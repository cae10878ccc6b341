import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import { validateItemRef } from '../../../../shared/validation.js';
import { JobRequestError } from '../job-requests.js';
import type { JobKindModule } from '../kind.js';
import { asStored, batched, itemRef, nextBatch, readResult } from './common.js';

/** ReadItems (p. 39) by name (and index), split by the phone's maxItems like any item list. */
export const readItems: JobKindModule = {
  kind: 'read-items',
  facts: JOB_KIND_FACTS['read-items'],
  wakesPhone: true,
  check(items) {
    if (!items.length) throw new JobRequestError('read-items needs at least one item name');
    // Only names and indexes travel in a ReadItems request; they must be sendable (wpi.xsd).
    const issues = items.flatMap((item) => {
      const message = validateItemRef(item);
      return message ? [{ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message }] : [];
    });
    if (issues.length) throw new JobRequestError(`${issues.length} item name(s) refused: ${issues[0]?.name} ${issues[0]?.message}`, issues);
  },
  render: asStored,
  wpi: {
    start(job, { maxItems }) {
      const names = job.items.map((i) => ({ ...itemRef(i), value: '' }));
      const send = batched('ReadItems', 'read', names, maxItems);
      return send ? { effects: [], send } : { effects: [{ type: 'job-done', jobId: job.id, results: [] }] };
    },
    reply(step, { status, items }, { mac, maxItems }) {
      if (status !== 'accepted') {
        return {
          effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadItems with ${status}`, results: step.results }],
        };
      }
      const results = step.results.concat(items.map(readResult));
      const inventory = { type: 'inventory', mac, mode: 'merge', items: items.filter((i) => !i.status) } as const;
      // The names did not fit the phone's maxItems in one request: ask for the next part.
      const send = nextBatch(step, results, maxItems);
      if (send) return { effects: [inventory], send };
      return { effects: [inventory, { type: 'job-done', jobId: step.jobId, results }] };
    },
  },
};
