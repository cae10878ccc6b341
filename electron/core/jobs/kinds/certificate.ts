import {
  CERTIFICATE_META_ITEM,
  DOCUMENTED_INFO_ITEMS,
  type CertificateDeployment,
  type InfoComparison,
} from '../../../../shared/certificates.js';
import { JOB_KIND_FACTS, type ItemResult } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import { validateItemRef } from '../../../../shared/validation.js';
import { compareInfo } from '../../certificates/info-compare.js';
import type { Effect } from '../../wpi/effects.js';
import { JobRequestError } from '../job-requests.js';
import type { JobKindModule } from '../kind.js';
import { asStored, itemRef, refused } from './common.js';

/** What a comparison outcome is called in the job's results (the UI words it per language). */
export const INFO_STATUS: Readonly<Record<InfoComparison, string>> = {
  matches: 'matches the certificate sent',
  'not-comparable': 'reported, format not comparable',
  'nothing-reported': 'nothing reported',
  'not-read': 'not read',
};

/**
 * A certificate into one slot (files-and-certificates.md §3): `WriteItems` with the certificate
 * as item text, then `ReadItems` of the slot's `…-info` item. The job's stored items are the one
 * item to write plus CERTIFICATE_META_ITEM (what was deployed), which is never sent.
 */
export const certificate: JobKindModule = {
  kind: 'certificate',
  facts: JOB_KIND_FACTS.certificate,
  wakesPhone: true,
  check(items) {
    const { sent, meta } = split(items);
    if (!meta) throw new JobRequestError('a certificate job needs the certificate it deploys (certificateId and slot)');
    if (sent.length !== 1) throw new JobRequestError('a certificate job writes exactly one item');
    const message = validateItemRef(sent[0] as WpiItem) ?? validateItemRef({ name: meta.infoItem });
    if (message) throw new JobRequestError(`certificate item refused: ${message}`);
    if (!sent[0]?.value) throw new JobRequestError('the certificate item is empty');
  },
  render: asStored,
  wpi: {
    start(job) {
      const { sent, meta } = split(job.items);
      if (!meta) return { effects: [{ type: 'job-failed', jobId: job.id, reason: 'the job lost its certificate record', results: [] }] };
      const carried: ItemResult = { name: CERTIFICATE_META_ITEM, value: JSON.stringify(meta), status: 'sent' };
      return { effects: [], send: { action: 'WriteItems', phase: 'write', batches: [sent], batch: 0, results: [carried] } };
    },
    reply(step, { status, items }) {
      const meta = metaOf(step.results);
      if (!meta)
        return { effects: [{ type: 'job-failed', jobId: step.jobId, reason: 'the job lost its certificate record', results: [] }] };
      const written: ItemResult = { ...itemRef({ name: meta.item, ...indexOf(meta) }), status: 'accepted' };
      if (step.phase === 'write') {
        if (status === 'busy') return { effects: [{ type: 'job-busy', jobId: step.jobId }] };
        if (status !== 'accepted') return refused(step.jobId, 'the certificate', status, items);
        const refusal = items.find((i) => i.status && i.name === meta.item);
        if (refusal) {
          const results = [{ ...written, status: refusal.status as string }];
          return {
            effects: [{ type: 'job-failed', jobId: step.jobId, reason: `phone refused ${meta.item} (${refusal.status})`, results }],
          };
        }
        const info = { name: meta.infoItem, ...indexOf(meta), value: '' };
        return { effects: [], send: { action: 'ReadItems', phase: 'read-back', batches: [[info]], batch: 0, results: step.results } };
      }
      return { effects: readBack(step.jobId, meta, written, status, items) };
    },
  },
};

/** The write was accepted: the job is done; the read-back is shown raw and compared where possible. */
function readBack(jobId: string, meta: CertificateDeployment, written: ItemResult, status: string, items: WpiItem[]): Effect[] {
  const info = status === 'accepted' ? items.find((i) => i.name === meta.infoItem) : undefined;
  const reported = info && !info.status ? info.value : null;
  const comparison = compareInfo(reported, meta);
  const infoResult: ItemResult = {
    ...itemRef({ name: meta.infoItem, ...indexOf(meta) }),
    ...(reported === null ? {} : { value: reported }),
    status: reported === null ? (info?.status ?? status) : INFO_STATUS[comparison],
  };
  const effects: Effect[] = [];
  if (comparison !== 'matches') {
    const assumed = DOCUMENTED_INFO_ITEMS.has(meta.infoItem) ? '' : ' (the item name is assumed)';
    const what = reported === null ? `could not be read (${infoResult.status})${assumed}` : INFO_STATUS[comparison];
    effects.push({ type: 'job-warning', jobId, message: `${meta.infoItem}: ${what}` });
  }
  effects.push({ type: 'job-done', jobId, results: [written, infoResult] });
  return effects;
}

function split(items: readonly WpiItem[]): { sent: WpiItem[]; meta: CertificateDeployment | null } {
  const metaItem = items.find((i) => i.name === CERTIFICATE_META_ITEM);
  return { sent: items.filter((i) => i.name !== CERTIFICATE_META_ITEM), meta: metaItem ? parseMeta(metaItem.value) : null };
}

function metaOf(results: readonly ItemResult[]): CertificateDeployment | null {
  const value = results.find((r) => r.name === CERTIFICATE_META_ITEM)?.value;
  return value === undefined ? null : parseMeta(value);
}

export function parseMeta(value: string): CertificateDeployment | null {
  try {
    const meta = JSON.parse(value) as Partial<CertificateDeployment>;
    const strings = ['certificateId', 'certificateName', 'item', 'infoItem', 'subject', 'serial', 'sha256', 'sha1'] as const;
    if (!strings.every((k) => typeof meta[k] === 'string')) return null;
    if (meta.index !== undefined && !Number.isInteger(meta.index)) return null;
    return meta as CertificateDeployment;
  } catch {
    return null;
  }
}

const indexOf = (meta: CertificateDeployment): { index?: number } => (meta.index === undefined ? {} : { index: meta.index });
