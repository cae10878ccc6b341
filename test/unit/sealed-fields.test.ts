import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/store/database.js';
import { Store } from '../../electron/core/store/index.js';
import { resealDatabase, SEALED_FIELDS } from '../../electron/core/store/sealed-fields.js';
import { createKeyFileSecretBox, createKeySecretBox } from '../../electron/core/store/secrets.js';
import { CLEAR_EXPORT_BOX } from '../../electron/core/sites/passphrase.js';

const MAC = '00:1A:E8:13:10:01';
const laptop = () => createKeyFileSecretBox(join(mkdtempSync(join(tmpdir(), 'fieldstage-seal-')), 'secret.key'));

/** A database with one sealed value in every sealed field. */
function filled() {
  const db = openDatabase(':memory:');
  const box = laptop();
  const store = new Store(db, { secrets: box });
  store.transaction(() => {
    store.phones.upsertContact({ mac: MAC, maxItems: 50, lastReason: 'start-up', at: 1 }, 'adopted');
    store.inventory.replace(
      MAC,
      [
        { name: 'sip-pwd', value: 'Inventory-Secret' },
        { name: 'e164', value: '2001' },
      ],
      1,
    );
    store.jobs.create(
      MAC,
      'write-items',
      [
        { name: 'sip-pwd', value: 'Job-Secret' },
        { name: 'sntp-addr', value: 'ntp.example' },
      ],
      1,
    );
    store.certificates.insert({
      id: 'c1',
      name: 'ca',
      origin: 'local-ca',
      format: 'pem',
      fingerprint: 'AA',
      certsPem: '-----BEGIN CERTIFICATE-----',
      keyPem: 'Key-Secret',
      mac: null,
      createdAt: 1,
    });
    store.rollout.replaceRows([
      {
        id: 'r1',
        line: 2,
        mac: MAC,
        extension: '2001',
        displayName: 'Anna',
        values: { extension: '2001', sip_password: 'Row-Secret', room: '4.12' },
        jobId: null,
        assignedBy: 'list',
        updatedAt: 1,
      },
    ]);
    store.rollout.saveProfile({
      id: 'p1',
      name: 'Office',
      model: null,
      items: [
        { name: 'admin-pwd', value: 'Profile-Secret' },
        { name: 'sip-pwd', value: '{{sip_password}}' },
        { name: 'sntp-addr', value: 'ntp.example' },
      ],
      updatedAt: 1,
    });
  });
  return { db, box };
}

describe('sealed fields', () => {
  it('names every sealed column of the schema (a new one must be added to SEALED_FIELDS)', () => {
    const db = openDatabase(':memory:');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    const sealedColumns = tables.flatMap(({ name }) =>
      (db.pragma(`table_info(${name})`) as { name: string }[])
        .filter((c) => c.name === 'sealed' || c.name.endsWith('_sealed'))
        .map((c) => `${name}.${c.name}`),
    );
    expect(sealedColumns.length).toBeGreaterThan(0);
    const listed = SEALED_FIELDS.map((f) => `${f.table}.${f.column}`);
    for (const column of sealedColumns) expect(listed).toContain(column);
  });

  it('reseals every field for another box, and back, without losing a value', () => {
    const { db, box } = filled();
    const other = createKeySecretBox(Buffer.alloc(32, 7));
    expect(resealDatabase(db, { from: box, to: other, keepSecrets: true })).toEqual([]);
    const moved = new Store(db, { secrets: other });
    expect(moved.inventory.list(MAC, { reveal: true }).find((i) => i.name === 'sip-pwd')?.value).toBe('Inventory-Secret');
    expect(moved.jobs.listForPhone(MAC).map((j) => moved.jobs.get(j.id, { reveal: true })?.items[0]?.value)).toEqual(['Job-Secret']);
    expect(moved.certificates.privateKeyPem('c1')).toBe('Key-Secret');
    expect(moved.rollout.rows()[0]?.values.sip_password).toBe('Row-Secret');
    expect(moved.rollout.profile('p1')?.items[0]?.value).toBe('Profile-Secret');
    // The old box opens nothing any more.
    expect(() => new Store(db, { secrets: box }).certificates.privateKeyPem('c1')).toThrow();
  });

  it('without secrets: removes them, keeps the rest, and says what was left out', () => {
    const { db, box } = filled();
    const leftOut = resealDatabase(db, { from: box, to: CLEAR_EXPORT_BOX, keepSecrets: false });
    expect(leftOut).toEqual([
      '1 secret value(s) the phones reported (read again at their next contact)',
      'secret values in 1 job(s) (unfinished ones no longer write them)',
      'the private keys of 1 certificate(s) (the local CA among them, if made)',
      'sip_password of 1 roll-out row(s)',
      'admin-pwd of profile "Office"',
    ]);
    const text = (db.serialize() as Buffer).toString('latin1');
    for (const secret of ['Inventory-Secret', 'Job-Secret', 'Key-Secret', 'Row-Secret', 'Profile-Secret'])
      expect(text).not.toContain(secret);
    const exported = new Store(db, { secrets: CLEAR_EXPORT_BOX });
    expect(exported.inventory.list(MAC, { reveal: true }).map((i) => i.name)).toEqual(['e164']);
    expect(exported.phones.get(MAC)?.inventoryComplete).toBe(false);
    const job = exported.jobs.get(exported.jobs.listForPhone(MAC)[0]!.id, { reveal: true });
    expect(job?.items).toEqual([{ name: 'sntp-addr', value: 'ntp.example' }]);
    expect(job?.warnings).toEqual(['exported without passphrase: sip-pwd left out']);
    expect(exported.certificates.get('c1')?.hasKey).toBe(false);
    expect(exported.rollout.rows()[0]?.values).toEqual({ extension: '2001', room: '4.12' });
    expect(exported.rollout.profile('p1')?.items.map((i) => i.name)).toEqual(['sip-pwd', 'sntp-addr']);
  });
});
