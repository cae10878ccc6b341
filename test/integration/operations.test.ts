import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../shared/events.js';
import { DCMP_URL_ITEM } from '../../shared/protocol.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { BUSY_RETRY_MS } from '../../electron/core/provisioning/service.js';
import { HELD_BY_CONTACT_LIMIT } from '../../electron/core/reach/reacher.js';
import { TestClock } from '../support/clock.js';
import { freePort, startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Technician operations end to end: jobs reaching phones by contact-me, busy phones, polling
 * behind NAT, sweeps, and jobs surviving a restart. Subnets 127.0.30–39 belong to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
/**
 * Tests that wait out a back-off or the once-a-minute contact-me limit run the core on this
 * clock with its timer off, step it, and run the reacher's pass themselves (`core.tick()`).
 */
let clock = new TestClock();
const clocked = () => {
  clock = new TestClock();
  return { now: clock.now, reachIntervalMs: 24 * 3_600_000 };
};

let core: TestCore | null = null;
let fleet: Fleet | null = null;
const phones = new TestPhones();

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  await phones.stopAll();
  await core?.stop();
  core = null;
});

const simPhone = (ip: string, mac: string, options: Parameters<TestPhones['at']>[3] = {}) => phones.at(core, ip, mac, options);

const stateOf = (id: string): string | undefined => core?.core.store.jobs.get(id)?.state;

