import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_RETRY_MS, FLOW_IDLE_TIMEOUT_MS } from '../../electron/core/provisioning/service.js';
import { HELD_BY_CONTACT_LIMIT } from '../../electron/core/reach/reacher.js';
import type { SettingsData } from '../../electron/core/settings/settings.js';
import type { ActionAnswer } from '../sim/flow.js';
import { SimPhone, type SimPhoneOptions } from '../sim/phone.js';
import type { DlsMessage } from '../sim/wire.js';
import { TestClock } from '../support/clock.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Phones that misbehave the way real ones do: power lost between receiving WriteItems and
 * answering, contact-me ignored (contact gap), a call that does not end. Every job must end up in
 * a state that says what is going on, and finish once the phone is back. Subnets 127.0.48–49.
 * The core runs on an injected clock with its timer off: each test steps the clock past a
 * back-off or timeout and runs the reacher's pass itself (`core.tick()`).
 */

/**
 * A phone that can lose power right after receiving a WriteItems, before applying or answering
 * it. The hook sits on the simulator's private action handler, wrapped from this subclass.
 */
class PowerCutPhone extends SimPhone {
  /** Set to cut the power at the next WriteItems. */
  cutOnNextWrite = false;
  /** The WriteItems messages that never got an answer. */
  readonly unanswered: DlsMessage[] = [];

  constructor(options: SimPhoneOptions) {
    super(options);
    const self = this as unknown as { handle(message: DlsMessage): Promise<ActionAnswer> };
    const handle = self.handle.bind(this);
    self.handle = async (message) => {
      if (message.action !== 'WriteItems' || !this.cutOnNextWrite) return handle(message);
      this.cutOnNextWrite = false;
      this.unanswered.push(message);
      // Nothing applied, nothing answered: the connection just drops.
      return { disconnect: true };
    };
  }
}

let core: TestCore | null = null;
const phones = new TestPhones();
let clock = new TestClock();
/** The core's own timer: off, so that only `core.tick()` passes run. */
const TIMER_OFF_MS = 24 * 3_600_000;

afterEach(async () => {
  await phones.stopAll();
  await core?.stop();
  core = null;
});

async function startCore(settings: Partial<SettingsData>): Promise<TestCore> {
  clock = new TestClock();
  core = await startTestCore(
    {
      adoption: { adoptAll: true, macs: [], prefixes: [] },
      contactMe: { minIntervalMs: 60_000, callbackTimeoutMs: 120_000, maxAttempts: 3 },
      ...settings,
    },
    { now: clock.now, reachIntervalMs: TIMER_OFF_MS },
  );
  return core;
}

