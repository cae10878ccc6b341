/**
 * Fills a core's store with phones that have been provisioned once and never call again: the
 * 329-item inventory with their identity, one done write job (the bench profile) and the three
 * exchanges of that provisioning. Written through the Store API in a few large transactions, so
 * the figures measured afterwards are those of a site database, not of the filling.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Store } from '../../electron/core/store/index.js';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';
import type { WpiItem } from '../../shared/protocol.js';
import { benchPhone, phoneMessages, type BenchPhone } from './phone-messages.js';
import { benchProfile } from './profile.js';

/** Environment variable naming a prefilled data folder for server-process.ts to open instead of a fresh one. */
export const PREFILLED_DATA_DIR_ENV = 'FIELDSTAGE_BENCH_PREFILLED_DIR';
/** Phones per transaction: large enough to be fast, small enough to bound what one transaction holds in memory. */
export const PREFILL_PHONES_PER_TRANSACTION = 500;
/** The prefilled phones were provisioned this long before the bench (their lastContact), one second apart. */
const PREFILL_AGE_MS = 7 * 24 * 3600_000;

export interface PrefillRange {
  count: number;
  firstMac: number;
  /** Third octet of the first phone's 127.0.x.y address (loopback only). */
  firstSubnet: number;
}

export interface PrefillResult {
  phones: number;
  inventoryItems: number;
  jobs: number;
  exchanges: number;
  transactions: number;
  ms: number;
}

/** The service's three answers, built once: only the nonce differs between phones and it is not worth a rebuild per phone. */
function serviceAnswers(nonce: string, profile: WpiItem[]): [string, string, string] {
  return [
    buildServiceMessage({ nonce, action: 'ReadAllItems' }),
    buildServiceMessage({ nonce, action: 'WriteItems', items: profile }),
    buildServiceMessage({ nonce, action: 'CleanUp' }),
  ];
}

const REASONS = ['start-up', 'reply-to', 'reply-to'] as const;
const ACTIONS = ['ReadAllItems', 'WriteItems', 'CleanUp'] as const;

function storePhone(store: Store, phone: BenchPhone, at: number, profile: WpiItem[]): number {
  const { nonce, items, bodies } = phoneMessages(phone);
  const answers = serviceAnswers(nonce, profile);
  store.phones.upsertContact(
    {
      mac: phone.mac,
      model: phone.model,
      softwareVersion: phone.softwareVersion,
      partNumber: items.find((i) => i.name === 'part-number')?.value ?? null,
      e164: phone.e164,
      ip: phone.ip,
      contactMeUri: phone.contactMeUri,
      maxItems: -1,
      lastReason: 'start-up',
      at,
    },
    'adopted',
  );
  store.inventory.replace(phone.mac, items, at);
  store.phones.markInventoryComplete(phone.mac, true);
  const job = store.jobs.create(phone.mac, 'write-items', profile, at);
  store.jobs.transition(job.id, 'running', { updatedAt: at });
  store.jobs.transition(job.id, 'done', {
    updatedAt: at,
    results: profile.map((item) => ({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), status: 'accepted' })),
  });
  bodies.forEach((requestXml, step) =>
    store.exchanges.append({
      mac: phone.mac,
      peer: phone.ip,
      at: at + step,
      durationMs: 1,
      reason: REASONS[step] ?? null,
      action: ACTIONS[step] ?? null,
      requestXml,
      responseXml: answers[step] ?? '',
      httpStatus: 200,
      note: null,
    }),
  );
  return items.length;
}

/** Between transactions it yields, so the core's change publisher gets its turn. */
export async function prefillStore(store: Store, range: PrefillRange): Promise<PrefillResult> {
  const profile = benchProfile();
  const t0 = performance.now();
  const start = Date.now() - PREFILL_AGE_MS;
  let inventoryItems = 0;
  let transactions = 0;
  for (let from = 0; from < range.count; from += PREFILL_PHONES_PER_TRANSACTION) {
    const to = Math.min(range.count, from + PREFILL_PHONES_PER_TRANSACTION);
    store.transaction(() => {
      for (let i = from; i < to; i++)
        inventoryItems += storePhone(store, benchPhone(range.firstMac, range.firstSubnet, i), start + i * 1000, profile);
    });
    transactions++;
    await yieldToLoop();
  }
  return {
    phones: range.count,
    inventoryItems,
    jobs: range.count,
    exchanges: range.count * REASONS.length,
    transactions,
    ms: performance.now() - t0,
  };
}
