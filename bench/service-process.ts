/**
 * The provisioning service alone, in its own process: the real core (createCore, never started, so
 * no sockets) fed the burst's exact messages through ProvisioningService.handle — parse, engine,
 * SQLite commit, build — phone after phone. What the core costs per phone without TLS and HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Conf from 'conf';
import { createCore } from '../electron/core/app/core.js';
import { settingsStoreOptions, type SettingsData } from '../electron/core/settings/settings.js';
import { createKeyFileSecretBox } from '../electron/core/store/secrets.js';
import { fleetMac } from '../test/sim/fleet.js';
import { serveParent } from './lib/ipc.js';
import { benchPhone, phoneMessages } from './lib/phone-messages.js';
import { benchProfile } from './lib/profile.js';

function replayed(i: number): { peer: string; bodies: Buffer[] } {
  const phone = benchPhone(0x600001, 60, i);
  return { peer: phone.ip, bodies: phoneMessages(phone).bodies.map((xml) => Buffer.from(xml, 'utf8')) };
}

async function run({ phones }: { phones: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstage-bench-service-'));
  const settingsStore = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir, projectName: 'fieldstage-bench' });
  settingsStore.set({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
  const core = await createCore({
    dataDir,
    settingsStore,
    secretBox: createKeyFileSecretBox(join(dataDir, 'secret.key')),
    mode: 'browser',
    log: () => undefined,
  });
  try {
    const profile = benchProfile();
    const all = Array.from({ length: phones }, (_, i) => replayed(i));
    const { store, service } = core;
    store.transaction(() => all.forEach((_, i) => store.jobs.create(fleetMac(0x600001, i), 'write-items', profile)));
    const actions: Record<string, number> = {};
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const { peer, bodies } of all) {
      let sessionId: string | null = null;
      for (const body of bodies) {
        const response = await service.handle({
          body,
          peer,
          localAddress: '127.0.0.1',
          localPort: 18443,
          sessionId,
          secure: true,
          path: '/DeploymentService/LoginService',
        });
        if (response.session && 'set' in response.session) sessionId = response.session.set;
        const action = /<Action>([^<]+)<\/Action>/.exec(response.body)?.[1] ?? '?';
        actions[action] = (actions[action] ?? 0) + 1;
      }
      await yieldToLoop(); // let the event publisher flush, as between requests in the server
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const done = store.jobs.list({ states: ['done'], limit: 100_000 }).length;
    return {
      pid: process.pid,
      phones,
      wallMs,
      perPhoneMs: wallMs / phones,
      cpuPerPhoneMs: (cpu.user + cpu.system) / 1000 / phones,
      systemMs: cpu.system / 1000,
      actions,
      jobsDone: done,
    };
  } finally {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

serveParent({ run, exit: () => ({ ok: true }) });
