import { afterEach, describe, expect, it } from 'vitest';
import { PHONES_PAGE_MAX } from '../../shared/api.js';
import { dispatch } from '../../electron/core/api/dispatch.js';
import { MAX_JOB_ITEMS_PER_CALL } from '../../electron/core/limits/call-work.js';
import { MAX_IDENTITY_CHARS } from '../../electron/core/limits/phone-input.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { hostileMac, manyItems, readAllFragment, realStartUp, startUpWithE164, startUpWithJunk } from '../support/hostile-inputs.js';
import { dlsSummary, HostileSession } from '../support/raw-client.js';
import { until } from '../support/wait.js';

/**
 * Bounded storage: nothing a phone or a caller sends can break the app for good. Real cores,
 * real TLS on loopback; subnets 127.0.60–63 belong to this file.
 */

async function post(port: number, address: string, body: string): Promise<{ status: number; action: string | null }> {
  const session = new HostileSession(port, address);
  try {
    const outcome = await session.post(body);
    if (!outcome.ok) throw new Error(`no answer: ${outcome.error}`);
    return { status: outcome.status, action: dlsSummary(outcome.body.toString()).action };
  } finally {
    session.close();
  }
}

async function allPhones(core: TestCore) {
  const phones = [];
  for (;;) {
    const afterMac = phones.at(-1)?.mac;
    const page = await dispatch(core.core.handlers, 'phones.list', afterMac ? { afterMac } : {});
    phones.push(...(page as { mac: string; e164: string | null; model: string | null }[]));
    if ((page as unknown[]).length < PHONES_PAGE_MAX) return phones;
  }
}

let core: TestCore | null = null;
afterEach(async () => {
  await core?.stop();
  core = null;
});

describe('what a phone sends is stored within bounds', () => {
  it(
    'refuses a 980 KB e164 from 60 start-ups, keeps the rest, and phones.list stays small, also after a restart',
    { timeout: 120_000 },
    async () => {
      core = await startTestCore();
      const huge = '4'.repeat(980_000);
      for (let i = 0; i < 60; i++) {
        const answer = await post(
          core.port,
          `127.0.60.${i + 1}`,
          startUpWithE164(`E164${String(i).padStart(12, '0')}`, hostileMac(0x6000 + i), huge),
        );
        expect(answer.status).toBe(200);
      }
      const check = async (running: TestCore): Promise<void> => {
        const phones = await allPhones(running);
        expect(phones).toHaveLength(60);
        for (const phone of phones) {
          // The refused value is not stored; what came with it is.
          expect(phone.e164).toBeNull();
          expect(phone.model).toBe('OpenStage 60');
        }
        expect(JSON.stringify(phones).length).toBeLessThan(60 * (2_000 + 5 * MAX_IDENTITY_CHARS));
        expect(running.core.store.inventory.get(hostileMac(0x6000), 'e164')).toBeUndefined();
        expect(running.core.store.inventory.get(hostileMac(0x6000), 'mac-addr')?.value).toBe(hostileMac(0x6000));
      };
      await check(core);
      expect(core.logs.some((line) => line.startsWith('warn:') && line.includes('e164 (980000 > '))).toBe(true);
      await core.stop({ keepData: true });
      core = await startTestCore({}, {}, core.dataDir);
      await check(core);
    },
  );

  it('keeps the protocol log within its byte budget, dropping the oldest exchanges first', async () => {
    core = await startTestCore({ exchangeRetention: { perPhone: 500, total: 100_000, maxMegabytes: 1 } });
    for (let i = 0; i < 30; i++) {
      expect(
        (await post(core.port, `127.0.61.${i + 1}`, startUpWithJunk(`JUNK${String(i).padStart(12, '0')}`, hostileMac(0x6100 + i), 200_000)))
          .status,
      ).toBe(200);
    }
    const logged = core.core.store.exchanges.list({ limit: 100_000 }).map((e) => core!.core.store.exchanges.get(e.id));
    const bytes = logged.reduce((sum, e) => sum + Buffer.byteLength(e?.requestXml ?? '') + Buffer.byteLength(e?.responseXml ?? ''), 0);
    // The budget plus what may be appended between two prunes (an eighth of it) plus one exchange.
    expect(bytes).toBeLessThanOrEqual(1024 * 1024 * (1 + 1 / 8) + 260_000);
    expect(logged.length).toBeGreaterThan(0);
    // The newest exchange is always kept; the oldest went first.
    expect(logged[0]?.mac).toBe(hostileMac(0x6100 + 29));
    expect(logged.some((e) => e?.mac === hostileMac(0x6100))).toBe(false);
  });
});