function job(id: string) {
  const found = core?.core.store.jobs.get(id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

async function writeJob(mac: string, value: string): Promise<string> {
  if (!core) throw new Error('core not started');
  const { jobs } = await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sntp-addr', value }] });
  return (jobs[0] as { id: string }).id;
}

/** A human reason: a sentence, not a code, an id or "undefined". */
function expectHumanReason(reason: string | null, pattern: RegExp): void {
  expect(reason).toMatch(pattern);
  expect(reason).not.toMatch(/undefined|null|\[object/);
  expect((reason ?? '').split(' ').length).toBeGreaterThanOrEqual(4);
}

describe('phone faults', () => {
  it('power lost after WriteItems: the job waits with a reason while the phone is off, and is done once it is back', async () => {
    await startCore({});
    const mac = '00:1A:E8:48:00:01';
    const phone = phones.at(core, '127.0.48.1', mac, {}, (o) => new PowerCutPhone(o));
    await phone.start();
    await phone.waitForIdle();
    const before = phone.value('sntp-addr');

    phone.cutOnNextWrite = true;
    const cut = phone.nextFlowEnd();
    const id = await writeJob(mac, 'after-the-outage.example.net');
    const end = await cut;
    expect(end).toMatchObject({ reason: 'solicited', outcome: 'disconnected' });
    expect(phone.unanswered).toHaveLength(1);
    // Sent, unanswered: the job is running; the phone has not applied anything.
    expect(job(id)).toMatchObject({ state: 'running', attempts: 1 });
    expect(phone.value('sntp-addr')).toBe(before);
    await phone.stop();

    // The phone stays off past the idle timeout: the interaction is dropped, the job waits again.
    // (Only the expiry step of a pass: its contact-me to the phone that is off would replace the reason.)
    clock.advance(FLOW_IDLE_TIMEOUT_MS - 1);
    core!.core.service.expireFlows();
    expect(job(id).state).toBe('running');
    clock.advance(1_001);
    core!.core.service.expireFlows();
    expect(job(id).state).toBe('waiting-for-phone');
    expectHumanReason(job(id).reason, /stopped answering mid-interaction/);
    expect(core!.core.service.flows.forMac(mac)).toBeNull();

    // Power is back: the start-up brings the job along, and it is done.
    await phone.start();
    await until(() => job(id).state === 'done', 'job done after the phone came back');
    expect(job(id)).toMatchObject({ state: 'done', attempts: 2, reason: null });
    expect(job(id).results).toEqual([{ name: 'sntp-addr', value: 'after-the-outage.example.net', status: 'accepted' }]);
    expect(phone.value('sntp-addr')).toBe('after-the-outage.example.net');
    expect(core!.core.store.inventory.get(mac, 'sntp-addr')?.value).toBe('after-the-outage.example.net');
    expect(phone.violations).toEqual([]);
    expect(core!.invalidSentMessages()).toEqual([]);
  }, 30_000);

  it('power lost after WriteItems and back at once: the new start-up re-queues the job and finishes it', async () => {
    await startCore({});
    const mac = '00:1A:E8:48:00:02';
    const phone = phones.at(core, '127.0.48.2', mac, {}, (o) => new PowerCutPhone(o));
    await phone.start();
    await phone.waitForIdle();

    phone.cutOnNextWrite = true;
    const cut = phone.nextFlowEnd();
    const id = await writeJob(mac, 'quick-reboot.example.net');
    expect((await cut).outcome).toBe('disconnected');
    expect(job(id).state).toBe('running');
    // Reboot well inside the idle timeout: the open interaction is abandoned by the new start-up.
    await phone.stop();
    await phone.start();
    await until(() => job(id).state === 'done', 'job done after the reboot');
    expect(job(id)).toMatchObject({ attempts: 2, reason: null });
    expect(phone.value('sntp-addr')).toBe('quick-reboot.example.net');
    expect(core!.core.service.flows.size).toBe(0);
    expect(phone.violations).toEqual([]);
  }, 30_000);

  it('a phone that ignores contact-me: the job waits for the phone with a reason, without flooding it', async () => {
    await startCore({});
    const mac = '00:1A:E8:48:00:03';
    // Contact gap of an hour: the first contact-me is honoured, every later one ignored.
    const phone = phones.at(core, '127.0.48.3', mac, { contactGapMs: 3_600_000 });
    await phone.start();
    await phone.waitForIdle();

    const first = await writeJob(mac, 'first.example.net');
    await until(() => job(first).state === 'done', 'first job (contact-me honoured)');
    await phone.waitForIdle();
    expect(phone.stats.contactMeReceived).toBe(1);
    expect(phone.stats.contactMeIgnored).toBe(0);

    clock.advance(60_000);
    const second = await writeJob(mac, 'second.example.net');
    // The pass the new job started has sent the first contact-me for it; the phone ignores it.
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(2);
    expect(job(second)).toMatchObject({ state: 'waiting-for-phone', nextContactAt: clock.t + 60_000 });
    // A pass within the minute sends nothing and says why and until when.
    clock.advance(59_999);
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(2);
    expect(job(second)).toMatchObject({ reason: HELD_BY_CONTACT_LIMIT, nextContactAt: clock.t + 1 });
    // maxAttempts 3 with back-off: the next ones after 60 s and 120 s more, then the reacher gives up.
    clock.advance(1);
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(3);
    clock.advance(119_999);
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(3);
    clock.advance(1);
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(4);
    await core!.core.tick();
    expect(job(second).reason).toMatch(/no callback after 3 contact-me requests/);
    expect(job(second)).toMatchObject({ state: 'waiting-for-phone', nextContactAt: null });
    expectHumanReason(job(second).reason, /the job runs at the phone's next contact or poll/);
    expect(phone.stats.contactMeIgnored).toBe(3);
    // Given up means given up: no more contact-mes, even a day later.
    clock.advance(24 * 3_600_000);
    await core!.core.tick();
    expect(phone.stats.contactMeReceived).toBe(4);
    expect(phone.value('sntp-addr')).toBe('first.example.net');

    // The phone calls in on its own (a reboot): the waiting job is done at once.
    await phone.boot();
    expect(job(second)).toMatchObject({ state: 'done', reason: null });
    expect(phone.value('sntp-addr')).toBe('second.example.net');
    expect(phone.violations).toEqual([]);
  }, 40_000);

  it('a phone that stays in a call: the job waits busy with a reason, is retried after the back-off, and is done after the call', async () => {
    await startCore({});
    const mac = '00:1A:E8:48:00:04';
    // V3R1 does not honour send-solicited: only the service's retries can bring the job through.
    const phone = phones.at(core, '127.0.48.4', mac, { busy: true, contactGapMs: 0, softwareVersion: 'V3 R1.41.1' });
    await phone.start();
    await phone.waitForIdle();

    const id = await writeJob(mac, 'after-the-call.example.net');
    await until(() => job(id).state === 'waiting-busy', 'busy refusal');
    expectHumanReason(job(id).reason, /phone in a call/);
    expect(job(id).attempts).toBe(1);
    const flows = phone.stats.flows;
    // Backed off: a pass just before the busy retry interval ends sends nothing.
    clock.advance(BUSY_RETRY_MS - 1);
    await core!.core.tick();
    expect(phone.stats.flows).toBe(flows);
    expect(phone.stats.contactMeReceived).toBe(1);
    expect(job(id).state).toBe('waiting-busy');

    // After the back-off the service tries again; the phone is still in the call.
    clock.advance(1);
    await core!.core.tick();
    await until(() => job(id).attempts === 2 && job(id).state === 'waiting-busy', 'second busy refusal');
    expectHumanReason(job(id).reason, /phone in a call/);
    expect(phone.value('sntp-addr')).not.toBe('after-the-call.example.net');

    // The call ends; at the next retry the write goes through.
    phone.setBusy(false);
    clock.advance(BUSY_RETRY_MS);
    await core!.core.tick();
    await until(() => job(id).state === 'done', 'job done after the call');
    expect(job(id)).toMatchObject({ attempts: 3, reason: null });
    expect(phone.value('sntp-addr')).toBe('after-the-call.example.net');
    // No CleanUp offered send-solicited to this firmware, and the phone saw no protocol breach.
    const sent = core!.core.store.exchanges.list({ limit: 100 }).map((e) => core!.core.store.exchanges.get(e.id)?.responseXml ?? '');
    expect(sent.some((xml) => xml.includes('send-solicited'))).toBe(false);
    expect(phone.violations).toEqual([]);
    expect(core!.invalidSentMessages()).toEqual([]);
  }, 40_000);
});
