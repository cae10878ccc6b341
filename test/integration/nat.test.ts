import { afterEach, describe, expect, it } from 'vitest';
import type { WpiItem } from '../../shared/protocol.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { SimPhone } from '../sim/phone.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { hostileMac, itemList, readAllFragment, realStartUp, reason, workpoint } from '../support/hostile-inputs.js';
import { dlsSummary, HostileSession } from '../support/raw-client.js';

/**
 * Phones behind one address (a branch office behind one router) over real sockets: all of them
 * leave from one loopback address. Addresses 127.13.x.x belong to this file.
 */

const FIXTURE_ITEMS = 329;
let core: TestCore | null = null;
let fleet: Fleet | null = null;
const sessions: HostileSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) s.close();
  await fleet?.stopAll();
  fleet = null;
  await core?.stop();
  core = null;
});

function expectAllProvisioned(test: TestCore, phones: Fleet): void {
  for (const phone of phones.phones) {
    expect(phone.violations).toEqual([]);
    expect(phone.errors).toEqual([]);
  }
  const stored = test.core.store.phones.list();
  for (const phone of phones.phones) {
    const record = stored.find((p) => p.mac === phone.mac);
    expect(record?.inventoryComplete, phone.mac).toBe(true);
    expect(test.core.store.inventory.list(phone.mac)).toHaveLength(FIXTURE_ITEMS);
  }
}

describe('phones behind one NAT address', () => {
  it('200 phones with maxItems=10 booting at once from one address all complete their fragmented flows', async () => {
    core = await startTestCore();
    fleet = createFleet({
      count: 200,
      natAddress: '127.13.1.1',
      server: { host: '127.0.0.1', port: core.port },
      maxItems: 10,
      firstMac: 0x130001,
      // 200 TLS handshakes at once on a shared 2-core test machine: the sim's 15 s default per
      // request measures the machine, not the service (speed belongs in `npm run bench`).
      requestTimeoutMs: 60_000,
    });
    await fleet.startAll({ concurrency: 200 });
    await fleet.waitForIdle(120_000);
    expectAllProvisioned(core, fleet);
    expect(new Set(core.core.store.phones.list().map((p) => p.ip))).toEqual(new Set(['127.13.1.1']));
  }, 180_000);

  it('a flooding peer cannot exhaust flow memory or starve the phones: its own flows are dropped', async () => {
    const budget = 8 * 1024 * 1024;
    core = await startTestCore({}, { flowBudgetBytes: budget });
    const test = core;
    fleet = createFleet({
      count: 50,
      natAddress: '127.13.2.1',
      server: { host: '127.0.0.1', port: test.port },
      maxItems: 10,
      firstMac: 0x131001,
    });
    // Each flooding flow opens with a fragmented start-up and buffers ~200k characters per fragment.
    const bulk: WpiItem[] = Array.from({ length: 200 }, (_, i) => ({ name: `flood-${i}`, value: 'x'.repeat(1000) }));
    // Later parts come as reply-to: a mac-less start-up part would open a new collection (§11.5).
    const fragment = (nonce: string, mac: string | null): string =>
      workpoint(
        `nonce="${nonce}" maxItems="-1" fragment="next"`,
        reason(mac ? 'start-up' : 'reply-to') + itemList(mac ? [{ name: 'mac-addr', value: mac }, ...bulk] : bulk),
      );
    let peak = 0;
    const flood = async (): Promise<{ refused: number; continued: number }> => {
      let refused = 0;
      let continued = 0;
      const open: { session: HostileSession; nonce: string }[] = [];
      for (let i = 0; i < 40; i++) {
        const session = new HostileSession(test.port, '127.13.9.9');
        sessions.push(session);
        const nonce = `F100D${String(i).padStart(4, '0')}`;
        const answer = await session.post(fragment(nonce, hostileMac(0x9000 + i)));
        peak = Math.max(peak, test.core.service.flows.bytes);
        expect(answer.ok && dlsSummary(answer.body.toString()).action).toBe('GetNextFragment');
        open.push({ session, nonce });
      }
      // Every flood flow tries to grow further; the dropped ones are told CleanUp.
      for (const { session, nonce } of open) {
        const answer = await session.post(fragment(nonce, null));
        peak = Math.max(peak, test.core.service.flows.bytes);
        const action = answer.ok ? dlsSummary(answer.body.toString()).action : null;
        if (action === 'CleanUp') refused++;
        else if (action === 'GetNextFragment') continued++;
      }
      return { refused, continued };
    };
    const [outcome] = await Promise.all([flood(), fleet.startAll({ concurrency: 50 })]);
    await fleet.waitForIdle(120_000);

    expect(peak).toBeLessThanOrEqual(budget);
    expect(outcome.refused).toBeGreaterThan(0);
    expect(outcome.refused + outcome.continued).toBe(40);
    expectAllProvisioned(test, fleet);
  }, 180_000);
});

