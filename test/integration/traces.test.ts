import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/api/dispatch.js';
import { BUSY_RETRY_MS } from '../../electron/core/provisioning/service.js';
import type { ApiMethod, ApiReq, ApiRes } from '../../shared/api.js';
import { ASSUMED_TRACE_COMPONENTS, DEFAULT_TRACE_MINUTES, presetLevels, TRACE_LEVEL_INDEXES } from '../../shared/traces.js';
import { loadFixtureItems } from '../sim/items.js';
import type { SimPhone } from '../sim/phone.js';
import { TestClock } from '../support/clock.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Tracing over WPI (issue 10) against simulated phones over real sockets: levels raised, the
 * originals kept and written back when the time runs out, also across a restart of the core.
 * Subnets 127.0.110–119 belong to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
const MINUTE = 60_000;
const SIP_SIGNALLING = ASSUMED_TRACE_COMPONENTS.indexOf('SIP signalling');
const SIP_MESSAGES = ASSUMED_TRACE_COMPONENTS.indexOf('SIP messages');
const DEBUG = '6';

let clock = new TestClock();
/** The core's timer off: the test steps the clock and runs the reach pass itself (`core.tick()`). */
const clocked = (start = Date.now()) => {
  clock = new TestClock(start);
  return { now: clock.now, reachIntervalMs: 24 * 3_600_000 };
};

let core: TestCore | null = null;
const phones = new TestPhones();

afterEach(async () => {
  await phones.stopAll();
  await core?.stop();
  core = null;
});

const running = (): TestCore => {
  if (!core) throw new Error('core not started');
  return core;
};
/** Through the API's validation (defaults filled in), as the UI calls it. */
const api = async <M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> =>
  (await dispatch(running().core.handlers, method, req)) as ApiRes<M>;
const stateOf = (id: string): string | undefined => running().core.store.jobs.get(id)?.state;
const tracingOf = async (mac: string) => (await running().core.handlers['phones.get']({ mac })).tracing;
const levelsOf = (phone: SimPhone): string[] => TRACE_LEVEL_INDEXES.map((i) => phone.value('trace-level', i) ?? '0');

/** A phone whose SIP signalling was already at level 2 before Fieldstage came. */
const withOwnLevel = () => [...loadFixtureItems(), { name: 'trace-level', index: SIP_SIGNALLING, value: '2' }];

async function startPhones(count: number, subnet: number): Promise<SimPhone[]> {
  const started = Array.from({ length: count }, (_, i) =>
    phones.at(core, `127.0.${subnet}.${i + 1}`, `00:1A:E8:${subnet.toString(16).toUpperCase()}:00:0${i + 1}`, {
      contactGapMs: 0,
      ...(i === 0 ? { items: withOwnLevel() } : {}),
      // The 42 levels are read and written in parts by a phone that takes few items per message.
      ...(i === 1 ? { maxItems: 10 } : {}),
    }),
  );
  for (const phone of started) await phone.start();
  await Promise.all(started.map((p) => p.waitForIdle()));
  return started;
}

