import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/api/dispatch.js';
import { createCertificate } from '../../electron/core/provisioning/certificate.js';
import { Egress } from '../../electron/core/egress/egress.js';
import { traceFolder } from '../../electron/core/traces/downloads.js';
import { probeModel } from '../../electron/core/wbm/banner.js';
import type { ApiMethod, ApiReq, ApiRes } from '../../shared/api.js';
import { FINAL_JOB_STATES } from '../../shared/jobs.js';
import { ASSUMED_TRACE_COMPONENTS, TRACE_LEVEL_INDEXES } from '../../shared/traces.js';
import type { SimPhone, SimPhoneOptions } from '../sim/phone.js';
import { SIM_WBM_SUSPEND_AFTER, SimWbm, type SimWbmFault } from '../sim/wbm.js';
import { freePort, startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Trace download from the phones' web interface (issue 10) over real sockets: each simulated
 * phone has its own WBM on its own loopback address, all on one port (the `wbm.port` setting).
 * Subnets 127.0.120–129 belong to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
const SITE_PASSWORD = 'site-4711';
/** Small bounds, so the slow and the huge file end quickly. */
const LIMITS = { fileTimeoutMs: 1_500, fileMaxBytes: 256 * 1024 };

type Tls = { key: string; cert: string };
let certs: { first: Tls; second: Tls };
let certDir = '';
let wbmPort = 0;
let core: TestCore | null = null;
const phones = new TestPhones();
const servers: SimWbm[] = [];

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'fieldstage-wbm-certs-'));
  certs = { first: await createCertificate(join(certDir, 'a'), []), second: await createCertificate(join(certDir, 'b'), []) };
}, 60_000);

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await phones.stopAll();
  await core?.stop();
  core = null;
});

const running = (): TestCore => {
  if (!core) throw new Error('core not started');
  return core;
};
const api = async <M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> =>
  (await dispatch(running().core.handlers, method, req)) as ApiRes<M>;
const job = (id: string) => running().core.store.jobs.get(id);

async function startCore(wbm: { adminPassword?: string; allowFactoryDefault?: boolean } = { adminPassword: SITE_PASSWORD }) {
  wbmPort = await freePort();
  core = await startTestCore(ADOPT_ALL, { wbmLimits: LIMITS });
  await api('settings.update', { wbm: { port: wbmPort, maxParallel: 2, ...wbm } });
}

/** A phone that called in once (so its address and firmware are known) with a web interface. */
async function phoneWithWbm(
  ip: string,
  mac: string,
  options: { fault?: SimWbmFault; password?: string; phone?: Partial<SimPhoneOptions>; startWbm?: boolean } = {},
): Promise<{ phone: SimPhone; wbm: SimWbm }> {
  const phone = phones.at(core, ip, mac, { contactGapMs: 0, ...options.phone });
  await phone.start();
  await phone.waitForIdle();
  const wbm = new SimWbm({
    ip,
    port: wbmPort,
    tls: certs.first,
    mac: phone.mac,
    model: 'OpenStage 60',
    firmwareMajor: phone.firmware.major,
    levels: () => TRACE_LEVEL_INDEXES.map((i) => phone.value('trace-level', i) ?? '0'),
    password: options.password ?? SITE_PASSWORD,
    ...(options.fault ? { fault: options.fault } : {}),
  });
  if (options.startWbm !== false) await wbm.start();
  servers.push(wbm);
  return { phone, wbm };
}

async function download(mac: string) {
  const { jobs } = await api('traces.download', { macs: [mac] });
  const id = jobs[0]?.id ?? '';
  await until(() => FINAL_JOB_STATES.includes(job(id)?.state ?? 'queued'), `trace download of ${mac}`);
  return job(id);
}

