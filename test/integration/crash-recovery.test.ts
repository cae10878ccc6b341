import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { WpiItem } from '../../shared/protocol.js';
import type { FlowOutcome } from '../sim/flow.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import type { SimPhone } from '../sim/phone.js';
import { freePort, openStore, startCoreProcess, type CoreProcess } from '../support/core-process.js';

/**
 * Power cut in the middle of a burst: the core runs in a child process, 200 phones reboot at
 * once with 50 write jobs pending, and the core is killed with SIGKILL while they are being
 * served. After a restart on the same data folder and port the phones retry their start-up.
 * Subnets 127.0.50–59 belong to this file.
 */

const FLEET_SIZE = 200;
/** Every 4th phone gets a write job: 50 jobs. */
const hasJob = (i: number): boolean => i % 4 === 0;
/**
 * A job's items: sntp-addr and 60 key labels. Phones with a job take 20 items per message, so
 * the write takes 4 WriteItems and a good part of their flow: the kill catches several mid-job.
 */
const jobItems = (i: number): WpiItem[] => [
  { name: 'sntp-addr', value: `crash-${i}.example.net` },
  ...Array.from({ length: 60 }, (_, k) => ({ name: 'key-label-unicode', index: k + 1, value: `crash ${i} key ${k + 1}` })),
];
const JOB_MAX_ITEMS = 20;
/** The core is killed once this many jobs are running (WriteItems out, answer pending)… */
const KILL_WHEN_RUNNING = 5;
/** …or, should that never happen, once this many phones got their CleanUp in the burst. */
const KILL_AFTER_CLEANUPS = 195;
const MAX_RETRY_ROUNDS = 6;

let proc: CoreProcess | null = null;
let fleet: Fleet | null = null;
let dataDir: string | null = null;

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  await proc?.stop();
  proc = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