describe('tracing', () => {
  it('raises a preset on 5 phones, shows it, and restores the original levels when the time runs out', async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const sims = await startPhones(5, 110);
    const before = sims.map(levelsOf);
    const startedAt = clock.t;
    const { jobs, needsReboot } = await api('traces.start', { macs: sims.map((p) => p.mac), preset: 'sip' });
    expect(needsReboot).toBe(true);
    expect(jobs.map((j) => j.kind)).toEqual(Array(5).fill('trace-start'));
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'trace-start on 5 phones');

    for (const phone of sims) {
      expect(phone.value('trace-level', SIP_SIGNALLING)).toBe(DEBUG);
      expect(phone.value('trace-level', SIP_MESSAGES)).toBe(DEBUG);
      expect(phone.violations).toEqual([]);
      const tracing = await tracingOf(phone.mac);
      expect(tracing).toMatchObject({ state: 'on', until: startedAt + DEFAULT_TRACE_MINUTES * MINUTE });
    }
    expect(core.core.store.traces.get(sims[0]!.mac)?.originals).toContainEqual({ name: 'trace-level', index: SIP_SIGNALLING, value: '2' });

    // A minute early nothing happens.
    clock.advance((DEFAULT_TRACE_MINUTES - 1) * MINUTE);
    await core.core.tick();
    expect(core.core.store.jobs.list({ states: ['queued', 'waiting-for-phone', 'running'] })).toEqual([]);

    clock.advance(MINUTE);
    await core.core.tick();
    const restores = core.core.store.jobs.list().filter((j) => j.kind === 'trace-stop');
    expect(restores).toHaveLength(5);
    await until(() => restores.every((j) => stateOf(j.id) === 'done'), 'restores on 5 phones');
    expect(sims.map(levelsOf)).toEqual(before);
    expect(sims[0]!.value('trace-level', SIP_SIGNALLING)).toBe('2');
    for (const phone of sims) expect(await tracingOf(phone.mac)).toBeNull();
    await core.core.tick();
    expect(core.core.store.traces.all()).toEqual([]);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 60_000);

  it('restores the levels after a restart of the app on the same data folder', async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const [phone] = await startPhones(1, 111);
    const mac = phone!.mac;
    const { jobs } = await api('traces.start', { macs: [mac], preset: 'calls', minutes: 10 });
    await until(() => stateOf(jobs[0]!.id) === 'done', 'trace-start');
    expect(phone!.value('trace-level', SIP_SIGNALLING)).toBe('5');

    const dataDir = core.dataDir;
    await core.stop({ keepData: true });
    // The app was closed for longer than the tracing time.
    core = await startTestCore({}, clocked(clock.t + 11 * MINUTE), dataDir);
    await core.core.tick();
    const restore = core.core.store.jobs.list().find((j) => j.kind === 'trace-stop');
    expect(restore).toBeDefined();
    await until(() => stateOf(restore!.id) === 'done', 'restore after restart');
    expect(phone!.value('trace-level', SIP_SIGNALLING)).toBe('2');
    expect(levelsOf(phone!).filter((v) => v !== '0')).toEqual(['2']);
    expect(await tracingOf(mac)).toBeNull();
  }, 60_000);

  it('a second start keeps the first originals; Stop tracing writes them back at once, waiting out a call', async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const [phone] = await startPhones(1, 112);
    const mac = phone!.mac;
    const first = await api('traces.start', { macs: [mac], preset: 'sip' });
    await until(() => stateOf(first.jobs[0]!.id) === 'done', 'first start');
    clock.advance(MINUTE);
    const second = await api('traces.start', { macs: [mac], preset: 'everything', minutes: 60 });
    expect(second.needsReboot).toBe(true);
    await until(() => stateOf(second.jobs[0]!.id) === 'done', 'second start');
    expect(levelsOf(phone!)).toEqual(Array(TRACE_LEVEL_INDEXES.length).fill(DEBUG));
    expect(await tracingOf(mac)).toMatchObject({ state: 'on', until: clock.t + 60 * MINUTE, levels: presetLevels('everything') });

    phone!.setBusy(true);
    clock.advance(MINUTE);
    const { jobs, notTracing } = await api('traces.stop', { macs: [mac] });
    expect(notTracing).toEqual([]);
    await until(() => stateOf(jobs[0]!.id) === 'waiting-busy', 'restore refused in a call');
    expect(await tracingOf(mac)).toMatchObject({ state: 'stopping' });
    phone!.setBusy(false);
    clock.advance(BUSY_RETRY_MS);
    await core.core.tick();
    await until(() => stateOf(jobs[0]!.id) === 'done', 'restore after the call');
    expect(levelsOf(phone!).filter((v) => v !== '0')).toEqual(['2']);
    expect(await api('traces.stop', { macs: [mac] })).toEqual({ jobs: [], notTracing: [mac] });
  }, 60_000);

  it('stopping before the phone was reached cancels the start; trace jobs are not made by jobs.create', async () => {
    core = await startTestCore(ADOPT_ALL, clocked());
    const [phone] = await startPhones(1, 113);
    const mac = phone!.mac;
    await phone!.stop();
    const { jobs } = await api('traces.start', { macs: [mac], levels: [{ index: 3, value: '4' }] });
    expect(await tracingOf(mac)).toMatchObject({ state: 'starting' });
    const stopped = await api('traces.stop', { macs: [mac] });
    expect(stopped.jobs).toEqual([]);
    expect(stateOf(jobs[0]!.id)).toBe('cancelled');
    expect(await tracingOf(mac)).toBeNull();

    await expect(api('jobs.create', { macs: [mac], kind: 'trace-start', items: [] })).rejects.toThrow(/traces\.start/);
    await expect(api('traces.start', { macs: [mac] })).rejects.toThrow(/preset or explicit levels/);
    await expect(api('traces.start', { macs: ['00:1A:E8:11:39:99'], preset: 'sip' })).rejects.toThrow(/no phone/);
  }, 30_000);
});
