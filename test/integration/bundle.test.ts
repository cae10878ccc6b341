import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/api/dispatch.js';
import { createCertificate } from '../../electron/core/provisioning/certificate.js';
import { startUiApi, type UiApi } from '../../electron/core/ui-api/server.js';
import type { ApiMethod, ApiReq, ApiRes } from '../../shared/api.js';
import { FINAL_JOB_STATES } from '../../shared/jobs.js';
import { TRACE_LEVEL_INDEXES } from '../../shared/traces.js';
import { SimWbm } from '../sim/wbm.js';
import { freePort, startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * The diagnostic bundle (issue 10): built by the core, fetched in browser mode from the UI API
 * with the token, opened as a zip. Subnet 127.0.130 belongs to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
const MAC = '00:1A:E8:82:00:01';
const SIP_PASSWORD = 'very-secret-sip-4711';

let core: TestCore | null = null;
let ui: UiApi | null = null;
let wbm: SimWbm | null = null;
const phones = new TestPhones();
let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fieldstage-bundle-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await ui?.close();
  await wbm?.stop();
  await phones.stopAll();
  await core?.stop();
  ui = null;
  wbm = null;
  core = null;
});

const api = async <M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> => {
  if (!core) throw new Error('core not started');
  return (await dispatch(core.core.handlers, method, req)) as ApiRes<M>;
};
const finished = (id: string) => FINAL_JOB_STATES.includes(core?.core.store.jobs.get(id)?.state ?? 'queued');

function get(path: string, token: string | null): Promise<{ status: number; type: string; body: Buffer }> {
  const port = ui?.port ?? 0;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('diagnostic bundle', () => {
  it('holds what its README says: summary, masked items, jobs, the protocol log as XML files and the trace files', async () => {
    const wbmPort = await freePort();
    core = await startTestCore(ADOPT_ALL);
    await api('settings.update', { wbm: { port: wbmPort, adminPassword: '654321' } });
    const phone = phones.at(core, '127.0.130.1', MAC, { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();
    const tls = await createCertificate(join(scratch, 'tls'), []);
    wbm = new SimWbm({
      ip: phone.ip,
      port: wbmPort,
      tls,
      mac: MAC,
      model: 'OpenStage 60',
      firmwareMajor: 3,
      levels: () => TRACE_LEVEL_INDEXES.map((i) => phone.value('trace-level', i) ?? '0'),
      password: '654321',
    });
    await wbm.start();

    const write = await api('jobs.create', { macs: [MAC], kind: 'write-items', items: [{ name: 'sip-pwd', value: SIP_PASSWORD }] });
    const tracing = await api('traces.start', { macs: [MAC], preset: 'sip' });
    await until(() => [...write.jobs, ...tracing.jobs].every((j) => finished(j.id)), 'write and tracing');
    const download = await api('traces.download', { macs: [MAC] });
    await until(() => finished(download.jobs[0]?.id ?? ''), 'trace download');
    expect(core.core.store.jobs.get(download.jobs[0]?.id ?? '')?.state).toBe('done');

    ui = await startUiApi({
      handlers: core.core.handlers,
      events: core.core.events,
      rendererDir: scratch,
      bundle: (id) => core?.core.bundle(id) ?? null,
    });
    const bundle = await api('diagnostics.bundle', { macs: [MAC] });
    expect(bundle).toMatchObject({ savedTo: null, cancelled: false });
    expect(bundle.url).toMatch(/^\/api\/diagnostics\.download\?id=[0-9a-f]{32}$/);
    expect(await get(bundle.url ?? '', null)).toMatchObject({ status: 401 });
    expect(await get('/api/diagnostics.download?id=0123', ui.token)).toMatchObject({ status: 404 });
    const fetched = await get(bundle.url ?? '', ui.token);
    expect(fetched).toMatchObject({ status: 200, type: 'application/zip' });
    expect(fetched.body.length).toBe(bundle.size);

    const entries = unzipSync(new Uint8Array(fetched.body));
    const names = Object.keys(entries);
    const dir = MAC.replace(/:/g, '');
    expect(names).toEqual(
      expect.arrayContaining(['README.txt', 'manifest.json', `${dir}/summary.json`, `${dir}/items.json`, `${dir}/jobs.json`]),
    );
    const text = (name: string): string => strFromU8(entries[name] ?? new Uint8Array());

    const summary = JSON.parse(text(`${dir}/summary.json`));
    expect(summary).toMatchObject({ mac: MAC, tracing: { state: 'on' } });
    const jobs = JSON.parse(text(`${dir}/jobs.json`)) as { kind: string }[];
    expect(jobs.map((j) => j.kind).sort()).toEqual(['trace-download', 'trace-start', 'write-items']);
    const items = text(`${dir}/items.json`);
    expect(JSON.parse(items).find((i: { name: string }) => i.name === 'sip-pwd')).toMatchObject({ value: '******', secret: true });

    const xml = names.filter((n) => n.startsWith(`${dir}/exchanges/`));
    const logged = core.core.store.exchanges.list({ mac: MAC, limit: 1000 });
    expect(xml).toHaveLength(logged.length * 2);
    expect(xml.every((n) => /-(request|response)\.xml$/.test(n))).toBe(true);
    expect(xml.some((n) => text(n).includes('WriteItems'))).toBe(true);
    // Secrets are nowhere in the bundle, not even in the protocol log.
    for (const name of names) expect(text(name), name).not.toContain(SIP_PASSWORD);

    const traces = names.filter((n) => n.startsWith(`${dir}/traces/`));
    expect(traces.map((n) => n.split('/').pop()).sort()).toEqual(['boot.txt', 'syslog.txt', 'trace.txt']);
    const traceFile = traces.find((n) => n.endsWith('/trace.txt')) ?? '';
    expect(Buffer.from(entries[traceFile] ?? new Uint8Array()).equals(wbm.served.get('trace') ?? Buffer.alloc(1))).toBe(true);

    const readme = text('README.txt');
    expect(readme).toContain(`${MAC}: `);
    expect(readme).toContain(`${logged.length} exchanges, 3 trace files`);
    expect(JSON.parse(text('manifest.json'))).toMatchObject({
      app: 'Fieldstage',
      phones: [{ mac: MAC, traceFiles: 3, exchanges: logged.length }],
    });

    // The protocol log alone: the same XML files, nothing else of the phone.
    const log = await api('diagnostics.bundle', { macs: [MAC], logOnly: true });
    expect(log.name).toMatch(/^fieldstage-protocol-log-/);
    const logEntries = Object.keys(unzipSync(new Uint8Array((await get(log.url ?? '', ui.token)).body)));
    expect(logEntries.filter((n) => n.startsWith(`${dir}/`)).sort()).toEqual([...xml].sort());

    // A window before anything happened holds no protocol log and no trace files.
    const empty = await api('diagnostics.bundle', { macs: [MAC], from: 0, to: 1000 });
    expect(empty.contents).toEqual([expect.objectContaining({ mac: MAC, exchanges: 0, traceFiles: 0 })]);
    await expect(api('diagnostics.bundle', { macs: [MAC], from: 2000, to: 1000 })).rejects.toThrow(/ends before it starts/);
  }, 60_000);
});
