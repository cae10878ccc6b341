import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SweepProgress } from '../../shared/model.js';
import { Sweeps } from '../../electron/core/app/sweeps.js';
import { ContactMeThrottle } from '../../electron/core/discovery/contact-me-throttle.js';
import type { ContactMeRequest, ContactMeResult } from '../../electron/core/discovery/contact-me.js';
import { HELD_BY_CONTACT_LIMIT, Reacher, WAITING_FOR_ADOPTION } from '../../electron/core/reach/reacher.js';
import { Store, createKeyFileSecretBox } from '../../electron/core/store/index.js';
import type { PhoneAdoption } from '../../electron/core/store/types.js';

/**
 * The reacher on an injected clock: every pass is one explicit tick(), every contact-me goes to
 * a recording sender (loopback addresses only; nothing is sent over a socket).
 */

const MAC = '00:1A:E8:47:00:01';
const IP = '127.0.47.1';

const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function setup(adoption: PhoneAdoption) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-reach-'));
  const store = Store.open(path.join(dir, 'fieldstage.db'), { secrets: createKeyFileSecretBox(path.join(dir, 'secret.key')) });
  stores.push(store);
  const clock = { t: 1_700_000_000_000 };
  const now = (): number => clock.t;
  store.phones.upsertContact({ mac: MAC, ip: IP, maxItems: -1, lastReason: 'start-up', at: now() }, adoption);
  const sent: ContactMeRequest[] = [];
  const send = async (request: ContactMeRequest): Promise<ContactMeResult> => {
    sent.push(request);
    return { outcome: 'acknowledged', status: 204, server: 'DlsClient', detail: 'phone acknowledged the contact-me' };
  };
  const throttle = new ContactMeThrottle({ now, minIntervalMs: 60_000, maxAttempts: 5 });
  const reacher = new Reacher({
    store,
    throttle: () => throttle,
    send,
    now,
    dlsPort: () => 18443,
    inFlow: () => false,
    log: () => undefined,
  });
  const job = (id: string) => store.jobs.get(id)!;
  return { store, clock, sent, send, throttle, reacher, job };
}

describe('Reacher', () => {
  it('does not wake a quarantined phone for a writing job, however often it calls; says it waits for adoption', async () => {
    const { store, clock, sent, reacher, job } = setup('quarantined');
    const { id } = store.jobs.create(MAC, 'write-items', [{ name: 'sntp-addr', value: 'ntp.example' }], clock.t);
    // Ten minutes of passes, the phone calling in on its own every minute.
    for (let minute = 0; minute < 10; minute++) {
      await reacher.tick();
      reacher.noteCallback(MAC);
      clock.t += 60_000;
      await reacher.tick();
    }
    expect(sent).toEqual([]);
    expect(job(id)).toMatchObject({ state: 'waiting-for-phone', reason: WAITING_FOR_ADOPTION, nextContactAt: null });

    // Adopted: the job wakes the phone at the next pass.
    store.phones.setAdoption(MAC, 'adopted');
    await reacher.tick();
    expect(sent.map((r) => r.phoneIp)).toEqual([IP]);
    expect(job(id).reason).toMatch(/waiting for the phone to call back/);
  });

  it('still wakes a quarantined phone for reading, and the writing job beside it waits for adoption', async () => {
    const { store, clock, sent, reacher, job } = setup('quarantined');
    const write = store.jobs.create(MAC, 'write-items', [{ name: 'sntp-addr', value: 'ntp.example' }], clock.t);
    const read = store.jobs.create(MAC, 'read-all', [], clock.t);
    await reacher.tick();
    expect(sent).toHaveLength(1);
    expect(job(write.id).reason).toBe(WAITING_FOR_ADOPTION);
    expect(job(read.id).reason).toMatch(/waiting for the phone to call back/);
  });

  it('a job held back by the once-a-minute limit says so and when the next contact-me is due', async () => {
    const { store, clock, sent, reacher, job } = setup('adopted');
    const first = store.jobs.create(MAC, 'write-items', [{ name: 'sntp-addr', value: 'a.example' }], clock.t);
    const sentAt = clock.t;
    await reacher.tick();
    expect(sent).toHaveLength(1);
    // The phone calls back and the first job is done.
    reacher.noteCallback(MAC);
    store.jobs.transition(first.id, 'running', { updatedAt: clock.t });
    store.jobs.transition(first.id, 'done', { updatedAt: clock.t });

    clock.t += 10_000;
    const second = store.jobs.create(MAC, 'write-items', [{ name: 'sntp-addr', value: 'b.example' }], clock.t);
    await reacher.tick();
    expect(sent).toHaveLength(1);
    expect(job(second.id)).toMatchObject({ state: 'waiting-for-phone', reason: HELD_BY_CONTACT_LIMIT, nextContactAt: sentAt + 60_000 });

    clock.t = sentAt + 59_999;
    await reacher.tick();
    expect(sent).toHaveLength(1);
    clock.t = sentAt + 60_000;
    await reacher.tick();
    expect(sent).toHaveLength(2);
    // Acknowledged; should the phone stay silent, the next one is due after the plain interval.
    expect(job(second.id)).toMatchObject({ nextContactAt: sentAt + 120_000 });
    expect(job(second.id).reason).toMatch(/waiting for the phone to call back/);

    // Running clears the plan: it means nothing once the phone is there.
    store.jobs.transition(second.id, 'running', { updatedAt: clock.t });
    expect(job(second.id).nextContactAt).toBeNull();
  });

  it('sweeps and the reacher share one throttle: an address gets one contact-me a minute, whoever asks', async () => {
    const { store, clock, sent, send, throttle, reacher } = setup('adopted');
    const sweeps = new Sweeps({
      send,
      dlsPort: () => 18443,
      throttle: () => throttle,
      token: () => `SWEEP${sent.length}${clock.t}`,
      progress: (p) => progress.push(p),
      result: () => undefined,
      log: () => undefined,
    });
    const progress: SweepProgress[] = [];
    const sweepOnce = async (): Promise<void> => {
      const { sweepId } = sweeps.start(IP);
      await expect.poll(() => progress.some((p) => p.sweepId === sweepId && p.finished)).toBe(true);
    };

    const { id } = store.jobs.create(MAC, 'read-all', [], clock.t);
    await reacher.tick();
    expect(sent).toHaveLength(1);
    clock.t += 30_000;
    await sweepOnce();
    expect(sent).toHaveLength(1);

    // A minute after the reacher's contact-me the sweep may; then the reacher waits again.
    clock.t += 30_000;
    await sweepOnce();
    expect(sent).toHaveLength(2);
    await reacher.tick();
    expect(sent).toHaveLength(2);
    expect(store.jobs.get(id)).toMatchObject({ reason: HELD_BY_CONTACT_LIMIT });
  });
});
