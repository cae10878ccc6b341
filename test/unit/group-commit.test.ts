import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { WpiItem } from '../../shared/protocol.js';
import type { PhoneRequest } from '../../electron/core/provisioning/phone-server.js';
import { ProvisioningService } from '../../electron/core/provisioning/service.js';
import { Store, createKeyFileSecretBox, openDatabase, type Db, type PhoneContact } from '../../electron/core/store/index.js';
import { newNonce } from '../sim/flow.js';
import { BASIC_ITEM_NAMES, loadFixtureItems, withIdentity } from '../sim/items.js';
import { serializeMessage } from '../sim/wire.js';

/**
 * Group commit (Store.write): the units of one event-loop turn share a transaction and its COMMIT;
 * none is reported done before the COMMIT that holds it, and a failure undoes exactly what it
 * has to. A second, read-only connection shows what is on disk.
 */

interface Setup {
  store: Store;
  /** The store's own connection, for writes the repos never make. */
  db: Db;
  /** A second connection: sees committed data only. */
  disk: Database.Database;
  file: string;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setUp(): Setup {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-group-'));
  const file = path.join(dir, 'fieldstage.db');
  const db = openDatabase(file);
  // Checked only at COMMIT: the way to make a COMMIT fail on purpose.
  db.exec('CREATE TABLE checked_at_commit (mac TEXT REFERENCES phones (mac) DEFERRABLE INITIALLY DEFERRED)');
  const store = new Store(db, { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')) });
  const disk = new Database(file, { readonly: true, fileMustExist: true });
  cleanups.push(() => {
    disk.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, db, disk, file };
}

/** A unit whose row breaks the deferred foreign key: fine until the group's COMMIT. */
const poison = ({ store, db }: Setup): Promise<unknown> =>
  store.write(() => db.prepare('INSERT INTO checked_at_commit (mac) VALUES (?)').run('no such phone'));

const contact = (mac: string): PhoneContact => ({ mac, maxItems: -1, lastReason: 'start-up', at: 1000, ip: '10.0.0.21' });
const onDisk = (disk: Database.Database): string[] =>
  (disk.prepare('SELECT mac FROM phones ORDER BY mac').all() as { mac: string }[]).map((r) => r.mac);
const A = '00:1A:E8:00:00:0A';
const B = '00:1A:E8:00:00:0B';
const C = '00:1A:E8:00:00:0C';

describe('Store.write (group commit)', () => {
  it('runs units at once, commits them together later, and resolves each only after that commit', async () => {
    const { store, disk } = setUp();
    const settled: string[] = [];
    const first = store.write(() => store.phones.upsertContact(contact(A), 'adopted').created);
    const second = store.write(() => {
      // A unit sees what earlier units of its group wrote (same connection).
      expect(store.phones.get(A)).toBeDefined();
      store.phones.upsertContact(contact(B), 'adopted');
      return 'B';
    });
    void first.then((v) => settled.push(`A ${v}`));
    void second.then((v) => settled.push(v));
    expect(store.groupOpen).toBe(true);
    expect(store.phones.list()).toHaveLength(2);
    expect(onDisk(disk)).toEqual([]);
    await Promise.resolve();
    expect(settled).toEqual([]);

    await Promise.all([first, second]);
    expect(settled).toEqual(['A true', 'B']);
    expect(store.groupOpen).toBe(false);
    expect(onDisk(disk)).toEqual([A, B]);
  });

  it('undoes a unit that throws alone; the rest of its group commits', async () => {
    const { store, disk } = setUp();
    const ok1 = store.write(() => store.phones.upsertContact(contact(A), 'adopted'));
    const failed = store.write(() => {
      store.phones.upsertContact(contact(B), 'adopted');
      store.transaction(() => store.jobs.create(B, 'read-all', [], 1000));
      throw new Error('engine bug');
    });
    const ok2 = store.write(() => store.phones.upsertContact(contact(C), 'adopted'));
    await expect(failed).rejects.toThrow('engine bug');
    await Promise.all([ok1, ok2]);
    expect(onDisk(disk)).toEqual([A, C]);
    expect(store.jobs.list()).toEqual([]);
  });

  it('rejects every unit of a group whose COMMIT fails and undoes all of it; the next group commits', async () => {
    const setup = setUp();
    const { store, disk } = setup;
    const units = [
      store.write(() => store.phones.upsertContact(contact(A), 'adopted')),
      store.write(() => store.inventory.merge(A, [{ name: 'e164', value: '3001' }], 1000)),
      poison(setup),
    ];
    const results = await Promise.allSettled(units);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(store.groupOpen).toBe(false);
    expect(store.phones.list()).toEqual([]);
    expect(onDisk(disk)).toEqual([]);

    await store.write(() => store.phones.upsertContact(contact(B), 'adopted'));
    expect(onDisk(disk)).toEqual([B]);
  });

  it('commits an open group before a transaction outside a unit, which then commits on its own', async () => {
    const { store, disk } = setUp();
    const unit = store.write(() => store.phones.upsertContact(contact(A), 'adopted'));
    store.transaction(() => store.phones.upsertContact(contact(B), 'adopted'));
    expect(store.groupOpen).toBe(false);
    expect(onDisk(disk)).toEqual([A, B]);
    await unit;
  });

  it('commits an open group on close', async () => {
    const { store, file } = setUp();
    const unit = store.write(() => store.phones.upsertContact(contact(A), 'adopted'));
    store.close();
    await unit;
    const again = new Database(file, { readonly: true });
    expect(onDisk(again)).toEqual([A]);
    again.close();
  });

  it('refuses an async unit and undoes it', async () => {
    const { store } = setUp();
    await expect(
      store.write(async () => {
        store.phones.upsertContact(contact(A), 'adopted');
      }),
    ).rejects.toThrow(/synchronous/);
    await store.write(() => undefined);
    expect(store.phones.list()).toEqual([]);
  });
});

describe('ProvisioningService on group commit', () => {
  const MAC = '00:1A:E8:60:00:01';
  const PEER = '10.0.0.21';

  function messages(): { startUp: Buffer; readAll: Buffer } {
    const items = withIdentity(loadFixtureItems(), {
      mac: MAC,
      contactMeUri: `http://${PEER}:8085/contact_dls.html/ContactDLS`,
      e164: '3001',
      model: 'OpenStage 60',
      softwareVersion: 'V3 R1.41.1',
    });
    const basic: WpiItem[] = BASIC_ITEM_NAMES.flatMap((name) => items.filter((i) => i.name === name && i.index === undefined));
    const nonce = newNonce();
    const [startUp, readAll] = [
      serializeMessage(nonce, -1, { reason: 'start-up', items: basic })[0],
      serializeMessage(nonce, -1, { reason: 'reply-to', action: 'ReadAllItems', status: 'accepted', items })[0],
    ].map((xml) => Buffer.from(xml, 'utf8'));
    return { startUp: startUp as Buffer, readAll: readAll as Buffer };
  }

  function serve(store: Store): { service: ProvisioningService; events: string[] } {
    const events: string[] = [];
    let token = 0;
    store.onChanges((changes) => {
      for (const mac of changes.phones) events.push(`phone ${mac}`);
      for (const id of changes.jobs) events.push(`job ${id} ${store.jobs.get(id)?.state}`);
      for (const id of changes.exchanges) events.push(`exchange ${store.exchanges.get(id)?.action}`);
    });
    const service = new ProvisioningService({
      store,
      notify: {
        phoneContacted: (mac) => events.push(`contacted ${mac}`),
        log: (level, message) => events.push(`${level} ${message}`),
      },
      now: () => 5000,
      token: () => `T${++token}`,
      policy: () => ({ sendSolicited: 'auto' }),
      adoptionFor: () => 'adopted',
      pollItems: () => null,
    });
    return { service, events };
  }

  const request = (body: Buffer, sessionId: string | null): PhoneRequest => ({
    body,
    peer: PEER,
    localAddress: '127.0.0.1',
    localPort: 18443,
    sessionId,
    secure: true,
    path: '/DeploymentService/LoginService',
  });

  it('answers after the commit and notifies only then', async () => {
    const { store, disk } = setUp();
    const { service, events } = serve(store);
    const pending = service.handle(request(messages().startUp, null));
    expect(events).toEqual([]);
    const response = await pending;
    expect(response.body).toContain('ReadAllItems');
    expect(onDisk(disk)).toEqual([MAC]);
    // The store announces the unit's changes at the group's COMMIT, before the reply is released.
    expect(events).toEqual([`phone ${MAC}`, 'exchange ReadAllItems', `contacted ${MAC}`]);
  });

  it('when the COMMIT fails: rejects, drops the interaction, and the job stays queued for the next contact', async () => {
    const setup = setUp();
    const { store, disk } = setup;
    const { service, events } = serve(store);
    const job = store.transaction(() => store.jobs.create(MAC, 'write-items', [{ name: 'e164', value: '4711' }], 1000));
    const { startUp, readAll } = messages();

    const first = await service.handle(request(startUp, null));
    const session = first.session && 'set' in first.session ? first.session.set : null;
    expect(session).not.toBeNull();
    expect(service.flows.forMac(MAC)).not.toBeNull();
    events.length = 0;

    // The ReadAllItems answer replaces the inventory and starts the write job (WriteItems) …
    const answer = service.handle(request(readAll, session));
    // … and, in memory, moves the flow on at once, while the unit waits for its COMMIT.
    const step = service.flows.forMac(MAC)?.flow.step;
    expect(step?.kind === 'job' && step.job.action).toBe('WriteItems');
    await expect(Promise.all([answer, poison(setup)])).rejects.toThrow(/FOREIGN KEY/);
    await answer.catch(() => undefined);

    // Nothing of the answer is stored; the phone's interaction is gone, its job waits for the next one.
    expect(service.flows.forMac(MAC)).toBeNull();
    expect(service.flows.size).toBe(0);
    expect(store.jobs.get(job.id)?.state).toBe('queued');
    expect(store.phones.get(MAC)?.inventoryComplete).toBe(false);
    expect(store.exchanges.list().map((e) => e.action)).toEqual(['ReadAllItems']);
    expect(onDisk(disk)).toEqual([MAC]);
    // No success notifications for the lost unit; a warning says what happened.
    expect(events.filter((e) => !e.startsWith('warn '))).toEqual([]);
    expect(events.some((e) => e.includes(MAC) && e.includes('dropped'))).toBe(true);

    // The phone starts anew (as after any broken interaction) and gets its job.
    const again = await service.handle(request(startUp, null));
    expect(again.body).toContain('ReadAllItems');
  });
});
