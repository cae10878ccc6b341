import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import { Store, createKeyFileSecretBox, type ExchangesRepoOptions, type NewExchange } from '../../electron/core/store/index.js';

const A = '00:1A:E8:00:00:0A';
const B = '00:1A:E8:00:00:0B';

function setup(exchanges?: ExchangesRepoOptions): { store: Store; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-exchanges-'));
  const file = path.join(dir, 'fieldstage.db');
  return { store: Store.open(file, { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')), exchanges }), file };
}

function exchange(mac: string | null, at = 1000): NewExchange {
  return {
    mac,
    peer: '10.0.0.21',
    at,
    durationMs: 4,
    reason: 'start-up',
    action: 'ReadAllItems',
    requestXml: '<WorkpointMessage/>',
    responseXml: '<DLSMessage/>',
    httpStatus: 200,
    note: null,
  };
}

describe('exchanges', () => {
  it('stores both documents with secret values masked, never in clear', () => {
    const { store, file } = setup();
    const id = store.exchanges.append({
      ...exchange(A),
      requestXml: '<ItemList><Item name="sip-pwd">Narwhal-Secret-1</Item><Item name="e164">3001</Item></ItemList>',
      responseXml: `<ItemList><Item name='admin-pwd'>Narwhal-Secret-2</Item></ItemList>`,
    });
    expect(store.exchanges.get(id)).toEqual({
      id,
      ...exchange(A),
      requestXml: `<ItemList><Item name="sip-pwd">${SECRET_MASK}</Item><Item name="e164">3001</Item></ItemList>`,
      responseXml: `<ItemList><Item name='admin-pwd'>${SECRET_MASK}</Item></ItemList>`,
    });
    const bytes = Buffer.concat(
      fs
        .readdirSync(path.dirname(file))
        .filter((n) => n.startsWith('fieldstage.db'))
        .map((n) => fs.readFileSync(path.join(path.dirname(file), n))),
    );
    expect(bytes.includes(Buffer.from('Narwhal-Secret'))).toBe(false);
    expect(store.exchanges.get(id + 1)).toBeUndefined();
    store.close();
  });

  it('lists newest first, by phone, with paging', () => {
    const { store } = setup();
    const ids = [A, B, A, null, A].map((mac, i) => store.exchanges.append(exchange(mac, 1000 + i)));
    expect(store.exchanges.list().map((e) => e.id)).toEqual([...ids].reverse());
    expect(store.exchanges.list({ mac: A }).map((e) => e.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect(store.exchanges.list({ mac: A, limit: 2 }).map((e) => e.id)).toEqual([ids[4], ids[2]]);
    expect(store.exchanges.list({ mac: A, beforeId: ids[2] }).map((e) => e.id)).toEqual([ids[0]]);
    expect(store.exchanges.list({ limit: 1 })[0]?.mac).toBe(A);
    store.close();
  });

  it('prunes every N appends to the per-phone and total limits, oldest first', () => {
    const { store } = setup({ retention: { perPhone: 3, total: 5 }, pruneEvery: 4 });
    const a = Array.from({ length: 4 }, () => store.exchanges.append(exchange(A)));
    // The 4th append pruned A to its newest 3.
    expect(store.exchanges.list({ mac: A }).map((e) => e.id)).toEqual(a.slice(1).reverse());

    const b = Array.from({ length: 2 }, () => store.exchanges.append(exchange(B)));
    const anon = Array.from({ length: 2 }, () => store.exchanges.append(exchange(null)));
    // 3 + 2 + 2 = 7 rows after the 8th append, which prunes to the newest 5 overall.
    expect(store.exchanges.list().map((e) => e.id)).toEqual([a[3], ...b, ...anon].reverse());
    store.close();
  });

  it('keeps the log within its byte budget, oldest first, pruning early when much was appended', () => {
    // 10 kB per exchange, budget 50 kB: a prune runs every 50/8 kB appended, not only every 100 appends.
    const { store } = setup({ retention: { maxBytes: 50_000 }, pruneEvery: 100 });
    const big = (i: number): NewExchange => ({ ...exchange(A, i), requestXml: 'r'.repeat(10_000 - '<DLSMessage/>'.length) });
    const ids = Array.from({ length: 20 }, (_, i) => store.exchanges.append(big(i)));
    const kept = store.exchanges.list({ limit: 100 });
    expect(kept.length).toBeLessThanOrEqual(6);
    expect(kept.map((e) => e.id)).toEqual(ids.slice(ids.length - kept.length).reverse());
    store.exchanges.setRetention({ maxBytes: 20_000 });
    expect(store.exchanges.list({ limit: 100 }).map((e) => e.id)).toEqual([ids[19], ids[18]]);
  });

  it('applies new limits at once and keeps ids unique after pruning', () => {
    const { store } = setup({ pruneEvery: 1000 });
    for (let i = 0; i < 30; i++) store.exchanges.append(exchange(i % 2 ? A : B));
    expect(store.exchanges.list({ limit: 100 })).toHaveLength(30);
    store.exchanges.setRetention({ perPhone: 10, total: 15 });
    expect(store.exchanges.list({ mac: A, limit: 100 })).toHaveLength(8);
    expect(store.exchanges.list({ mac: B, limit: 100 })).toHaveLength(7);
    const newest = store.exchanges.list({ limit: 1 })[0]?.id ?? 0;
    store.exchanges.setRetention({ perPhone: 1, total: 1 });
    expect(store.exchanges.list().map((e) => e.id)).toEqual([newest]);
    expect(store.exchanges.append(exchange(A))).toBe(newest + 1);
    expect(() => store.exchanges.setRetention({ perPhone: 0, total: 10 })).toThrow(RangeError);
    store.close();
  });
});
