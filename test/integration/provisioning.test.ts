import { afterEach, describe, expect, it } from 'vitest';
import type { WpiItem } from '../../shared/protocol.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { HELD_BY_CONTACT_LIMIT } from '../../electron/core/reach/reacher.js';
import { TestClock } from '../support/clock.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * The provisioning core over real sockets: real TLS, real HTTP, real SQLite, simulated phones
 * on their own loopback addresses. Subnets 127.0.20–29 belong to this file.
 */

const FIXTURE_ITEMS = 329;
let core: TestCore | null = null;
let fleet: Fleet | null = null;
const phones = new TestPhones();

afterEach(async () => {
  await fleet?.stopAll();
  await phones.stopAll();
  fleet = null;
  await core?.stop();
  core = null;
});

const phoneAt = (ip: string, mac: string, options: Parameters<TestPhones['at']>[3] = {}) => phones.at(core, ip, mac, options);

function jobOf(id: string) {
  const job = core?.core.store.jobs.get(id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
}

describe('provisioning core with simulated phones', () => {
  it('50 phones booting at once all end with a complete inventory, and every sent message is valid', async () => {
    core = await startTestCore();
    fleet = createFleet({ count: 50, server: { host: '127.0.0.1', port: core.port }, firstSubnet: 20, contactMePort: 0 });
    await fleet.startAll({ concurrency: 50 });
    await fleet.waitForIdle(60_000);

    const { store } = core.core;
    const phones = store.phones.list();
    expect(phones).toHaveLength(50);
    for (const phone of phones) {
      expect(phone.inventoryComplete).toBe(true);
      expect(phone.adoption).toBe('quarantined');
      expect(store.inventory.list(phone.mac)).toHaveLength(FIXTURE_ITEMS);
    }
    for (const phone of fleet.phones) {
      expect(phone.violations).toEqual([]);
      expect(phone.errors).toEqual([]);
    }
    expect(core.invalidSentMessages()).toEqual([]);
  }, 90_000);

  it('assembles a fragmented ReadAllItems from a phone with maxItems=10 and splits writes to it', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    const phone = phoneAt('127.0.21.1', '00:1A:E8:21:00:01', { maxItems: 10 });
    await phone.start();
    await phone.waitForIdle();
    const { store } = core.core;
    expect(store.inventory.list(phone.value('mac-addr') ?? '')).toHaveLength(FIXTURE_ITEMS);

    const items: WpiItem[] = Array.from({ length: 8 }, (_, i) => [
      { name: 'function-key-def', index: i + 1, value: '3' },
      { name: 'key-label-unicode', index: i + 1, value: `Key ${i + 1}` },
    ]).flat();
    items.push({ name: 'sntp-addr', value: 'pool.example.net' }, { name: 'display-id-unicode', value: 'Empfang Süd' });
    const {
      jobs: [job],
    } = await core.core.handlers['jobs.create']({ macs: ['00:1A:E8:21:00:01'], kind: 'write-items', items });
    await until(() => jobOf(job!.id).state === 'done', 'write job');

    const writes = store.exchanges
      .list({ limit: 1000 })
      .map((e) => store.exchanges.get(e.id)!)
      .filter((e) => e.action === 'WriteItems');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const w of writes) expect((w.responseXml.match(/<Item /g) ?? []).length).toBeLessThanOrEqual(10);
    expect(phone.value('key-label-unicode', 8)).toBe('Key 8');
    expect(phone.value('display-id-unicode')).toBe('Empfang Süd');
    expect(phone.violations).toEqual([]);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 30_000);

  it('reports per-item results: a read-only item is refused while the rest is applied', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    const phone = phoneAt('127.0.22.1', '00:1A:E8:22:00:01');
    await phone.start();
    await phone.waitForIdle();
    const store = core.core.store;
    // device-type is read-only on the phone; the catalogue refuses it up front, so queue it directly.
    const job = store.jobs.create('00:1A:E8:22:00:01', 'write-items', [
      { name: 'sntp-addr', value: 'ntp.example.org' },
      { name: 'device-type', value: 'OpenStage 80' },
    ]);
    await core.core.handlers['phones.contact']({ macs: ['00:1A:E8:22:00:01'] });
    await until(() => jobOf(job.id).state === 'failed', 'job result');
    const done = jobOf(job.id);
    expect(done.results).toEqual([
      { name: 'sntp-addr', value: 'ntp.example.org', status: 'accepted' },
      { name: 'device-type', value: 'OpenStage 80', status: 'read only' },
    ]);
    expect(done.reason).toContain('device-type: read only');
    expect(phone.value('sntp-addr')).toBe('ntp.example.org');
    expect(store.inventory.get('00:1A:E8:22:00:01', 'sntp-addr')?.value).toBe('ntp.example.org');
  }, 30_000);

  it('refuses values phones cannot take before anything is queued', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    const phone = phoneAt('127.0.22.2', '00:1A:E8:22:00:02');
    await phone.start();
    await phone.waitForIdle();
    const attempt = core.core.handlers['jobs.create']({
      macs: ['00:1A:E8:22:00:02'],
      kind: 'write-items',
      items: [{ name: 'display-id-unicode', value: 'R&D <lab>' }],
    });
    await expect(attempt).rejects.toMatchObject({ statusCode: 400, issues: [{ name: 'display-id-unicode' }] });
    expect(core.core.store.jobs.list()).toEqual([]);
  }, 30_000);

  it('a busy V3R3 phone gets its change after the call through send-solicited', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    const phone = phoneAt('127.0.23.1', '00:1A:E8:23:00:01', { softwareVersion: 'V3 R3.11.0', busy: true });
    await phone.start();
    await phone.waitForIdle();
    const { jobs } = await core.core.handlers['jobs.create']({
      macs: ['00:1A:E8:23:00:01'],
      kind: 'write-items',
      items: [{ name: 'sntp-addr', value: 'busy.example.net' }],
    });
    const id = jobs[0]!.id;
    await until(() => jobOf(id).state === 'waiting-busy', 'busy refusal');
    expect(jobOf(id).reason).toContain('phone in a call');
    const cleanUps = core.core.store.exchanges.list({ limit: 100 }).map((e) => core!.core.store.exchanges.get(e.id)!.responseXml);
    expect(cleanUps.some((xml) => xml.includes('<Item name="send-solicited">true</Item>'))).toBe(true);

    phone.setBusy(false);
    await until(() => jobOf(id).state === 'done', 'write after the call');
    expect(phone.value('sntp-addr')).toBe('busy.example.net');
    expect(phone.violations).toEqual([]);
  }, 30_000);

  it('restart and factory reset round-trip: the jobs finish when the phone comes back', async () => {
    // The core's clock is stepped over the once-a-minute contact-me limit; its timer is off.
    const clock = new TestClock();
    core = await startTestCore(
      { adoption: { adoptAll: true, macs: [], prefixes: [] } },
      { now: clock.now, reachIntervalMs: 24 * 3_600_000 },
    );
    const phone = phoneAt('127.0.24.1', '00:1A:E8:24:00:01', { e164: '4711' });
    await phone.start();
    await phone.waitForIdle();
    const mac = '00:1A:E8:24:00:01';
    const restart = (await core.core.handlers['jobs.create']({ macs: [mac], kind: 'restart', items: [] })).jobs[0]!;
    await until(() => jobOf(restart.id).state === 'done', 'restart');
    expect(phone.stats.restarts).toBe(1);
    expect(jobOf(restart.id).results[0]?.value).toBe('phone came back');

    await phone.waitForIdle();
    const reset = (await core.core.handlers['jobs.create']({ macs: [mac], kind: 'factory-reset', items: [] })).jobs[0]!;
    await core.core.tick();
    expect(jobOf(reset.id)).toMatchObject({ state: 'waiting-for-phone', reason: HELD_BY_CONTACT_LIMIT });
    clock.advance(60_000);
    await core.core.tick();
    await until(() => jobOf(reset.id).state === 'done', 'factory reset');
    expect(phone.stats.factoryResets).toBe(1);
    const sent = core.core.store.exchanges
      .list({ limit: 100 })
      .map((e) => core!.core.store.exchanges.get(e.id)!)
      .find((e) => e.action === 'Restart' && e.responseXml.includes('FactoryReset'));
    // The reset password is a catalogue secret: the stored log never holds it in clear.
    expect(sent?.responseXml).toContain('<Item name="restart-password">******</Item>');
    await until(
      () => core!.core.store.phones.get(mac)?.e164 === null || core!.core.store.phones.get(mac)?.e164 === '',
      'wiped phone reported',
    );
    expect(core.invalidSentMessages()).toEqual([]);
  }, 30_000);

  it('serves an old-firmware phone that closes every connection (cookie carried across connections)', async () => {
    core = await startTestCore();
    const phone = phoneAt('127.0.25.1', '00:1A:E8:25:00:01', { softwareVersion: 'V2 R1.20.0', legacy: true, maxItems: 50 });
    await phone.start();
    await phone.waitForIdle();
    expect(core.core.store.inventory.list('00:1A:E8:25:00:01')).toHaveLength(FIXTURE_ITEMS);
    expect(phone.violations).toEqual([]);
    expect(phone.errors).toEqual([]);
  }, 30_000);

  it('keeps a quarantined phone free of writes until it is adopted', async () => {
    core = await startTestCore();
    const phone = phoneAt('127.0.26.1', '00:1A:E8:26:00:01');
    await phone.start();
    await phone.waitForIdle();
    const mac = '00:1A:E8:26:00:01';
    const { jobs } = await core.core.handlers['jobs.create']({
      macs: [mac],
      kind: 'write-items',
      items: [{ name: 'sntp-addr', value: 'q.example' }],
    });
    await core.core.handlers['phones.contact']({ macs: [mac] });
    await until(() => phone.stats.flows >= 2, 'solicited flow');
    await phone.waitForIdle();
    expect(jobOf(jobs[0]!.id).state).not.toBe('done');
    const actions = core.core.store.exchanges.list({ limit: 100 }).map((e) => e.action);
    expect(actions).not.toContain('WriteItems');

    await core.core.handlers['phones.adopt']({ macs: [mac] });
    phone.contactGapMs = 0;
    await phone.localChange([{ name: 'sntp-addr', value: 'menu.example' }]);
    await until(() => jobOf(jobs[0]!.id).state === 'done', 'write after adoption');
    expect(phone.value('sntp-addr')).toBe('q.example');
  }, 30_000);

  it('merges V2R2+ local changes without reading everything again', async () => {
    core = await startTestCore();
    const phone = phoneAt('127.0.27.1', '00:1A:E8:27:00:01');
    await phone.start();
    await phone.waitForIdle();
    const before = core.core.store.exchanges.list({ limit: 100 }).filter((e) => e.action === 'ReadAllItems').length;
    await phone.localChange([{ name: 'sntp-addr', value: 'changed.example' }]);
    await phone.waitForIdle();
    expect(core.core.store.inventory.get('00:1A:E8:27:00:01', 'sntp-addr')?.value).toBe('changed.example');
    const after = core.core.store.exchanges.list({ limit: 100 }).filter((e) => e.action === 'ReadAllItems').length;
    expect(after).toBe(before);
  }, 30_000);
});
