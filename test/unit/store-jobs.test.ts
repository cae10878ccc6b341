import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import type { JobState } from '../../shared/jobs.js';
import { Store, createKeyFileSecretBox } from '../../electron/core/store/index.js';

const MAC = '00:1A:E8:2D:3F:08';
const OTHER = '00:1A:E8:00:00:01';

function setup(): { store: Store; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-jobs-'));
  const file = path.join(dir, 'fieldstage.db');
  return { store: Store.open(file, { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')) }), file };
}

/** A job driven into `state` through allowed steps. */
function jobIn(store: Store, state: JobState, at = 1000): string {
  const { id } = store.jobs.create(MAC, 'write-items', [{ name: 'e164', value: '3001' }], at);
  if (state === 'queued') return id;
  if (state === 'waiting-for-phone' || state === 'waiting-busy') {
    expect(store.jobs.transition(id, state, { updatedAt: at })).toBe(true);
    return id;
  }
  expect(store.jobs.transition(id, 'running', { updatedAt: at })).toBe(true);
  if (state !== 'running') expect(store.jobs.transition(id, state, { updatedAt: at })).toBe(true);
  return id;
}

describe('jobs', () => {
  it('creates queued jobs with secret values sealed and masked unless revealed', () => {
    const { store, file } = setup();
    const job = store.jobs.create(
      MAC,
      'write-items',
      [
        { name: 'e164', value: '3001' },
        { name: 'sip-pwd', value: 'Quokka-Secret-77' },
        { name: 'line-sip-pwd', index: 1, value: 'Wombat-Secret-88' },
      ],
      1000,
    );
    expect(job).toMatchObject({
      mac: MAC,
      kind: 'write-items',
      state: 'queued',
      results: [],
      reason: null,
      awaiting: null,
      expectVersion: null,
      attempts: 0,
      createdAt: 1000,
      updatedAt: 1000,
      startedAt: null,
      finishedAt: null,
      notBefore: null,
    });
    expect(job.items).toEqual([
      { name: 'e164', value: '3001' },
      { name: 'sip-pwd', value: SECRET_MASK },
      { name: 'line-sip-pwd', index: 1, value: SECRET_MASK },
    ]);
    expect(store.jobs.get(job.id)?.items).toEqual(job.items);
    const clear = [
      { name: 'e164', value: '3001' },
      { name: 'sip-pwd', value: 'Quokka-Secret-77' },
      { name: 'line-sip-pwd', index: 1, value: 'Wombat-Secret-88' },
    ];
    expect(store.jobs.get(job.id, { reveal: true })?.items).toEqual(clear);
    expect(store.jobs.itemsForSending(job.id)).toEqual(clear);
    expect(() => store.jobs.itemsForSending('nope')).toThrow(/does not exist/);

    // Results from the phone (e.g. a ReadItems answer) are sealed the same way.
    store.jobs.transition(job.id, 'done', {
      results: [
        { name: 'sip-pwd', value: 'Quokka-Secret-77', status: 'accepted' },
        { name: 'e164', status: 'read only' },
      ],
      updatedAt: 2000,
    });
    expect(store.jobs.get(job.id)?.results).toEqual([
      { name: 'sip-pwd', value: SECRET_MASK, status: 'accepted' },
      { name: 'e164', status: 'read only' },
    ]);
    expect(store.jobs.get(job.id, { reveal: true })?.results[0]?.value).toBe('Quokka-Secret-77');

    const bytes = Buffer.concat(
      fs
        .readdirSync(path.dirname(file))
        .filter((n) => n.startsWith('fieldstage.db'))
        .map((n) => fs.readFileSync(path.join(path.dirname(file), n))),
    );
    expect(bytes.includes(Buffer.from('Quokka-Secret'))).toBe(false);
    expect(bytes.includes(Buffer.from('Wombat-Secret'))).toBe(false);
    store.close();
  });

  it('fills in start, attempt, finish and awaiting bookkeeping on transitions', () => {
    const { store } = setup();
    const { id } = store.jobs.create(MAC, 'software-deployment', [], 1000);
    expect(store.jobs.transition(id, 'running', { incrementAttempts: true, updatedAt: 2000 })).toBe(true);
    expect(store.jobs.get(id)).toMatchObject({ state: 'running', startedAt: 2000, attempts: 1, updatedAt: 2000 });

    expect(store.jobs.update(id, { awaiting: 'start-up', expectVersion: 'V3 R5.0.0', updatedAt: 2100 })).toBe(true);
    expect(store.jobs.awaitedFor(MAC).map((j) => j.id)).toEqual([id]);

    expect(store.jobs.transition(id, 'done', { results: [], updatedAt: 3000 })).toBe(true);
    expect(store.jobs.get(id)).toMatchObject({ state: 'done', awaiting: null, finishedAt: 3000, expectVersion: 'V3 R5.0.0' });
    expect(store.jobs.awaitedFor(MAC)).toEqual([]);
    store.close();
  });

  it.each<JobState>(['done', 'failed', 'cancelled'])('never changes a %s job again', (state) => {
    const { store } = setup();
    const id = jobIn(store, state);
    const before = store.jobs.get(id);
    expect(store.jobs.update(id, { state: 'running' })).toBe(false);
    expect(store.jobs.update(id, { reason: 'late news' })).toBe(false);
    expect(store.jobs.transition(id, 'done', { results: [{ name: 'e164', status: 'failed' }] })).toBe(false);
    expect(store.jobs.cancel(id)).toBe(false);
    store.jobs.requeueInterrupted();
    expect(store.jobs.get(id)).toEqual(before);
    store.close();
  });

  it('cancels only jobs that have not started', () => {
    const { store } = setup();
    for (const state of ['queued', 'waiting-for-phone', 'waiting-busy'] as const) {
      const id = jobIn(store, state);
      expect(store.jobs.cancel(id, 5000)).toBe(true);
      expect(store.jobs.get(id)).toMatchObject({ state: 'cancelled', finishedAt: 5000, updatedAt: 5000 });
    }
    const running = jobIn(store, 'running');
    expect(store.jobs.cancel(running)).toBe(false);
    expect(store.jobs.get(running)?.state).toBe('running');
    expect(store.jobs.cancel('unknown')).toBe(false);
    expect(store.jobs.update('unknown', { reason: 'x' })).toBe(false);
    store.close();
  });

  it('offers runnable jobs oldest first, honouring notBefore', () => {
    const { store } = setup();
    const late = store.jobs.create(MAC, 'read-all', [], 3000).id;
    const first = store.jobs.create(MAC, 'read-items', [{ name: 'e164', value: '' }], 1000).id;
    const sameTime = store.jobs.create(MAC, 'restart', [], 1000).id;
    const busy = jobIn(store, 'waiting-busy', 500);
    store.jobs.update(busy, { notBefore: 10_000 });
    jobIn(store, 'running');
    jobIn(store, 'done');
    store.jobs.create(OTHER, 'read-all', [], 1000);

    expect(store.jobs.runnableFor(MAC, 5000).map((j) => j.id)).toEqual([first, sameTime, late]);
    expect(store.jobs.runnableFor(MAC, 10_000).map((j) => j.id)).toEqual([busy, first, sameTime, late]);
    store.close();
  });

  it('lists per phone and overall, newest first, filtered by state', () => {
    const { store } = setup();
    const a = store.jobs.create(MAC, 'read-all', [], 1000).id;
    const b = store.jobs.create(OTHER, 'read-all', [], 2000).id;
    const c = jobIn(store, 'done', 3000);
    expect(store.jobs.listForPhone(MAC).map((j) => j.id)).toEqual([c, a]);
    expect(store.jobs.list().map((j) => j.id)).toEqual([c, b, a]);
    expect(store.jobs.list({ states: ['queued'] }).map((j) => j.id)).toEqual([b, a]);
    expect(store.jobs.list({ states: ['done', 'failed'], limit: 5 }).map((j) => j.id)).toEqual([c]);
    expect(store.jobs.list({ limit: 1 }).map((j) => j.id)).toEqual([c]);
    expect(store.jobs.list({ states: [] })).toEqual([]);
    expect(store.jobs.list({ mac: OTHER }).map((j) => j.id)).toEqual([b]);
    expect(store.jobs.list({ mac: MAC, states: ['queued'] }).map((j) => j.id)).toEqual([a]);
    store.close();
  });

  it('stops listing before the payloads pass maxChars, but always returns the newest job', () => {
    const { store } = setup();
    const items = [{ name: 'sntp-addr', value: 'x'.repeat(1000) }];
    const ids = [1, 2, 3].map((at) => store.jobs.create(MAC, 'write-items', items, at).id);
    expect(store.jobs.list({ maxChars: 2500 }).map((j) => j.id)).toEqual([ids[2], ids[1]]);
    expect(store.jobs.list({ maxChars: 10 }).map((j) => j.id)).toEqual([ids[2]]);
    store.close();
  });

  it('counts open and recently failed jobs per phone and state without reading payloads', () => {
    const { store } = setup();
    store.jobs.create(MAC, 'read-all', [], 1000);
    store.jobs.create(MAC, 'read-all', [], 1000);
    jobIn(store, 'done', 1000);
    const failed = jobIn(store, 'failed', 5000);
    store.jobs.create(OTHER, 'restart', [], 1000);
    const tally = (since: number, mac: string | null) =>
      store.jobs.tallyByPhone(since, mac).sort((x, y) => (x.mac + x.state).localeCompare(y.mac + y.state));
    expect(tally(0, MAC)).toEqual([
      { mac: MAC, state: 'failed', count: 1 },
      { mac: MAC, state: 'queued', count: 2 },
    ]);
    expect(store.jobs.get(failed)?.state).toBe('failed');
    expect(tally(Number.MAX_SAFE_INTEGER, null)).toEqual([
      { mac: OTHER, state: 'queued', count: 1 },
      { mac: MAC, state: 'queued', count: 2 },
    ]);
    store.close();
  });

  it('requeues jobs cut off mid-interaction, keeping attempts, but not awaited ones', () => {
    const { store } = setup();
    const cut = store.jobs.create(MAC, 'write-items', [], 1000).id;
    store.jobs.transition(cut, 'running', { incrementAttempts: true, updatedAt: 1100 });
    const awaited = store.jobs.create(MAC, 'restart', [], 1000).id;
    store.jobs.transition(awaited, 'running', { awaiting: 'start-up', updatedAt: 1100 });
    const other = store.jobs.create(OTHER, 'write-items', [], 1000).id;
    store.jobs.transition(other, 'running', { updatedAt: 1100 });

    expect(store.jobs.requeueRunningFor(MAC, 'the phone stopped answering', 1500)).toEqual([cut]);
    expect(store.jobs.get(cut)).toMatchObject({ state: 'waiting-for-phone', attempts: 1, reason: 'the phone stopped answering' });
    expect(store.jobs.get(other)?.state).toBe('running');

    store.jobs.transition(cut, 'running', { incrementAttempts: true, updatedAt: 1600 });
    expect(store.jobs.requeueInterrupted(2000).sort()).toEqual([cut, other].sort());
    expect(store.jobs.get(cut)).toMatchObject({ state: 'waiting-for-phone', attempts: 2, updatedAt: 2000 });
    expect(store.jobs.get(awaited)).toMatchObject({ state: 'running', awaiting: 'start-up' });
    expect(store.jobs.runnableFor(MAC, 2000).map((j) => j.id)).toEqual([cut]);
    store.close();
  });
});
