import { markedFileId } from '../files/deployment.js';
import { SECRET_MASK } from '../../../shared/catalogue.js';
import { FINAL_JOB_STATES, type JobState } from '../../../shared/jobs.js';
import type { ExchangeSummary, ItemView, JobView, PhoneSummary } from '../../../shared/model.js';
import { isLoggedAsSecret, type Store } from '../store/index.js';
import { TraceSessions } from '../traces/sessions.js';
import type { JobTally } from '../store/jobs-repo.js';
import type { ExchangeRecord, JobRecord, PhoneRecord, StoredItem } from '../store/types.js';
import type { TraceRecord } from '../store/traces-repo.js';

/** Turns stored records into what the UI may see: secrets masked, derived fields filled. */

/** Which job state the phones table shows: what needs attention first. */
const STATE_PRIORITY: JobState[] = ['running', 'waiting-busy', 'waiting-for-phone', 'queued', 'failed'];
/** Failed jobs older than this no longer colour the phones table. */
const RECENT_FAILURE_MS = 60 * 60_000;

/**
 * A phone as the lists show it. Its jobs are counted by state in SQL, never loaded: a phone
 * with thousands of large jobs costs one small row per state.
 */
export function phoneSummary(store: Store, phone: PhoneRecord, now: number): PhoneSummary {
  const displayName = store.inventory.displayNames(phone.mac, phone.mac).get(phone.mac) ?? null;
  return summaryOf(store, phone, store.jobs.tallyByPhone(now - RECENT_FAILURE_MS, phone.mac), displayName, store.traces.get(phone.mac));
}

/** One page of phones in MAC order, after `afterMac` (exclusive). */
export function phoneSummaries(store: Store, now: number, page: { afterMac?: string; limit: number }): PhoneSummary[] {
  const phones = store.phones.page(page.afterMac ?? null, page.limit);
  if (phones.length === 0) return [];
  const last = phones[phones.length - 1] as PhoneRecord;
  const byMac = new Map<string, JobTally[]>();
  const first = phones[0]?.mac ?? '';
  for (const tally of store.jobs.tallyByPhone(now - RECENT_FAILURE_MS, null, { from: first, to: last.mac })) {
    const list = byMac.get(tally.mac);
    if (list) list.push(tally);
    else byMac.set(tally.mac, [tally]);
  }
  // One range read each for names and tracing: a page of 2,000 phones is three queries, not 6,000.
  const names = store.inventory.displayNames(first, last.mac);
  const traces = store.traces.between(first, last.mac);
  return phones.map((p) => summaryOf(store, p, byMac.get(p.mac) ?? [], names.get(p.mac) ?? null, traces.get(p.mac)));
}

function summaryOf(
  store: Store,
  phone: PhoneRecord,
  tally: readonly JobTally[],
  displayName: string | null,
  trace: TraceRecord | undefined,
): PhoneSummary {
  const jobState = STATE_PRIORITY.find((s) => tally.some((t) => t.state === s)) ?? null;
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
    pendingJobs: tally.filter((t) => !FINAL_JOB_STATES.includes(t.state)).reduce((sum, t) => sum + t.count, 0),
    identityChange: phone.identityHold && { at: phone.identityHold.at, changes: phone.identityHold.changes },
    seen: phone.seen,
    secureSince: phone.secureSince,
    tracing: new TraceSessions(store).view(trace),
  };
}

export function itemView(item: StoredItem): ItemView {
  return {
    name: item.name,
    ...(item.index === undefined ? {} : { index: item.index }),
    value: item.value,
    status: item.status,
    updatedAt: item.updatedAt,
    secret: isLoggedAsSecret(item.name),
  };
}

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    mac: job.mac,
    kind: job.kind,
    state: job.state,
    items: job.items.map((i) => (isLoggedAsSecret(i.name) ? { ...i, value: SECRET_MASK } : i)),
    results: job.results.map((r) => (isLoggedAsSecret(r.name) && r.value !== undefined ? { ...r, value: SECRET_MASK } : r)),
    warnings: job.warnings,
    reason: job.reason,
    nextContactAt: job.nextContactAt,
    attempts: job.attempts,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    fileIds: [...new Set(job.items.flatMap((i) => (i.name === 'file-https-base-url' ? (markedFileId(i.value) ?? []) : [])))],
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
