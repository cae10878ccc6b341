import { SECRET_MASK, isSecretItem } from '../../../shared/catalogue.js';
import { FINAL_JOB_STATES, type JobState } from '../../../shared/jobs.js';
import type { ExchangeSummary, ItemView, JobView, PhoneSummary } from '../../../shared/model.js';
import type { Store } from '../store/index.js';
import type { ExchangeRecord, JobRecord, PhoneRecord, StoredItem } from '../store/types.js';

/** Turns stored records into what the UI may see: secrets masked, derived fields filled. */

/** Which job state the phones table shows: what needs attention first. */
const STATE_PRIORITY: JobState[] = ['running', 'waiting-busy', 'waiting-for-phone', 'queued', 'failed'];
/** Failed jobs older than this no longer colour the phones table. */
const RECENT_FAILURE_MS = 60 * 60_000;

export function phoneSummary(store: Store, phone: PhoneRecord, jobs: readonly JobRecord[], now: number): PhoneSummary {
  const relevant = jobs.filter(
    (j) => !FINAL_JOB_STATES.includes(j.state) || (j.state === 'failed' && now - j.updatedAt < RECENT_FAILURE_MS),
  );
  const jobState = STATE_PRIORITY.find((s) => relevant.some((j) => j.state === s)) ?? null;
  const displayName =
    store.inventory.get(phone.mac, 'display-id-unicode')?.value || store.inventory.get(phone.mac, 'display-id')?.value || null;
  return {
    mac: phone.mac,
    model: phone.model,
    softwareVersion: phone.softwareVersion,
    partNumber: phone.partNumber,
    e164: phone.e164,
    displayName,
    ip: phone.ip,
    adoption: phone.adoption,
    inventoryComplete: phone.inventoryComplete,
    firstContact: phone.firstContact,
    lastContact: phone.lastContact,
    lastReason: phone.lastReason,
    pollIntervalS: phone.pollIntervalS,
    jobState,
    pendingJobs: jobs.filter((j) => !FINAL_JOB_STATES.includes(j.state)).length,
  };
}

export function phoneSummaries(store: Store, now: number): PhoneSummary[] {
  const byMac = new Map<string, JobRecord[]>();
  for (const job of store.jobs.list({ limit: 100_000 })) {
    if (FINAL_JOB_STATES.includes(job.state) && !(job.state === 'failed' && now - job.updatedAt < RECENT_FAILURE_MS)) continue;
    const list = byMac.get(job.mac);
    if (list) list.push(job);
    else byMac.set(job.mac, [job]);
  }
  return store.phones.list().map((p) => phoneSummary(store, p, byMac.get(p.mac) ?? [], now));
}

export function itemView(item: StoredItem): ItemView {
  return {
    name: item.name,
    ...(item.index === undefined ? {} : { index: item.index }),
    value: item.value,
    status: item.status,
    updatedAt: item.updatedAt,
    secret: isSecretItem(item.name),
  };
}

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    mac: job.mac,
    kind: job.kind,
    state: job.state,
    items: job.items.map((i) => (isSecretItem(i.name) ? { ...i, value: SECRET_MASK } : i)),
    results: job.results.map((r) => (isSecretItem(r.name) && r.value !== undefined ? { ...r, value: SECRET_MASK } : r)),
    reason: job.reason,
    nextContactAt: job.nextContactAt,
    attempts: job.attempts,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export function exchangeSummary(e: ExchangeRecord): ExchangeSummary {
  return {
    id: e.id,
    mac: e.mac,
    peer: e.peer,
    at: e.at,
    durationMs: e.durationMs,
    reason: e.reason,
    action: e.action,
    httpStatus: e.httpStatus,
    note: e.note,
  };
}
