import { afterEach, describe, expect, it } from 'vitest';
import { WAITING_FOR_FIRST_CONTACT } from '../../electron/core/reach/reacher.js';
import { TestClock } from '../support/clock.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Pre-staging (issue 14): jobs for a MAC that never called in. Subnet 127.0.95 belongs to this file.
 * Adoption rules quarantine unknown phones here, so the adoption comes from the pre-staging alone.
 */

const QUARANTINE_ALL = { adoption: { adoptAll: false, macs: [], prefixes: [] } };
const MAC = '00:1A:E8:95:00:01';

let core: TestCore | null = null;
const phones = new TestPhones();

afterEach(async () => {
  await phones.stopAll();
  await core?.stop();
  core = null;
});

describe('pre-staging a MAC never seen', () => {
  it('lists the phone as not seen yet, keeps its job waiting, and runs it at its first contact', async () => {
    const clock = new TestClock();
    core = await startTestCore(QUARANTINE_ALL, { now: clock.now, reachIntervalMs: 24 * 3_600_000 });
    const { handlers } = core.core;

    const { jobs } = await handlers['jobs.create']({
      macs: ['00-1a-e8-95-00-01'],
      kind: 'write-items',
      items: [{ name: 'sntp-addr', value: 'ntp.customer.example' }],
    });
    expect(jobs).toHaveLength(1);
    const listed = (await handlers['phones.list']({ limit: 100 })).find((p) => p.mac === MAC);
    expect(listed).toMatchObject({ mac: MAC, seen: false, adoption: 'adopted', ip: null, pendingJobs: 1 });

    // Nothing can wake it: the job says so instead of pretending a contact-me went out.
    await core.core.tick();
    expect(core.core.store.jobs.get(jobs[0]!.id)).toMatchObject({ state: 'waiting-for-phone', reason: WAITING_FOR_FIRST_CONTACT });

    const phone = phones.at(core, '127.0.95.1', '00:1A:E8:95:00:01');
    await phone.start();
    await until(() => core?.core.store.jobs.get(jobs[0]!.id)?.state === 'done', 'the pre-staged job', 20_000);
    expect(phone.value('sntp-addr')).toBe('ntp.customer.example');
    const seen = await handlers['phones.get']({ mac: MAC });
    expect(seen).toMatchObject({ seen: true, adoption: 'adopted', ip: '127.0.95.1' });
    expect(seen.firstContact).toBe(clock.now());
  }, 30_000);

  it('leaves a known phone as it is and still refuses an invalid MAC', async () => {
    core = await startTestCore(QUARANTINE_ALL);
    const phone = phones.at(core, '127.0.95.2', '00:1A:E8:95:00:02');
    await phone.start();
    await phone.waitForIdle();
    await core.core.handlers['jobs.create']({ macs: ['001AE8950002'], kind: 'read-all', items: [] });
    expect(core.core.store.phones.get('00:1A:E8:95:00:02')).toMatchObject({ seen: true, adoption: 'quarantined', ip: '127.0.95.2' });
    await expect(core.core.handlers['jobs.create']({ macs: ['not-a-mac'], kind: 'read-all', items: [] })).rejects.toThrow();
    expect(core.core.store.phones.list()).toHaveLength(1);
  }, 30_000);
});
