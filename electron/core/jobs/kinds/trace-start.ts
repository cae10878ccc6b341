import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import { TRACE_LEVEL_INDEXES, TRACE_LEVEL_ITEM } from '../../../../shared/traces.js';
import type { Effect } from '../../wpi/effects.js';
import { JobRequestError } from '../job-requests.js';
import type { JobKindModule } from '../kind.js';
import { asStored, batched, nextBatch, readResult, refKey } from './common.js';
import { writeItems } from './write-items.js';

/** Trace jobs belong to a tracing session (electron/core/traces): made there, never by jobs.create. */
export function madeByTraces(kind: string): (items: readonly WpiItem[]) => void {
  return () => {
    throw new JobRequestError(`${kind} jobs are made by traces.start / traces.stop, which also keep the original levels`);
  };
}

const writeSteps = writeItems.wpi;
if (!writeSteps) throw new Error('write-items has no WPI steps');

/**
 * Raises trace levels: first ReadItems of every `trace-level[i]`, kept as the originals
 * (`trace-originals` effect, written only for the session's first start), then WriteItems of
 * the asked levels. Indexes the phone does not report are left out with a warning.
 */
export const traceStart: JobKindModule = {
  kind: 'trace-start',
  facts: JOB_KIND_FACTS['trace-start'],
  wakesPhone: true,
  check: madeByTraces('trace-start'),
  render: asStored,
  wpi: {
    start(job, { maxItems }) {
      const names = TRACE_LEVEL_INDEXES.map((index) => ({ name: TRACE_LEVEL_ITEM, index, value: '' }));
      const send = batched('ReadItems', 'read', names, maxItems);
      if (!send) throw new Error('no trace-level indexes to read');
      return { effects: [], send: { ...send, carry: job.items } };
    },
    reply(step, reply, ctx) {
      if (step.phase !== 'read') return writeSteps.reply(step, reply, ctx);
      if (reply.status !== 'accepted') {
        return {
          effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadItems with ${reply.status}`, results: [] }],
        };
      }
      const results = step.results.concat(reply.items.map(readResult));
      const wanted = step.carry ?? [];
      const more = nextBatch(step, results, ctx.maxItems);
      if (more) return { effects: [], send: { ...more, carry: wanted } };
      const originals: WpiItem[] = results
        .filter((r) => r.status === 'accepted' && r.name === TRACE_LEVEL_ITEM && r.index !== undefined)
        .map((r) => ({ name: r.name, index: r.index as number, value: r.value ?? '' }));
      const effects: Effect[] = [
        { type: 'inventory', mac: ctx.mac, mode: 'merge', items: originals },
        { type: 'trace-originals', mac: ctx.mac, jobId: step.jobId, items: originals },
      ];
      const known = new Set(originals.map(refKey));
      const writable = wanted.filter((i) => known.has(refKey(i)));
      const unknown = wanted.filter((i) => !known.has(refKey(i)));
      if (unknown.length) {
        const list = unknown.map((i) => i.index).join(', ');
        effects.push({
          type: 'job-warning',
          jobId: step.jobId,
          message: `the phone does not report trace-level index(es) ${list}; left out`,
        });
      }
      const send = batched('WriteItems', 'write', writable, ctx.maxItems);
      if (!send) {
        effects.push({
          type: 'job-failed',
          jobId: step.jobId,
          reason: 'the phone reports none of the trace-level indexes to raise',
          results: [],
        });
        return { effects };
      }
      return { effects, send };
    },
  },
};
