import { CERTIFICATE_META_ITEM, type DeployedCertificateView, type InfoComparison } from '../../../shared/certificates.js';
import type { JobRecord } from '../store/index.js';
import { INFO_STATUS, parseMeta } from '../jobs/kinds/certificate.js';

const COMPARISON_BY_STATUS = new Map<string, InfoComparison>(
  (Object.entries(INFO_STATUS) as [InfoComparison, string][]).map(([comparison, status]) => [status, comparison]),
);

/**
 * Per slot (item and index), the newest done certificate job of a phone: what Fieldstage sent and
 * what the phone reported in its `…-info` read-back. `jobs` newest first, as the store lists them.
 */
export function deployedCertificates(jobs: readonly JobRecord[]): DeployedCertificateView[] {
  const bySlot = new Map<string, DeployedCertificateView>();
  for (const job of jobs) {
    if (job.kind !== 'certificate' || job.state !== 'done') continue;
    const meta = parseMeta(job.items.find((i) => i.name === CERTIFICATE_META_ITEM)?.value ?? '');
    if (!meta) continue;
    const key = `${meta.item}#${meta.index ?? ''}`;
    if (bySlot.has(key)) continue;
    const info = job.results.find((r) => r.name === meta.infoItem);
    bySlot.set(key, {
      item: meta.item,
      ...(meta.index === undefined ? {} : { index: meta.index }),
      jobId: job.id,
      certificateId: meta.certificateId,
      certificateName: meta.certificateName,
      sha256: meta.sha256,
      serial: meta.serial,
      subject: meta.subject,
      deployedAt: job.finishedAt ?? job.updatedAt,
      infoItem: meta.infoItem,
      reported: info?.value ?? null,
      comparison: (info && COMPARISON_BY_STATUS.get(info.status)) ?? 'not-read',
    });
  }
  return [...bySlot.values()];
}