describe('quarantined phones are bounded and expire', () => {
  it(
    'keeps at most quarantine.maxPhones never-adopted phones and forgets them expireDays after their last contact',
    { timeout: 60_000 },
    async () => {
      let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
      core = await startTestCore({ quarantine: { maxPhones: 3, expireDays: 2 } }, { now: () => clock });
      const adopted = hostileMac(0x6200);
      expect((await post(core.port, '127.0.62.1', realStartUp('QUAR000000000000', adopted))).status).toBe(200);
      await dispatch(core.core.handlers, 'phones.adopt', { macs: [adopted] });
      for (let i = 1; i <= 6; i++) {
        clock += 60_000;
        expect(
          (await post(core.port, `127.0.62.${i + 1}`, realStartUp(`QUAR${String(i).padStart(12, '0')}`, hostileMac(0x6200 + i)))).status,
        ).toBe(200);
      }
      const store = core.core.store;
      await until(() => store.phones.list().length === 4, 'quarantine trimmed to 3 phones plus the adopted one');
      // The least recently seen went first; the adopted phone is never trimmed.
      expect(store.phones.list().map((p) => p.mac)).toEqual([adopted, hostileMac(0x6204), hostileMac(0x6205), hostileMac(0x6206)]);
      expect(store.exchanges.list({ mac: hostileMac(0x6201) })).toEqual([]);

      clock += 2 * 86_400_000 + 1;
      await until(() => store.phones.list().length === 1, 'expired quarantined phones forgotten');
      expect(store.phones.list().map((p) => p.mac)).toEqual([adopted]);
    },
  );
});

describe('a technician can forget any phone', () => {
  it('phones.forget removes the phone, its inventory, jobs, protocol log and open interaction', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    const mac = hostileMac(0x6300);
    const session = new HostileSession(core.port, '127.0.63.1');
    try {
      const first = await session.post(realStartUp('FORGET0000000001', mac));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadAllItems');
      const store = core.core.store;
      const stored = await session.post(readAllFragment('FORGET0000000001', 'next', manyItems(20)));
      expect(stored.ok && dlsSummary(stored.body.toString()).action).toBe('GetNextFragment');
      await dispatch(core.core.handlers, 'jobs.create', { macs: [mac], kind: 'restart' });
      expect(core.core.service.flows.forMac(mac)).not.toBeNull();

      expect(await dispatch(core.core.handlers, 'phones.forget', { macs: [mac] })).toEqual({ forgotten: 1 });
      expect(store.phones.get(mac)).toBeUndefined();
      expect(store.inventory.count(mac)).toBe(0);
      expect(store.jobs.listForPhone(mac)).toEqual([]);
      expect(store.exchanges.list({ mac })).toEqual([]);
      expect(core.core.service.flows.forMac(mac)).toBeNull();
      await expect(dispatch(core.core.handlers, 'phones.get', { mac })).rejects.toMatchObject({ statusCode: 404 });

      // The rest of the old interaction is refused politely; the phone calling again is new.
      const late = await session.post(readAllFragment('FORGET0000000001', 'final', manyItems(5, 'late')));
      expect(late.ok && late.status).toBe(200);
      const again = await session.post(realStartUp('FORGET0000000002', mac));
      expect(again.ok && dlsSummary(again.body.toString()).action).toBe('ReadAllItems');
      expect(store.phones.get(mac)?.firstContact).toBeGreaterThan(0);
    } finally {
      session.close();
    }
  });
});

describe('one API call does bounded work', () => {
  it(
    `refuses jobs.create for 10,000 phones × 5,000 items at once (over ${MAX_JOB_ITEMS_PER_CALL} job items) and stores nothing`,
    { timeout: 30_000 },
    async () => {
      core = await startTestCore();
      const store = core.core.store;
      const macs = Array.from(
        { length: 10_000 },
        (_, i) => `00:1A:E8:${[16, 8, 0].map((s) => ((i >> s) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':')}`,
      );
      store.transaction(() => {
        for (const mac of macs)
          store.phones.upsertContact({ mac, ip: '127.0.63.200', maxItems: -1, lastReason: 'start-up', at: 1 }, 'adopted');
      });
      const items = Array.from({ length: 5_000 }, (_, i) => ({ name: 'sntp-addr', index: i, value: `127.0.0.${(i % 250) + 1}` }));
      const call = dispatch(core.core.handlers, 'jobs.create', { macs, kind: 'write-items', items });
      await expect(call).rejects.toMatchObject({ statusCode: 413, message: expect.stringContaining('split it into smaller calls') });
      expect(store.jobs.list({ limit: 10 })).toEqual([]);

      // Every list call is paged: 10,000 phones come in pages of at most PHONES_PAGE_MAX.
      const first = (await dispatch(core.core.handlers, 'phones.list', {})) as unknown[];
      expect(first).toHaveLength(PHONES_PAGE_MAX);
      expect(await allPhones(core)).toHaveLength(10_000);
    },
  );
});