describe('technician operations', () => {
  it('a write job to 20 phones reaches each by contact-me and records per-item results', async () => {
    core = await startTestCore(ADOPT_ALL);
    fleet = createFleet({ count: 20, server: { host: '127.0.0.1', port: core.port }, firstSubnet: 30, contactMePort: 0 });
    await fleet.startAll({ concurrency: 20 });
    await fleet.waitForIdle(30_000);
    const macs = core.core.store.phones.list().map((p) => p.mac);
    expect(macs).toHaveLength(20);

    const { jobs } = await core.core.handlers['jobs.create']({
      macs,
      kind: 'write-items',
      items: [
        { name: 'sntp-addr', value: 'ntp.customer.example' },
        { name: 'sntp-tz-offset', value: '60' },
      ],
    });
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'all 20 write jobs', 30_000);
    for (const job of jobs) {
      expect(core.core.store.jobs.get(job.id)?.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    }
    for (const phone of fleet.phones) {
      expect(phone.value('sntp-addr')).toBe('ntp.customer.example');
      expect(phone.stats.contactMeReceived).toBe(1);
      expect(phone.violations).toEqual([]);
    }
    expect(core.invalidSentMessages()).toEqual([]);
  }, 60_000);

  it('an older busy phone (no send-solicited) gets its change by retry after the call', async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const phone = simPhone('127.0.31.1', '00:1A:E8:31:00:01', { softwareVersion: 'V3 R1.41.1', busy: true, contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();
    const { jobs } = await core.core.handlers['jobs.create']({
      macs: ['00:1A:E8:31:00:01'],
      kind: 'write-items',
      items: [{ name: 'sntp-addr', value: 'after-call.example' }],
    });
    const id = jobs[0]!.id;
    await until(() => stateOf(id) === 'waiting-busy', 'busy refusal');
    const cleanUps = core.core.store.exchanges.list({ limit: 50 }).map((e) => core!.core.store.exchanges.get(e.id)!.responseXml);
    expect(cleanUps.some((xml) => xml.includes('send-solicited'))).toBe(false);

    phone.setBusy(false);
    clock.advance(BUSY_RETRY_MS);
    await core.core.tick();
    await until(() => stateOf(id) === 'done', 'retry after the call', 20_000);
    expect(phone.value('sntp-addr')).toBe('after-call.example');
    expect(core.core.store.jobs.get(id)?.attempts).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('a phone behind NAT gets its job through polling: 202 while work waits, 200 after', async () => {
    const httpPort = await freePort();
    core = await startTestCore({ ...ADOPT_ALL, httpPort }, clocked());
    const mac = '00:1A:E8:32:00:01';
    const phone = simPhone('127.0.32.1', mac, { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();

    const { jobs } = await core.core.handlers['phones.setPolling']({ macs: [mac], intervalSeconds: 600 });
    await until(() => stateOf(jobs[0]!.id) === 'done', 'poll settings written');
    expect(phone.value(DCMP_URL_ITEM)).toBe(`http://127.0.0.1:${httpPort}/dcmp/`);
    await phone.waitForIdle();

    // From now on contact-me cannot reach the phone, as behind NAT.
    const store = core.core.store;
    store.phones.upsertContact(
      { mac, contactMeUri: 'http://127.0.32.250:9/contact_dls.html/ContactDLS', maxItems: -1, lastReason: 'test', at: Date.now() },
      'adopted',
    );
    // A minute on, the reacher may try contact-me again (and fails: the phone is out of reach).
    clock.advance(60_000);
    const write = (
      await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sntp-addr', value: 'polled.example' }] })
    ).jobs[0]!;
    await core.core.tick();
    expect(core.logs).toContainEqual(`warn: ${mac} (127.0.32.1): contact-me refused`);
    // The pass after the failed try holds the job back until a minute after it.
    expect(store.jobs.get(write.id)).toMatchObject({
      state: 'waiting-for-phone',
      reason: HELD_BY_CONTACT_LIMIT,
      nextContactAt: clock.t + 60_000,
    });

    expect(await phone.pollOnce()).toBe(202);
    await until(() => stateOf(write.id) === 'done', 'job via polling');
    await phone.waitForIdle();
    expect(phone.value('sntp-addr')).toBe('polled.example');
    expect(await phone.pollOnce()).toBe(200);
  }, 30_000);

  it('a polling phone in a call is not asked back (200) while its job waits out the busy back-off', async () => {
    const httpPort = await freePort();
    core = await startTestCore({ ...ADOPT_ALL, httpPort }, clocked());
    const mac = '00:1A:E8:32:00:03';
    const phone = simPhone('127.0.32.3', mac, { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();
    const { jobs } = await core.core.handlers['phones.setPolling']({ macs: [mac], intervalSeconds: 600 });
    await until(() => stateOf(jobs[0]!.id) === 'done', 'poll settings written');
    await phone.waitForIdle();
    phone.setBusy(true);
    clock.advance(60_000);
    const write = (
      await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sntp-addr', value: 'x.example' }] })
    ).jobs[0]!;
    await until(() => stateOf(write.id) === 'waiting-busy', 'busy refusal');
    await phone.waitForIdle();
    expect(await phone.pollOnce()).toBe(200);
  }, 30_000);

  it('re-sends poll settings at every start-up, since phones forget them', async () => {
    const httpPort = await freePort();
    core = await startTestCore({ ...ADOPT_ALL, httpPort });
    const mac = '00:1A:E8:32:00:02';
    const phone = simPhone('127.0.32.2', mac, { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();
    const { jobs } = await core.core.handlers['phones.setPolling']({ macs: [mac], intervalSeconds: 300 });
    await until(() => stateOf(jobs[0]!.id) === 'done', 'poll settings');
    await phone.waitForIdle();
    const before = core.core.store.jobs.listForPhone(mac).length;
    await phone.boot();
    await phone.waitForIdle();
    const after = core.core.store.jobs.listForPhone(mac);
    expect(after).toHaveLength(before + 1);
    expect(after[0]?.state).toBe('done');
    expect(after[0]?.items.map((i) => i.name)).toContain(DCMP_URL_ITEM);
  }, 30_000);

  it('a sweep finds exactly the 30 phones of a /24, which then call in; no phone is contacted twice', async () => {
    core = await startTestCore();
    fleet = createFleet({
      count: 30,
      server: { host: '127.0.0.1', port: core.port },
      firstSubnet: 33,
      contactMePort: 8085,
      contactGapMs: 0,
    });
    await fleet.startAll({ concurrency: 30 });
    await fleet.waitForIdle(30_000);
    // Forget them: the sweep must bring them back.
    for (const p of core.core.store.phones.list()) core.core.store.phones.delete(p.mac);

    const events: AppEvent[] = [];
    const unsubscribe = core.core.events.subscribe((e) => events.push(e));
    const { sweepId, total } = await core.core.handlers['discovery.sweepStart']({ targets: '127.0.33.0/24' });
    expect(total).toBe(254);
    const finished = (): boolean =>
      events.some((e) => e.type === 'sweep.progress' && e.progress.sweepId === sweepId && e.progress.finished);
    await until(finished, 'sweep report', 30_000);
    const results = events.flatMap((e) => (e.type === 'sweep.result' ? [e.result] : []));
    const found = results
      .filter((r) => r.outcome === 'phone')
      .map((r) => r.ip)
      .sort();
    expect(found).toEqual(fleet.phones.map((p) => p.contactMeUri.replace(/^http:\/\/([\d.]+):.*$/, '$1')).sort());
    await until(() => core!.core.store.phones.list().length === 30, 'phones calling in after the sweep');

    // A second sweep right away must not contact any phone again.
    const second = await core.core.handlers['discovery.sweepStart']({ targets: '127.0.33.0/24' });
    await until(
      () => events.some((e) => e.type === 'sweep.progress' && e.progress.sweepId === second.sweepId && e.progress.finished),
      'second sweep',
    );
    unsubscribe();
    for (const p of fleet.phones) expect(p.stats.contactMeReceived).toBe(1);
  }, 60_000);

  it('jobs queued before a restart of the app finish exactly once afterwards', async () => {
    core = await startTestCore(ADOPT_ALL, { reachIntervalMs: 60_000 });
    const mac = '00:1A:E8:34:00:01';
    const phone = simPhone('127.0.34.1', mac, { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();
    // Queue directly so the running core does not wake the phone before it stops.
    const job = core.core.store.jobs.create(mac, 'write-items', [{ name: 'sntp-addr', value: 'survives.example' }]);
    const dataDir = core.dataDir;
    await core.stop({ keepData: true });
    core = await startTestCore({}, {}, dataDir);
    await until(() => stateOf(job.id) === 'done', 'job after restart');
    await phone.waitForIdle();
    expect(core.core.store.jobs.list().filter((j) => j.state !== 'done')).toEqual([]);
    const writes = core.core.store.exchanges.list({ limit: 100 }).filter((e) => e.action === 'WriteItems');
    expect(writes).toHaveLength(1);
    expect(phone.value('sntp-addr')).toBe('survives.example');
  }, 30_000);

  it("respects a phone's known contact gap and says why the job waits; the job runs at its next contact", async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const mac = '00:1A:E8:35:00:01';
    const phone = simPhone('127.0.35.1', mac);
    await phone.start();
    await phone.waitForIdle();
    const first = (
      await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'dls-contact-interval', value: '300' }] })
    ).jobs[0]!;
    await until(() => stateOf(first.id) === 'done', 'gap written by contact-me');
    await phone.waitForIdle();

    const second = (
      await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sntp-addr', value: 'gap.example' }] })
    ).jobs[0]!;
    // Passes until just before the gap of 300 s ends send nothing, and say why and until when.
    await core.core.tick();
    const gapEnds = clock.t + 300_000;
    expect(core.core.store.jobs.get(second.id)).toMatchObject({ state: 'waiting-for-phone', nextContactAt: gapEnds });
    expect(core.core.store.jobs.get(second.id)?.reason).toMatch(/contact gap/);
    clock.advance(299_999);
    await core.core.tick();
    expect(phone.stats.contactMeReceived).toBe(1);
    expect(stateOf(second.id)).toBe('waiting-for-phone');

    await phone.boot();
    await until(() => stateOf(second.id) === 'done', 'job at the next start-up');
    expect(phone.value('sntp-addr')).toBe('gap.example');
  }, 30_000);

  it('builds the DHCP option 43 for the laptop and refuses a bad VLAN', async () => {
    core = await startTestCore();
    const help = await core.core.handlers['discovery.dhcp']({ host: '192.168.2.19', port: 18443 });
    expect(help.hex).toBe('01075369656d656e73031973646c703a2f2f3139322e3136382e322e31393a3138343433ff');
    expect(help.snippets.iscDhcpd).toContain('OptiIpPhone');
    await expect(core.core.handlers['discovery.dhcp']({ host: '192.168.2.19', port: 18443, vlanId: 5000 })).rejects.toBeTruthy();
  });
});
