import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import { SCHEMA_VERSION, Store, createKeyFileSecretBox, openDatabase, type PhoneContact } from '../../electron/core/store/index.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-store-'));

function openStore(dir = tempDir(), file = path.join(dir, 'fieldstage.db')): Store {
  return Store.open(file, { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')) });
}

const MAC = '00:1A:E8:2D:3F:08';

function contact(overrides: Partial<PhoneContact> = {}): PhoneContact {
  return {
    mac: MAC,
    model: 'OpenStage 60',
    softwareVersion: 'V3 R1.41.1',
    partNumber: 'S30817-S7403-C101-020',
    e164: '3001',
    ip: '10.0.0.21',
    contactMeUri: 'http://10.0.0.21:8085/contact_dls.html/ContactDLS',
    maxItems: -1,
    lastReason: 'start-up',
    at: 1000,
    ...overrides,
  };
}

/** Every byte SQLite may have written: the database file and its WAL/shm companions. */
function rawBytes(file: string): Buffer {
  const dir = path.dirname(file);
  const base = path.basename(file);
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(base))
      .map((name) => fs.readFileSync(path.join(dir, name))),
  );
}

describe('openDatabase', () => {
  it('sets durable pragmas and the schema version', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL: acknowledged data must survive a power cut.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('opens an already migrated file again without migrating twice', () => {
    const file = path.join(tempDir(), 'a.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer app version', () => {
    const file = path.join(tempDir(), 'a.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer than this app/);
  });

  it('works in memory', () => {
    const store = new Store(openDatabase(':memory:'), { secrets: createKeyFileSecretBox(path.join(tempDir(), 'k')) });
    store.phones.upsertContact(contact(), 'quarantined');
    expect(store.phones.list()).toHaveLength(1);
    expect(store.integrityCheck()).toEqual({ ok: true, problems: [] });
    store.close();
  });
});

describe('phones', () => {
  it('creates a phone with the adoption given, and keeps adoption and first contact afterwards', () => {
    const store = openStore();
    const first = store.phones.upsertContact(contact(), 'quarantined');
    expect(first.created).toBe(true);
    expect(first.phone).toEqual({
      mac: MAC,
      model: 'OpenStage 60',
      softwareVersion: 'V3 R1.41.1',
      partNumber: 'S30817-S7403-C101-020',
      e164: '3001',
      ip: '10.0.0.21',
      contactMeUri: 'http://10.0.0.21:8085/contact_dls.html/ContactDLS',
      adoption: 'quarantined',
      maxItems: -1,
      inventoryComplete: false,
      firstContact: 1000,
      lastContact: 1000,
      lastReason: 'start-up',
      pollIntervalS: null,
      serverAddress: null,
      identityHold: null,
      seen: true,
      secureSince: null,
    });

    const again = store.phones.upsertContact(
      contact({ softwareVersion: 'V3 R5.0.0', e164: null, ip: '10.0.0.22', maxItems: 40, lastReason: 'status', at: 2000 }),
      'adopted',
    );
    expect(again.created).toBe(false);
    expect(again.phone).toMatchObject({
      adoption: 'quarantined',
      softwareVersion: 'V3 R5.0.0',
      e164: '3001', // not reported this time: kept
      ip: '10.0.0.22',
      maxItems: 40,
      firstContact: 1000,
      lastContact: 2000,
      lastReason: 'status',
    });
    store.close();
  });

  it('keeps the stored maxItems when a contact announces none (-1)', () => {
    const store = openStore();
    store.phones.upsertContact(contact({ maxItems: 10 }), 'adopted');
    store.phones.upsertContact(contact({ maxItems: -1, at: 2 }), 'adopted');
    expect(store.phones.get(MAC)?.maxItems).toBe(10);
    store.phones.upsertContact(contact({ maxItems: 4, at: 3 }), 'adopted');
    expect(store.phones.get(MAC)?.maxItems).toBe(4);
    store.close();
  });

  it('sets adoption and inventory completeness, lists and deletes', () => {
    const store = openStore();
    store.phones.upsertContact(contact(), 'quarantined');
    store.phones.upsertContact(contact({ mac: '00:1A:E8:00:00:01' }), 'adopted');
    expect(store.phones.setAdoption(MAC, 'adopted')).toBe(true);
    expect(store.phones.markInventoryComplete(MAC, true)).toBe(true);
    expect(store.phones.get(MAC)).toMatchObject({ adoption: 'adopted', inventoryComplete: true });
    expect(store.phones.setAdoption('00:00:00:00:00:00', 'adopted')).toBe(false);
    expect(store.phones.list().map((p) => p.mac)).toEqual(['00:1A:E8:00:00:01', MAC]);

    store.inventory.replace(MAC, [{ name: 'e164', value: '3001' }], 1000);
    expect(store.phones.delete(MAC)).toBe(true);
    expect(store.phones.get(MAC)).toBeUndefined();
    expect(store.inventory.list(MAC)).toEqual([]);
    expect(store.phones.delete(MAC)).toBe(false);
    store.close();
  });
});

describe('inventory', () => {
  it('replaces the whole inventory and merges single items, keeping index and status', () => {
    const store = openStore();
    store.phones.upsertContact(contact(), 'adopted');
    store.inventory.replace(
      MAC,
      [
        { name: 'e164', value: '3001' },
        { name: 'line-key', index: 0, value: 'a' },
        { name: 'line-key', index: 1, value: 'b' },
        { name: 'old-item', value: 'x' },
        { name: 'e164', value: '3002' }, // listed twice: the last one wins
      ],
      1000,
    );
    expect(store.inventory.list(MAC)).toEqual([
      { name: 'e164', value: '3002', status: null, updatedAt: 1000 },
      { name: 'line-key', index: 0, value: 'a', status: null, updatedAt: 1000 },
      { name: 'line-key', index: 1, value: 'b', status: null, updatedAt: 1000 },
      { name: 'old-item', value: 'x', status: null, updatedAt: 1000 },
    ]);

    store.inventory.merge(MAC, [{ name: 'line-key', index: 1, value: 'c', status: 'read only' }], 2000);
    expect(store.inventory.get(MAC, 'line-key', 1)).toEqual({
      name: 'line-key',
      index: 1,
      value: 'c',
      status: 'read only',
      updatedAt: 2000,
    });
    expect(store.inventory.get(MAC, 'line-key', 0)?.value).toBe('a');
    expect(store.inventory.get(MAC, 'e164')?.updatedAt).toBe(1000);
    expect(store.inventory.get(MAC, 'line-key')).toBeUndefined();

    store.inventory.replace(MAC, [{ name: 'e164', value: '3003' }], 3000);
    expect(store.inventory.list(MAC)).toEqual([{ name: 'e164', value: '3003', status: null, updatedAt: 3000 }]);
    expect(() => store.inventory.get(MAC, 'line-key', -1)).toThrow(RangeError);
    store.close();
  });

  it('display names of a MAC range in one read: display-id-unicode first, else display-id, empty ones left out', () => {
    const store = openStore();
    const macs = ['00:1A:E8:00:00:01', '00:1A:E8:00:00:02', '00:1A:E8:00:00:03', '00:1A:E8:00:00:04'];
    for (const mac of macs) store.phones.upsertContact(contact({ mac }), 'adopted');
    store.inventory.replace(
      macs[0] as string,
      [
        { name: 'display-id', value: 'plain' },
        { name: 'display-id-unicode', value: 'Müller' },
      ],
      1,
    );
    store.inventory.replace(
      macs[1] as string,
      [
        { name: 'display-id', value: 'Only plain' },
        { name: 'display-id-unicode', value: '' },
      ],
      1,
    );
    store.inventory.replace(
      macs[2] as string,
      [
        { name: 'display-id', value: '' },
        { name: 'display-id-unicode', index: 1, value: 'indexed' },
      ],
      1,
    );
    store.inventory.replace(macs[3] as string, [{ name: 'display-id-unicode', value: 'outside' }], 1);
    expect([...store.inventory.displayNames(macs[0] as string, macs[2] as string)]).toEqual([
      [macs[0], 'Müller'],
      [macs[1], 'Only plain'],
    ]);
    store.close();
  });

  it('a repeated ReadAllItems writes only what changed: unchanged items keep their time, gone ones are removed', () => {
    const store = openStore();
    store.phones.upsertContact(contact(), 'adopted');
    const report = (e164: string, status: string | undefined, extra: boolean) => [
      { name: 'e164', value: e164 },
      { name: 'line-key', index: 0, value: 'a', ...(status ? { status } : {}) },
      { name: 'sip-pwd', value: 'secret' },
      ...(extra ? [{ name: 'old-item', value: 'x' }] : []),
    ];
    store.inventory.replace(MAC, report('3001', undefined, true), 1000);
    store.inventory.replace(MAC, report('3001', undefined, true), 2000);
    expect(store.inventory.list(MAC).map((i) => [i.name, i.updatedAt])).toEqual([
      ['e164', 1000],
      ['line-key', 1000],
      ['old-item', 1000],
      ['sip-pwd', 2000], // secrets are always written again: their sealed form cannot be compared
    ]);
    store.inventory.replace(MAC, [...report('3002', 'read only', false), { name: 'e164', value: '3003' }], 3000);
    expect(store.inventory.list(MAC, { reveal: true })).toEqual([
      { name: 'e164', value: '3003', status: null, updatedAt: 3000 }, // listed twice: the last one wins
      { name: 'line-key', index: 0, value: 'a', status: 'read only', updatedAt: 3000 },
      { name: 'sip-pwd', value: 'secret', status: null, updatedAt: 3000 },
    ]);
    store.close();
  });

  it('replaces and merges hundreds of items (batched statements) with the same result as one by one', () => {
    const store = openStore();
    store.phones.upsertContact(contact(), 'adopted');
    const keys = (n: number, value: (k: number) => string) =>
      Array.from({ length: n }, (_, k) => ({ name: 'key-label-unicode', index: k, value: value(k) }));
    // 200 items: batches of 64, 64, 64, 8; a duplicate inside one batch and one across batches.
    store.inventory.replace(
      MAC,
      [
        { name: 'e164', value: 'first' },
        ...keys(197, (k) => `v${k}`),
        { name: 'e164', value: 'last' },
        { name: 'key-label-unicode', index: 3, value: 'again', status: 'read only' },
      ],
      1000,
    );
    const listed = store.inventory.list(MAC);
    expect(listed).toHaveLength(198);
    expect(store.inventory.get(MAC, 'e164')?.value).toBe('last');
    expect(store.inventory.get(MAC, 'key-label-unicode', 3)).toEqual({
      name: 'key-label-unicode',
      index: 3,
      value: 'again',
      status: 'read only',
      updatedAt: 1000,
    });
    expect(store.inventory.get(MAC, 'key-label-unicode', 196)?.value).toBe('v196');

    store.inventory.merge(
      MAC,
      keys(100, (k) => `m${k}`),
      2000,
    );
    expect(store.inventory.get(MAC, 'key-label-unicode', 99)).toMatchObject({ value: 'm99', updatedAt: 2000 });
    expect(store.inventory.get(MAC, 'key-label-unicode', 100)).toMatchObject({ value: 'v100', updatedAt: 1000 });
    expect(store.inventory.list(MAC)).toHaveLength(198);

    // A bad index anywhere refuses the whole write, before anything changed.
    expect(() => store.inventory.replace(MAC, [...keys(70, () => 'x'), { name: 'e164', index: -2, value: '' }], 3000)).toThrow(RangeError);
    expect(store.inventory.list(MAC)).toHaveLength(198);
    store.inventory.replace(
      MAC,
      keys(65, () => 'y'),
      4000,
    );
    expect(store.inventory.list(MAC).map((i) => i.index)).toEqual(Array.from({ length: 65 }, (_, k) => k));
    store.close();
  });

  it('keeps secret values sealed at rest, masked unless revealed', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fieldstage.db');
    const store = openStore(dir, file);
    store.phones.upsertContact(contact(), 'adopted');
    store.inventory.replace(
      MAC,
      [
        { name: 'sip-pwd', value: 'Zebra-Secret-4711' },
        { name: 'line-sip-pwd', index: 2, value: 'Llama-Secret-0815' },
        { name: 'user-pwd', value: '' },
        { name: 'e164', value: '3001' },
      ],
      1000,
    );
    expect(store.inventory.get(MAC, 'sip-pwd')?.value).toBe(SECRET_MASK);
    expect(store.inventory.get(MAC, 'sip-pwd', undefined, { reveal: true })?.value).toBe('Zebra-Secret-4711');
    expect(store.inventory.get(MAC, 'line-sip-pwd', 2, { reveal: true })?.value).toBe('Llama-Secret-0815');
    // An empty secret is shown as empty: "not set" is useful and hides nothing.
    expect(store.inventory.get(MAC, 'user-pwd')?.value).toBe('');
    expect(store.inventory.list(MAC).map((i) => i.value)).toEqual(['3001', SECRET_MASK, SECRET_MASK, '']);
    expect(store.inventory.list(MAC, { reveal: true }).map((i) => i.value)).toEqual(['3001', 'Llama-Secret-0815', 'Zebra-Secret-4711', '']);

    const bytes = rawBytes(file);
    expect(bytes.includes(Buffer.from('3001'))).toBe(true);
    expect(bytes.includes(Buffer.from('Zebra-Secret'))).toBe(false);
    expect(bytes.includes(Buffer.from('Llama-Secret'))).toBe(false);
    store.close();
    expect(rawBytes(file).includes(Buffer.from('Zebra-Secret'))).toBe(false);
  });

  it('needs the phone to exist', () => {
    const store = openStore();
    expect(() => store.inventory.merge('00:00:00:00:00:09', [{ name: 'e164', value: '1' }], 1)).toThrow(/FOREIGN KEY/);
    store.close();
  });
});

describe('Store', () => {
  it('commits a transaction as a whole and rolls all of it back on throw', () => {
    const store = openStore();
    const id = store.transaction(() => {
      store.phones.upsertContact(contact(), 'adopted');
      store.inventory.replace(MAC, [{ name: 'e164', value: '3001' }], 1000);
      return store.jobs.create(MAC, 'read-all', [], 1000).id;
    });
    expect(store.jobs.get(id)?.state).toBe('queued');

    expect(() =>
      store.transaction(() => {
        store.phones.setAdoption(MAC, 'quarantined');
        store.inventory.replace(MAC, [], 2000);
        store.jobs.transition(id, 'running', { updatedAt: 2000 });
        store.exchanges.append({
          mac: MAC,
          peer: '10.0.0.21',
          at: 2000,
          durationMs: 1,
          reason: 'start-up',
          action: 'CleanUp',
          requestXml: '<a/>',
          responseXml: '<b/>',
          httpStatus: 200,
          note: null,
        });
        throw new Error('disk on fire');
      }),
    ).toThrow('disk on fire');

    expect(store.phones.get(MAC)?.adoption).toBe('adopted');
    expect(store.inventory.list(MAC)).toHaveLength(1);
    expect(store.jobs.get(id)?.state).toBe('queued');
    expect(store.exchanges.list()).toEqual([]);
    store.close();
  });

  it('refuses an async transaction callback and rolls it back', () => {
    const store = openStore();
    expect(() =>
      store.transaction(async () => {
        store.phones.upsertContact(contact(), 'adopted');
      }),
    ).toThrow(/synchronous/);
    expect(store.phones.list()).toEqual([]);
    store.close();
  });

  it('keeps everything across close and reopen of the file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fieldstage.db');
    const first = openStore(dir, file);
    first.phones.upsertContact(contact(), 'adopted');
    first.inventory.replace(MAC, [{ name: 'sip-pwd', value: 'pw-123' }], 1000);
    const job = first.jobs.create(MAC, 'write-items', [{ name: 'sip-pwd', value: 'pw-456' }], 1000);
    const exchange = first.exchanges.append({
      mac: MAC,
      peer: '10.0.0.21',
      at: 1000,
      durationMs: 3,
      reason: 'start-up',
      action: 'ReadAllItems',
      requestXml: '<x/>',
      responseXml: '<y/>',
      httpStatus: 200,
      note: 'hello',
    });
    first.close();
    first.close(); // idempotent

    const second = openStore(dir, file);
    expect(second.phones.get(MAC)?.adoption).toBe('adopted');
    expect(second.inventory.get(MAC, 'sip-pwd', undefined, { reveal: true })?.value).toBe('pw-123');
    expect(second.jobs.itemsForSending(job.id)).toEqual([{ name: 'sip-pwd', value: 'pw-456' }]);
    expect(second.exchanges.get(exchange)?.note).toBe('hello');
    expect(second.integrityCheck().ok).toBe(true);
    second.close();
  });
});

describe('phones: polling and server address', () => {
  it('keeps the address the phone reached us on and the poll interval', () => {
    const store = openStore();
    store.phones.upsertContact(contact({ serverAddress: '10.0.0.5' }), 'adopted');
    expect(store.phones.setPolling(MAC, 300)).toBe(true);
    store.phones.upsertContact(contact({ serverAddress: null, at: 2000 }), 'adopted');
    expect(store.phones.get(MAC)).toMatchObject({ pollIntervalS: 300, serverAddress: '10.0.0.5' });
    expect(store.phones.setPolling(MAC, null)).toBe(true);
    expect(store.phones.get(MAC)?.pollIntervalS).toBeNull();
    expect(store.phones.setPolling('00:00:00:00:00:00', 60)).toBe(false);
  });
});
