import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import { JobRequestError } from '../job-requests.js';
import type { JobKindModule } from '../kind.js';
import { asStored, itemRef, refused, value } from './common.js';

/** How long after the bootstrap writes the phone may take to call the secure port. */
export const SECURE_MODE_TIMEOUT_MS = 10 * 60_000;

/** The no-PIN bootstrap's items (wpi-protocol.md §9.13, p. 64); PIN mode is not offered (format unknown). */
export const SECURE_MODE_ITEMS = ['goto-secure-mode', 'dls-client-certificate', 'dls-server-ca', 'dls-secure-port'] as const;

/**
 * Bootstrapping into Secure Mode without PIN: one WriteItems with `goto-secure-mode=nopin`, the
 * phone's client certificate (PKCS#12), the local CA (`dls-server-ca[0]`, PEM) and the secure
 * port, then CleanUp. The job is done when the phone's first start-up passes the secure port's
 * gate (the service offers it only then); the items are built per phone by the core.
 */
export const secureMode: JobKindModule = {
  kind: 'secure-mode',
  facts: JOB_KIND_FACTS['secure-mode'],
  wakesPhone: true,
  check(items) {
    const names = new Set(items.map((i) => i.name));
    const missing = SECURE_MODE_ITEMS.filter((n) => !names.has(n));
    if (missing.length || items.length !== SECURE_MODE_ITEMS.length) {
      throw new JobRequestError(`a secure-mode job carries exactly ${SECURE_MODE_ITEMS.join(', ')}`);
    }
    if (value(items, 'goto-secure-mode') !== 'nopin') throw new JobRequestError('only Secure Mode without PIN is offered');
    if (!/^\d{1,5}$/.test(value(items, 'dls-secure-port') ?? '')) throw new JobRequestError('dls-secure-port must be a port number');
  },
  render: asStored,
  wpi: {
    start(job) {
      // One message, as in the guide: the phone switches once it has all of it.
      return { effects: [], send: { action: 'WriteItems', phase: 'bootstrap', batches: [job.items], batch: 0, results: [] } };
    },
    reply(step, { status, items }) {
      if (status === 'busy') return { effects: [{ type: 'job-busy', jobId: step.jobId }] };
      if (status !== 'accepted') return refused(step.jobId, 'the Secure Mode bootstrap', status, items);
      const sent = step.batches[step.batch] ?? [];
      const refusals = items.filter((i) => i.status);
      const results = sent.map((i) => ({ ...itemRef(i), status: refusals.find((r) => r.name === i.name)?.status ?? 'accepted' }));
      if (refusals.length) {
        const what = refusals.map((r) => `${r.name}: ${r.status}`).join(', ');
        return { effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone refused the bootstrap (${what})`, results }] };
      }
      // CleanUp next; the phone then calls the secure port with start-up.
      return { effects: [{ type: 'job-awaiting', jobId: step.jobId, expect: 'start-up' }], ends: true };
    },
    awaits: {
      report: 'start-up',
      timeoutMs: SECURE_MODE_TIMEOUT_MS,
      overdue: 'call the secure port with its client certificate',
      settle: (message, jobs) =>
        message.reason === 'start-up'
          ? {
              effects: jobs.map((j) => ({
                type: 'job-done' as const,
                jobId: j.id,
                results: [{ name: 'start-up', status: 'accepted', value: 'first start-up over mutual TLS on the secure port' }],
              })),
            }
          : { effects: [] },
    },
  },
};