describe('a cookie-less reply behind NAT', () => {
  it('is not handed another phone’s flow from the same address', async () => {
    core = await startTestCore();
    const a = new HostileSession(core.port, '127.13.3.1');
    const b = new HostileSession(core.port, '127.13.3.1');
    sessions.push(a, b);
    const macA = hostileMac(0x3001);
    const macB = hostileMac(0x3002);
    // Both phones are new: each start-up is answered with ReadAllItems.
    for (const [session, mac, nonce] of [
      [a, macA, 'AAAA0001'],
      [b, macB, 'BBBB0001'],
    ] as const) {
      const answer = await session.post(realStartUp(nonce, mac));
      expect(answer.ok && dlsSummary(answer.body.toString()).action).toBe('ReadAllItems');
    }
    // Phone A answers without its cookie and without mac-addr, under B's nonce: ambiguous → no flow.
    const stray = new HostileSession(core.port, '127.13.3.1');
    sessions.push(stray);
    const answer = await stray.post(readAllFragment('CCCC0001', 'final', [{ name: 'e164', value: '4930111' }]));
    expect(answer.ok && dlsSummary(answer.body.toString()).action).toBe('CleanUp');
    const { store } = core.core;
    const e164Of = (mac: string): string | undefined => store.inventory.list(mac).find((i) => i.name === 'e164')?.value;
    expect(core.core.service.flows.forMac(macA)).not.toBeNull();
    expect(core.core.service.flows.forMac(macB)).not.toBeNull();
    expect([e164Of(macA), e164Of(macB)]).not.toContain('4930111');

    // With B's nonce the cookie-less reply is unambiguous: it completes B's flow, not A's.
    const replyB = await stray.post(readAllFragment('BBBB0001', 'final', [{ name: 'e164', value: '4930222' }]));
    expect(replyB.ok && dlsSummary(replyB.body.toString()).action).toBe('CleanUp');
    expect(e164Of(macB)).toBe('4930222');
    expect(store.phones.get(macB)?.inventoryComplete).toBe(true);
    expect(store.phones.get(macA)?.inventoryComplete).toBe(false);
    expect(core.core.service.flows.forMac(macA)).not.toBeNull();
  }, 60_000);
});

describe('a flow that idled out', () => {
  it('gets its running job re-queued even when the phone answers late on the expired session', async () => {
    let clock = Date.parse('2026-03-01T08:00:00Z');
    core = await startTestCore({}, { now: () => clock, reachIntervalMs: 3_600_000 });
    const phone = new SimPhone({
      mac: '00:1A:E8:13:04:01',
      ip: '127.13.4.1',
      server: { host: '127.0.0.1', port: core.port },
      contactMePort: 0,
    });
    await phone.start();
    await phone.waitForIdle();
    await phone.stop();
    const {
      jobs: [job],
    } = await core.core.handlers['jobs.create']({ macs: [phone.mac], kind: 'read-items', items: [{ name: 'e164', value: '' }] });
    if (!job) throw new Error('no job');

    const session = new HostileSession(core.port, '127.13.4.1');
    sessions.push(session);
    const first = await session.post(realStartUp('DDDD0001', phone.mac));
    expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadItems');
    expect(core.core.store.jobs.get(job.id)?.state).toBe('running');

    clock += 10 * 60_000;
    const late = await session.post(readAllFragment('DDDD0001', 'final', [{ name: 'e164', value: '1' }]));
    expect(late.ok && dlsSummary(late.body.toString()).action).toBe('CleanUp');
    core.core.service.expireFlows();
    // Re-queued: runnable again at the phone's next contact.
    expect(core.core.store.jobs.get(job.id)).toMatchObject({
      state: 'waiting-for-phone',
      reason: expect.stringMatching(/stopped answering/),
    });
  }, 60_000);
});
