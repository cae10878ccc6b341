import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/core/app/event-bus.js';
import {
  Store,
  createKeyFileSecretBox,
  openDatabase,
  type Db,
  type PhoneContact,
  type StoreChanges,
} from '../../electron/core/store/index.js';
import type { AppEvent } from '../../shared/events.js';

/**
 * The store announces what each transaction changed, once, after its COMMIT, and never for work
 * that was rolled back. Every announcement is checked against a second connection: what was
 * announced must already be on disk.
 */

interface Announcement {
  phones: string[];
  jobs: string[];
  exchanges: number[];
  /** Phones a second connection sees at the moment of the announcement. */
  onDisk: string[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setUp(): { store: Store; db: Db; announced: Announcement[]; listenerErrors: unknown[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-changes-'));
  const file = path.join(dir, 'fieldstage.db');
  const db = openDatabase(file);
  // Checked only at COMMIT: the way to make a COMMIT fail on purpose.
  db.exec('CREATE TABLE checked_at_commit (mac TEXT REFERENCES phones (mac) DEFERRABLE INITIALLY DEFERRED)');
  const listenerErrors: unknown[] = [];
  const store = new Store(db, {
    secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')),
    onListenerError: (error) => listenerErrors.push(error),
  });
  const disk = openDatabase(file);
  const announced: Announcement[] = [];
  store.onChanges((changes: StoreChanges) =>
    announced.push({
      phones: [...changes.phones],
      jobs: [...changes.jobs],
      exchanges: [...changes.exchanges],
      onDisk: (disk.prepare('SELECT mac FROM phones ORDER BY mac').all() as { mac: string }[]).map((r) => r.mac),
    }),
  );
  cleanups.push(() => {
    disk.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, db, announced, listenerErrors };
}

const contact = (mac: string): PhoneContact => ({ mac, maxItems: -1, lastReason: 'start-up', at: 1000, ip: '127.0.0.21' });
const A = '00:1A:E8:00:00:0A';
const B = '00:1A:E8:00:00:0B';

describe('Store change announcements', () => {
  it('announces a transaction once, after its COMMIT, with every phone and job it changed', () => {
    const { store, announced } = setUp();
    const job = store.transaction(() => {
      store.phones.upsertContact(contact(A), 'adopted');
      store.phones.setAdoption(A, 'quarantined');
      const created = store.jobs.create(A, 'read-all', [], 1000);
      store.jobs.transition(created.id, 'running', { updatedAt: 1001 });
      // Nothing is announced while the transaction is open.
      expect(announced).toEqual([]);
      return created;
    });
    expect(announced).toEqual([{ phones: [A], jobs: [job.id], exchanges: [], onDisk: [A] }]);
  });

  it('announces nothing for a rolled-back transaction, nor for a rolled-back savepoint inside one', () => {
    const { store, announced } = setUp();
    expect(() =>
      store.transaction(() => {
        store.phones.upsertContact(contact(A), 'adopted');
        throw new Error('undo');
      }),
    ).toThrow('undo');
    expect(announced).toEqual([]);

    store.transaction(() => {
      store.phones.upsertContact(contact(A), 'adopted');
      try {
        store.transaction(() => {
          store.phones.upsertContact(contact(B), 'adopted');
          throw new Error('undo the inner one');
        });
      } catch {
        // The savepoint is undone; the outer transaction goes on.
      }
    });
    expect(announced).toEqual([{ phones: [A], jobs: [], exchanges: [], onDisk: [A] }]);
  });

  it('announces the units of a group commit together, only after the group COMMIT, without a failed unit', async () => {
    const { store, announced } = setUp();
    const first = store.write(() => store.phones.upsertContact(contact(A), 'adopted'));
    const failed = store.write(() => {
      store.phones.upsertContact(contact(B), 'adopted');
      throw new Error('this unit is undone');
    });
    const exchange = store.write(() =>
      store.exchanges.append({
        mac: A,
        peer: '127.0.0.21',
        at: 1000,
        durationMs: 1,
        reason: 'start-up',
        action: 'ReadAllItems',
        requestXml: '<a/>',
        responseXml: '<b/>',
        httpStatus: 200,
        note: null,
      }),
    );
    await expect(failed).rejects.toThrow('undone');
    expect(announced).toEqual([]);
    const [, id] = await Promise.all([first, exchange]);
    expect(announced).toEqual([{ phones: [A], jobs: [], exchanges: [id], onDisk: [A] }]);
  });

  it('announces nothing of a group whose COMMIT failed', async () => {
    const { store, db, announced } = setUp();
    const unit = store.write(() => store.phones.upsertContact(contact(A), 'adopted'));
    const poison = store.write(() => db.prepare('INSERT INTO checked_at_commit (mac) VALUES (?)').run('no such phone'));
    await expect(Promise.all([unit, poison])).rejects.toThrow(/FOREIGN KEY/);
    await unit.catch(() => undefined);
    expect(store.phones.list()).toEqual([]);
    expect(announced).toEqual([]);
  });

  it('announces an autocommitted write after the statement, not inside it', async () => {
    const { store, announced } = setUp();
    store.transaction(() => store.phones.upsertContact(contact(A), 'adopted'));
    announced.length = 0;
    store.phones.setPolling(A, 300);
    expect(announced).toEqual([]);
    await Promise.resolve();
    expect(announced).toEqual([{ phones: [A], jobs: [], exchanges: [], onDisk: [A] }]);
  });

  it('reports a throwing change listener and still tells the others', () => {
    const { store, announced, listenerErrors } = setUp();
    const later: string[] = [];
    store.onChanges(() => {
      throw new Error('broken listener');
    });
    store.onChanges((changes) => later.push(...changes.phones));
    store.transaction(() => store.phones.upsertContact(contact(A), 'adopted'));
    expect(announced).toHaveLength(1);
    expect(later).toEqual([A]);
    expect(listenerErrors).toEqual([expect.objectContaining({ message: 'broken listener' })]);
  });
});

describe('EventBus', () => {
  it('reports a throwing listener with the event and still delivers to the others', () => {
    const failures: { error: unknown; event: AppEvent }[] = [];
    const bus = new EventBus((error, event) => failures.push({ error, event }));
    const received: AppEvent[] = [];
    bus.subscribe(() => {
      throw new Error('closed window');
    });
    bus.subscribe((event) => received.push(event));
    const event: AppEvent = {
      type: 'sweep.progress',
      progress: { sweepId: 's1', done: 1, total: 2, found: 0, finished: false, cancelled: false },
    };
    bus.publish(event);
    expect(received).toEqual([event]);
    expect(failures).toEqual([{ error: expect.objectContaining({ message: 'closed window' }), event }]);
  });
});
