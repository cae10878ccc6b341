import { JOB_KIND_FACTS, type ItemResult } from '../../../../shared/jobs.js';
import { DCMP_POLL_INTERVAL_ITEM, type WpiItem } from '../../../../shared/protocol.js';
import { validateItems } from '../../../../shared/validation.js';
import type { Effect } from '../../wpi/effects.js';
import { JobRequestError } from '../job-requests.js';
import type { JobKindModule } from '../kind.js';
import { asStored, batched, itemRef, nextBatch, refKey } from './common.js';

/** Items only their own kind writes: `goto-secure-mode` belongs to the secure-mode job, which follows the phone to the secure port. */
const UNSERVED_ITEMS: ReadonlySet<string> = new Set(['goto-secure-mode']);

/**
 * Items whose name is assumed, not documented (see DCMP_POLL_INTERVAL_ITEM): a phone that does
 * not know one refuses it, which is worth a warning on the job but not its failure.
 */
export const ASSUMED_ITEMS: ReadonlySet<string> = new Set([DCMP_POLL_INTERVAL_ITEM]);

/** WriteItems (p. 41–46), split by maxItems, 50 kB and index groups; per-item results. */
export const writeItems: JobKindModule = {
  kind: 'write-items',
  facts: JOB_KIND_FACTS['write-items'],
  wakesPhone: true,
  check(items) {
    if (!items.length) throw new JobRequestError('nothing to write');
    const issues = validateItems(items);
    for (const item of items.filter((i) => UNSERVED_ITEMS.has(i.name))) {
      issues.push({ name: item.name, message: 'is only written by the Secure Mode job (it issues the phone its certificate)' });
    }
    if (issues.length) {
      const first = issues[0];
      throw new JobRequestError(`${issues.length} value(s) refused${first ? `: ${first.name} ${first.message}` : ''}`, issues);
    }
  },
  render: asStored,
  wpi: {
    start(job, { maxItems }) {
      const send = batched('WriteItems', 'write', job.items, maxItems);
      return send ? { effects: [], send } : { effects: [{ type: 'job-done', jobId: job.id, results: [] }] };
    },
    reply(step, { status, items: reported }, { mac, maxItems }) {
      const sent = step.batches[step.batch] ?? [];
      // Nothing of this batch was applied; earlier batches were. The whole job is sent again later.
      if (status === 'busy') return { effects: [{ type: 'job-busy', jobId: step.jobId }] };
      if (status !== 'accepted') {
        const results = step.results.concat(sent.map((i) => ({ ...itemRef(i), value: i.value, status })));
        return { effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone refused WriteItems (${status})`, results }] };
      }
      const refusedAt = new Map(reported.filter((i) => i.status).map((i) => [refKey(i), i.status as string]));
      // Some firmware reports a refused indexed item without its index: it then applies to every index.
      const refusedByName = new Map(reported.filter((i) => i.status && i.index === undefined).map((i) => [i.name, i.status as string]));
      const statusOf = (i: WpiItem): string | undefined => refusedAt.get(refKey(i)) ?? refusedByName.get(i.name);
      const effects: Effect[] = [];
      const applied = sent.filter((i) => statusOf(i) === undefined);
      if (applied.length) effects.push({ type: 'inventory', mac, mode: 'merge', items: applied });
      const results = step.results.concat(sent.map((i) => ({ ...itemRef(i), value: i.value, status: statusOf(i) ?? 'accepted' })));
      const send = nextBatch(step, results, maxItems);
      if (send) return { effects, send };
      return { effects: effects.concat(settle(step.jobId, results)) };
    },
  },
};

function settle(jobId: string, results: ItemResult[]): Effect[] {
  const refusedResults = results.filter((r) => r.status !== 'accepted');
  const tolerated = refusedResults.filter((r) => ASSUMED_ITEMS.has(r.name));
  const failures = refusedResults.filter((r) => !ASSUMED_ITEMS.has(r.name));
  const warnings: Effect[] = tolerated.map((r) => ({
    type: 'job-warning',
    jobId,
    message: `${describe(r)} refused (${r.status}): this phone does not take the assumed item`,
  }));
  if (failures.length === 0) return [...warnings, { type: 'job-done', jobId, results }];
  const names = failures.slice(0, 5).map((r) => `${describe(r)}: ${r.status}`);
  const more = failures.length > 5 ? ` and ${failures.length - 5} more` : '';
  return [
    ...warnings,
    { type: 'job-failed', jobId, reason: `${failures.length} of ${results.length} items refused (${names.join(', ')}${more})`, results },
  ];
}

const describe = (r: { name: string; index?: number }): string => `${r.name}${r.index === undefined ? '' : `[${r.index}]`}`;
