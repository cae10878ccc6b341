import { JOB_KIND_FACTS, type ItemResult } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import { withFileUrls } from '../../files/deployment.js';
import type { AwaitedJob, Effect } from '../../wpi/effects.js';
import type { JobKindModule, Outcome } from '../kind.js';
import { itemRef, readResult, refused, value } from './common.js';
import { byIndex, checkDeployment, fileNameOf } from './deployment.js';

/** The items that identify a file on the phone (name and type, p. 55) and what to do with it. */
const FILE_IDENTITY: ReadonlySet<string> = new Set(['file-name', 'file-type', 'file-action', 'file-https-base-url']);

/** How long a single-file deployment may take to report its download. */
export const FILE_STATUS_TIMEOUT_MS = 15 * 60_000;

/**
 * FileDeployment (p. 52–55). One file without indexes: the phone reports the download in a
 * later `status` message. Several files (indexed, deploy/delete mixed): it reports nothing
 * (p. 55), so the acknowledged job reads the inventory back in the same interaction and
 * compares the phone's `file-deployment-*` records with what was asked.
 */
export const fileDeployment: JobKindModule = {
  kind: 'file-deployment',
  facts: JOB_KIND_FACTS['file-deployment'],
  wakesPhone: true,
  check: (items) => checkDeployment('file-deployment', items),
  render: (items, ctx) => withFileUrls(items, ctx.fileUrl),
  wpi: {
    start(job) {
      // Several files, or any deletion: the phone reports nothing (p. 55), so it is read back.
      const multi = job.items.some((i) => i.index !== undefined || (i.name === 'file-action' && i.value.trim() === 'delete'));
      return {
        effects: multi ? [] : [{ type: 'job-awaiting', jobId: job.id, expect: 'status' }],
        send: { action: 'FileDeployment', phase: 'deploy', batches: [job.items], batch: 0, results: [] },
      };
    },
    reply(step, { status, items }, { mac }) {
      if (step.phase === 'deploy') {
        if (status !== 'accepted') return refused(step.jobId, 'the file deployment', status, items);
        // What identifies each file is kept for the comparison (never credentials).
        const asked = (step.batches[step.batch] ?? []).filter((i) => FILE_IDENTITY.has(i.name));
        return { effects: [], send: { action: 'ReadAllItems', phase: 'verify', batches: [], batch: 0, results: asked.map(readResult) } };
      }
      if (status !== 'accepted') {
        return { effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone answered ReadAllItems with ${status}`, results: [] }] };
      }
      const inventory: Effect = { type: 'inventory', mac, mode: 'replace', items };
      return { effects: [inventory, compare(step.jobId, step.results, items)] };
    },
    awaits: {
      report: 'status',
      timeoutMs: FILE_STATUS_TIMEOUT_MS,
      overdue: 'report the file download',
      settle(message, jobs) {
        if (message.reason !== 'status') return { effects: [] };
        const job = reportedFileJob(message.items, jobs);
        if (!job) return { effects: [{ type: 'warning', mac: null, message: 'status report without a file deployment in progress' }] };
        return { effects: [fileStatusEffect(job, message.items)] } satisfies Outcome;
      },
    },
  },
};

/** The file job a `status` report is about: the one with the reported file name, else the oldest. */
function reportedFileJob(items: readonly WpiItem[], awaited: readonly AwaitedJob[]): AwaitedJob | undefined {
  const name = value(items, 'file-deployment-name');
  return awaited.find((j) => name !== undefined && fileNameOf(byIndex(j.items).get(undefined) ?? new Map()) === name) ?? awaited[0];
}

function fileStatusEffect(job: AwaitedJob, items: WpiItem[]): Effect {
  const jobId = job.id;
  const status = value(items, 'file-deployment-status');
  const outcome = status === 'ok' ? 'accepted' : 'failed';
  const results = items
    .filter((i) => i.name.startsWith('file-deployment-'))
    .map((i) => ({ ...itemRef(i), value: i.value, status: outcome }));
  if (status === 'ok') return { type: 'job-done', jobId, results };
  return {
    type: 'job-failed',
    jobId,
    reason: `phone reports file deployment ${status ?? 'without a status'}${downloadHint(job)}`,
    results,
  };
}

/** What the file server saw, for a library file the phone says it could not get. */
function downloadHint(job: AwaitedJob): string {
  const download = job.download;
  if (!download) return '';
  if (download.complete) return ': it fetched the whole file, so the phone did not take it (format or size for this model)';
  if (download.attempts > 0) return `: the download broke off at ${download.bytes} of ${download.expected} bytes`;
  return ': it never fetched the file (network, firewall or its secure file transfer policy)';
}

/**
 * Each asked file against the phone's records (`file-deployment-*`, one index per stored file,
 * p. 245): a deployed file must be stored with status ok, a deleted one must be gone.
 */
function compare(jobId: string, askedResults: ItemResult[], inventory: WpiItem[]): Effect {
  const asked = byIndex(askedResults.map((r) => ({ ...itemRef(r), value: r.value ?? '' })));
  const records = [...byIndex(inventory.filter((i) => i.name.startsWith('file-deployment-'))).values()];
  const results: ItemResult[] = [];
  // With indexes, each index is one file; items without one (e.g. a shared base URL) belong to all.
  const indexed = [...asked.keys()].some((index) => index !== undefined);
  for (const [index, fields] of asked) {
    if (indexed && index === undefined) continue;
    const name = fileNameOf(fields) ?? '';
    const type = fields.get('file-type') ?? '';
    const stored = records.find(
      (r) => r.get('file-deployment-name') === name && (!type || !r.get('file-deployment-type') || r.get('file-deployment-type') === type),
    );
    const deleting = fields.get('file-action') === 'delete';
    const status = deleting
      ? stored
        ? 'still on the phone'
        : 'accepted'
      : !stored
        ? 'not on the phone'
        : stored.get('file-deployment-status') === 'ok'
          ? 'accepted'
          : `phone reports ${stored.get('file-deployment-status') ?? 'no status'}`;
    results.push({ name: 'file-name', ...(index === undefined ? {} : { index }), value: name, status });
  }
  const failures = results.filter((r) => r.status !== 'accepted');
  if (!failures.length) return { type: 'job-done', jobId, results };
  const names = failures.map((r) => `${r.value}: ${r.status}`).join(', ');
  return { type: 'job-failed', jobId, reason: `${failures.length} of ${results.length} files not as asked (${names})`, results };
}