describe('crash recovery', () => {
  it('kill -9 mid-burst: nothing acknowledged is lost, every queued job runs exactly once', async () => {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'fieldstage-crash-'));
    dataDir = dir;
    const port = await freePort();
    proc = await startCoreProcess({ dataDir: dir, port });

    // Phase 1: the fleet boots once, so every phone is known.
    const phones = createFleet({
      count: FLEET_SIZE,
      server: { host: '127.0.0.1', port },
      firstSubnet: 50,
      firstMac: 0x500001,
      contactMePort: 0,
      perPhone: (i) => (hasJob(i) ? { maxItems: JOB_MAX_ITEMS } : {}),
    });
    fleet = phones;
    await phones.startAll({ concurrency: FLEET_SIZE });
    await phones.waitForIdle(60_000);
    await proc.stop();
    const phase1 = Date.now() - started;

    // Between runs: queue 50 write jobs and mark every inventory stale, so each reboot reads all.
    const macs = phones.phones.map((p) => p.mac);
    const jobIds = new Map<number, string>();
    {
      const store = openStore(dir);
      try {
        expect(store.phones.list()).toHaveLength(FLEET_SIZE);
        store.transaction(() => {
          macs.forEach((mac, i) => {
            store.phones.markInventoryComplete(mac, false);
            if (hasJob(i)) jobIds.set(i, store.jobs.create(mac, 'write-items', jobItems(i)).id);
          });
        });
      } finally {
        store.close();
      }
    }
    expect(jobIds.size).toBe(50);

    // Phase 2: the core comes up, all phones reboot at once, and the core dies mid-burst.
    proc = await startCoreProcess({ dataDir: dir, port });
    const running = proc;
    const last = new Map<number, FlowOutcome>();
    const acked = new Set<number>();
    let killed = false;
    let killing: Promise<void> | null = null;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      killing = running.kill9();
    };
    phones.phones.forEach((phone, i) => {
      phone.on('flow-end', (end) => {
        last.set(i, end.outcome);
        if (end.outcome !== 'clean-up' || killed) return;
        // The CleanUp ended a flow with ReadAllItems (inventory stale) and the job, if any.
        acked.add(i);
        if (acked.size >= KILL_AFTER_CLEANUPS) kill();
      });
    });
    // A reader on the live database (WAL lets it look while the core writes) picks the moment.
    const watcher = new Database(join(dir, 'fieldstage.db'), { readonly: true, fileMustExist: true });
    const runningJobs = watcher.prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE state = 'running'");
    let samples = 0;
    let maxSeen = 0;
    const watch = setInterval(() => {
      try {
        const n = runningJobs.get()?.n ?? 0;
        samples++;
        maxSeen = Math.max(maxSeen, n);
        if (n >= KILL_WHEN_RUNNING) kill();
      } catch {
        // busy for a moment: look again at the next tick
      }
    }, 2);
    try {
      await Promise.all(phones.phones.map((p) => p.boot()));
    } finally {
      clearInterval(watch);
      watcher.close();
    }
    await killing;
    expect(killed).toBe(true);
    const exit = await running.exited;
    expect(exit.signal).toBe('SIGKILL');
    const interrupted = phones.phones.filter((_, i) => last.get(i) !== 'clean-up').length;
    expect(interrupted).toBeGreaterThan(0);

    // Right after the crash: the database is sound and holds everything the phones were told.
    const runningAtKill = new Set<string>();
    {
      const store = openStore(dir);
      try {
        expect(store.integrityCheck()).toEqual({ ok: true, problems: [] });
        const missing: string[] = [];
        for (const i of acked) {
          const phone = phones.phones[i] as SimPhone;
          const mac = phone.mac;
          // The phone's own item set is the truth: the fixture's 329 plus whatever a job added.
          const count = store.inventory.list(mac).length;
          if (count !== phone.items.size || !store.phones.get(mac)?.inventoryComplete)
            missing.push(`${mac}: ${count} of ${phone.items.size} items`);
          const id = jobIds.get(i);
          if (id && store.jobs.get(id)?.state !== 'done') missing.push(`${mac}: job ${store.jobs.get(id)?.state}`);
        }
        expect(missing).toEqual([]);
        // Cut-off jobs are still open (waiting, or running when the WriteItems was out); none failed.
        for (const id of jobIds.values()) {
          const state = store.jobs.get(id)?.state;
          expect(['queued', 'waiting-for-phone', 'running', 'done']).toContain(state);
          if (state === 'running') runningAtKill.add(id);
        }
      } finally {
        store.close();
      }
    }

    // Phase 3: restart on the same folder and port; phones whose start-up failed try again.
    proc = await startCoreProcess({ dataDir: dir, port });
    let rounds = 0;
    for (; rounds < MAX_RETRY_ROUNDS; rounds++) {
      const retry = phones.phones.filter((_, i) => last.get(i) !== 'clean-up');
      if (retry.length === 0) break;
      await Promise.all(retry.map((p) => p.boot()));
    }
    expect(phones.phones.filter((_, i) => last.get(i) !== 'clean-up').map((p) => p.mac)).toEqual([]);
    await proc.stop();

    // Everything in order: sound file, no duplicates, every job done exactly once.
    const store = openStore(dir);
    try {
      expect(store.integrityCheck()).toEqual({ ok: true, problems: [] });
      expect(store.phones.list()).toHaveLength(FLEET_SIZE);
      const jobs = store.jobs.list({ limit: 10_000 });
      expect(jobs).toHaveLength(jobIds.size);
      expect(jobs.filter((j) => j.state !== 'done').map((j) => `${j.mac}: ${j.state} (${j.reason})`)).toEqual([]);
      const wrong: string[] = [];
      phones.phones.forEach((phone, i) => {
        const items = store.inventory.list(phone.mac);
        if (items.length !== phone.items.size || !store.phones.get(phone.mac)?.inventoryComplete)
          wrong.push(`${phone.mac}: ${items.length} of ${phone.items.size} items`);
        const id = jobIds.get(i);
        if (id) {
          const job = store.jobs.get(id);
          const want = jobItems(i);
          // One result per written item: a re-run replaces the results, it does not add to them.
          const results = job?.results ?? [];
          if (results.length !== want.length || results.some((r) => r.status !== 'accepted'))
            wrong.push(`${phone.mac}: results ${JSON.stringify(results)}`);
          for (const item of want) {
            const key = `${item.name}${item.index === undefined ? '' : `[${item.index}]`}`;
            if (results.filter((r) => r.name === item.name && r.index === item.index && r.value === item.value).length !== 1)
              wrong.push(`${phone.mac}: result for ${key} not exactly once`);
            if (phone.value(item.name, item.index) !== item.value)
              wrong.push(`${phone.mac}: phone has ${key}=${phone.value(item.name, item.index)}`);
            if (store.inventory.get(phone.mac, item.name, item.index)?.value !== item.value)
              wrong.push(`${phone.mac}: stored ${key}=${store.inventory.get(phone.mac, item.name, item.index)?.value}`);
          }
        } else if (phone.value('sntp-addr')?.startsWith('crash-') || phone.value('key-label-unicode', 1) !== undefined) {
          wrong.push(`${phone.mac}: written without a job`);
        }
        if (phone.violations.length) wrong.push(`${phone.mac}: ${phone.violations.join('; ')}`);
      });
      expect(wrong).toEqual([]);
      // Exactly the jobs cut off mid-run were sent a second time; no other job ran twice.
      const resent = jobs
        .filter((j) => j.attempts > 1)
        .map((j) => j.id)
        .sort();
      expect(resent).toEqual([...runningAtKill].sort());
      expect(jobs.every((j) => j.attempts <= 2)).toBe(true);
      console.info(
        `[crash] ${FLEET_SIZE} phones, ${jobIds.size} jobs; killed after ${acked.size} CleanUps with ${interrupted} phones cut off; ` +
          `${runningAtKill.size} jobs running at the kill and re-sent; ${rounds} retry round(s); watcher ${samples} samples, max ${maxSeen} running; ` +
          `phase 1 ${phase1} ms, total ${Date.now() - started} ms`,
      );
    } finally {
      store.close();
    }
  }, 90_000);
});