/** The files of a phone's only download, by name. */
function downloaded(mac: string): Map<string, Buffer> {
  const folder = traceFolder(running().dataDir, mac);
  const [only, ...more] = readdirSync(folder);
  expect(more).toEqual([]);
  const dir = join(folder, only ?? '');
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

describe('trace download', () => {
  it('downloads the traces of 5 phones byte for byte, the trace file reflecting raised levels', async () => {
    await startCore();
    const sims = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        phoneWithWbm(`127.0.120.${n}`, `00:1A:E8:78:00:0${n}`, n === 5 ? { phone: { softwareVersion: 'V2 R1.20.0', legacy: true } } : {}),
      ),
    );
    const macs = sims.map((s) => s.phone.mac);
    const { jobs: starts } = await api('traces.start', { macs, preset: 'sip' });
    await until(() => starts.every((j) => job(j.id)?.state === 'done'), 'tracing on');

    const { jobs } = await api('traces.download', { macs });
    await until(() => jobs.every((j) => FINAL_JOB_STATES.includes(job(j.id)?.state ?? 'queued')), 'downloads');
    const sipSignalling = ASSUMED_TRACE_COMPONENTS.indexOf('SIP signalling');
    for (const { phone, wbm } of sims) {
      const done = core?.core.store.jobs.list({ mac: phone.mac }).find((j) => j.kind === 'trace-download');
      expect(done).toMatchObject({ state: 'done', reason: null });
      const files = downloaded(phone.mac);
      expect([...files.keys()].sort()).toEqual(['boot.txt', 'syslog.txt', 'trace.txt']);
      for (const [kind, served] of wbm.served) expect(files.get(`${kind}.txt`)?.equals(served)).toBe(true);
      expect(files.get('trace.txt')?.toString()).toContain(`component ${sipSignalling} level 6`);
      expect(done?.results.map((r) => r.name).sort()).toEqual(['boot.txt', 'syslog.txt', 'trace.txt']);
      expect([wbm.logins, wbm.logouts]).toEqual([1, 1]);
    }
    // The site password is kept sealed: never in clear in the settings file, never shown.
    expect((await api('settings.get', {})).wbm).toMatchObject({ adminPasswordSet: true, port: wbmPort });
    const settingsFile = readdirSync(running().dataDir).find((f) => f.endsWith('.json'));
    expect(readFileSync(join(running().dataDir, settingsFile ?? ''), 'utf8')).not.toContain(SITE_PASSWORD);
  }, 60_000);

  it('the trace file grows while tracing is on', async () => {
    await startCore();
    const { phone, wbm } = await phoneWithWbm('127.0.121.1', '00:1A:E8:79:00:01');
    const { jobs } = await api('traces.start', { macs: [phone.mac], preset: 'calls' });
    await until(() => job(jobs[0]?.id ?? '')?.state === 'done', 'tracing on');
    expect((await download(phone.mac))?.state).toBe('done');
    const first = wbm.served.get('trace')?.length ?? 0;
    expect((await download(phone.mac))?.state).toBe('done');
    expect(wbm.served.get('trace')?.length ?? 0).toBeGreaterThan(first);
  }, 30_000);

  it('ends each failure with its own plain reason', async () => {
    await startCore();
    const cases: {
      ip: string;
      fault?: SimWbmFault;
      password?: string;
      startWbm?: boolean;
      reason: RegExp;
      prepare?: (wbm: SimWbm) => void;
    }[] = [
      { ip: '127.0.122.1', password: 'another', reason: /refused the admin password \(Authentication failed\)/ },
      { ip: '127.0.122.2', reason: /admin password is suspended/, prepare: (wbm) => (wbm.wrongTries = SIM_WBM_SUSPEND_AFTER) },
      { ip: '127.0.122.3', fault: 'no-download-links', reason: /offers no "Download …" links/ },
      { ip: '127.0.122.4', fault: 'no-fault-trace-link', reason: /no "Fault trace" link in the admin menu/ },
      { ip: '127.0.122.5', fault: 'slow-file', reason: /"Download trace file" took longer than 1.5 s: stopped/ },
      { ip: '127.0.122.6', fault: 'huge-file', reason: /"Download trace file" is larger than the limit of 262144 bytes/ },
      { ip: '127.0.122.7', startWbm: false, reason: /did not answer \(ECONNREFUSED\)/ },
    ];
    for (const [i, c] of cases.entries()) {
      const { phone, wbm } = await phoneWithWbm(c.ip, `00:1A:E8:7A:00:0${i + 1}`, {
        ...(c.fault ? { fault: c.fault } : {}),
        ...(c.password ? { password: c.password } : {}),
        ...(c.startWbm === false ? { startWbm: false } : {}),
      });
      c.prepare?.(wbm);
      const started = Date.now();
      const result = await download(phone.mac);
      expect(result?.state, c.ip).toBe('failed');
      expect(result?.reason, c.ip).toMatch(c.reason);
      expect(Date.now() - started, c.ip).toBeLessThan(10_000);
      // Whoever logged in, logged out again.
      expect(wbm.logouts, c.ip).toBe(wbm.logins);
    }
  }, 90_000);

  it('stops at a changed certificate until the technician trusts the new one', async () => {
    await startCore();
    const { phone, wbm } = await phoneWithWbm('127.0.123.1', '00:1A:E8:7B:00:01');
    expect((await download(phone.mac))?.state).toBe('done');
    const logins = wbm.logins;
    await wbm.replaceCertificate(certs.second);
    const refused = await download(phone.mac);
    expect(refused).toMatchObject({ state: 'failed' });
    expect(refused?.reason).toMatch(/web certificate changed \(was [0-9A-F:]+, now [0-9A-F:]+\)/);
    // Nothing was sent to the impostor: not even the login.
    expect(wbm.logins).toBe(logins);
    expect(await api('traces.trustCertificate', { mac: phone.mac })).toEqual({ forgotten: true });
    expect((await download(phone.mac))?.state).toBe('done');
  }, 30_000);

  it('tries the factory default only when allowed', async () => {
    await startCore({ allowFactoryDefault: false });
    const { phone } = await phoneWithWbm('127.0.124.1', '00:1A:E8:7C:00:01', { password: '123456' });
    expect((await download(phone.mac))?.reason).toMatch(/no admin password for this phone/);
    await api('settings.update', { wbm: { allowFactoryDefault: true } });
    expect((await download(phone.mac))?.state).toBe('done');
  }, 30_000);

  it('reads the model from main_banner.cmd without logging in; a silent address has none', async () => {
    await startCore();
    const { wbm } = await phoneWithWbm('127.0.125.1', '00:1A:E8:7D:00:01');
    const egress = new Egress({ loopbackOnly: true, onRefused: () => undefined });
    expect(await probeModel(egress, '127.0.125.1', wbmPort)).toBe('OpenStage 60');
    expect(wbm.logins).toBe(0);
    expect(await probeModel(egress, '127.0.125.2', wbmPort)).toBeNull();
  }, 30_000);
});
