/**
 * The server side of the provisioning benchmarks, in its own process:
 *
 *   core  — the real Fieldstage core (createCore: fastify + TLS, WPI engine, SQLite in a throwaway
 *           data folder), bound to 127.0.0.1, adopt-all, with the 40-item write job staged per phone.
 *   floor — the least a DLS can do over the same TLS: node:https, read the body, regex out the
 *           nonce, answer ReadAllItems → WriteItems (the same 40 items) → CleanUp from pre-built
 *           strings, the step carried in the session cookie. No parsing, no storage.
 *
 * It measures itself: CPU time (process.cpuUsage), RSS sampled every 10 ms, event-loop delay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Conf from 'conf';
import { createCore, type Core, type LogLevel } from '../electron/core/app/core.js';
import { PHONE_LISTEN_BACKLOG } from '../electron/core/app/phone-listeners.js';
import { sendContactMe, type ContactMeRequest } from '../electron/core/discovery/contact-me.js';
import { checkJobRequest } from '../electron/core/jobs/registry.js';
import { createCertificate } from '../electron/core/provisioning/certificate.js';
import { phoneTlsOptions } from '../electron/core/provisioning/tls-options.js';
import { settingsStoreOptions, type SettingsData } from '../electron/core/settings/settings.js';
import { createKeyFileSecretBox } from '../electron/core/store/secrets.js';
import { buildServiceMessage } from '../electron/core/wpi/build.js';
import type { ExchangeRecord } from '../electron/core/store/types.js';
import type { AppEvent } from '../shared/events.js';
import type { WpiItem } from '../shared/protocol.js';
import { serveParent } from './lib/ipc.js';
import { timePhonesList } from './lib/list-timing.js';
import { PREFILLED_DATA_DIR_ENV } from './lib/prefill.js';
import { benchProfile } from './lib/profile.js';

const mode = process.argv[2] === 'floor' ? 'floor' : 'core';
const contactMePort = Number(process.argv[3] ?? 0) || undefined;
const KEEP_ALIVE_MS = 10_000; // the core's default keepAliveTimeoutMs

/** PREFILLED_DATA_DIR_ENV: a data folder prefill-process.ts filled (the core opens it; removed at exit like a throwaway one). */
const prefilledDir = process.env[PREFILLED_DATA_DIR_ENV];
const dataDir = prefilledDir ?? mkdtempSync(join(tmpdir(), `fieldstage-bench-${mode}-`));
const warnings: string[] = [];
let warningCount = 0;
const log = (level: LogLevel, message: string): void => {
  if (level === 'info') return;
  warningCount++;
  if (warnings.length < 20) warnings.push(message);
};

// ---------------------------------------------------------------------------------------------
// Self-measurement

let cpuBase = process.cpuUsage();
let wallBase = performance.now();
let peakRss = 0;
let rssAtStart = 0;
let sampler: NodeJS.Timeout | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function sampleRss(): void {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}

function measureStart(): { rssMB: number } {
  Object.assign(inside, { handleMs: 0, handleCalls: 0, transactionMs: 0, transactions: 0, units: 0, commitMs: 0 });
  transactionDurations.length = 0;
  commitDurations.length = 0;
  cpuBase = process.cpuUsage();
  wallBase = performance.now();
  rssAtStart = process.memoryUsage.rss();
  peakRss = rssAtStart;
  clearInterval(sampler);
  sampler = setInterval(sampleRss, 10);
  loopDelay.reset();
  loopDelay.enable();
  return { rssMB: rssAtStart / 2 ** 20 };
}

function measureStop() {
  clearInterval(sampler);
  sampleRss();
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBase);
  return {
    wallMs: performance.now() - wallBase,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssStartMB: rssAtStart / 2 ** 20,
    peakRssMB: peakRss / 2 ** 20,
    /** Kernel's high-water mark for the whole process life (includes start-up). */
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    eventLoopDelayMs: {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Core

let core: Core | null = null;
/** The burst's phones (staged), told apart from prefilled ones; exchanges after the baseline id are the burst's. */
const staged = new Set<string>();
const prefilled = prefilledDir !== undefined;
let exchangeBaseline = 0;
/** createCore's database file in its data folder (electron/core/app/core.ts). */
const DB_FILE = 'fieldstage.db';
const sends: { ip: string; at: number }[] = [];
const sweepEvents: AppEvent[] = [];

async function startCore(): Promise<number> {
  const store = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir, projectName: 'fieldstage-bench' });
  store.set({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
  core = await createCore({
    dataDir,
    settingsStore: store,
    secretBox: createKeyFileSecretBox(join(dataDir, 'secret.key')),
    mode: 'browser',
    bindAddresses: ['127.0.0.1'],
    phonePort: 0,
    filePort: 0,
    ...(contactMePort ? { contactMePort } : {}),
    // The real sender, timed, and refusing anything off loopback.
    sendContactMe: (request: ContactMeRequest) => {
      if (!request.phoneIp.startsWith('127.')) return Promise.resolve({ outcome: 'other' as const, detail: 'bench: loopback only' });
      sends.push({ ip: request.phoneIp, at: performance.now() });
      return sendContactMe(request);
    },
    log,
  });
  instrument(core);
  await core.start();
  core.events.subscribe((event) => {
    if (event.type === 'sweep.progress' || event.type === 'sweep.result') sweepEvents.push(event);
  });
  return core.info().phonePort;
}

/**
 * Main-thread time inside service.handle and inside SQLite (CPU and fsync waits alike). With group
 * commit a request's SQLite work is its unit (Store.write, inside handle) plus its share of the
 * group's COMMIT, which runs later (setImmediate) for every request read in the same turn: the
 * COMMIT time is added to both figures, and one "transaction" is one group (its units + COMMIT).
 */
const inside = { handleMs: 0, handleCalls: 0, transactionMs: 0, transactions: 0, units: 0, commitMs: 0 };
const transactionDurations: number[] = [];
const commitDurations: number[] = [];

function instrument(c: Core): void {
  const { service, store } = c;
  const handle = service.handle.bind(service);
  service.handle = (req) => {
    const t0 = performance.now();
    try {
      return handle(req);
    } finally {
      inside.handleMs += performance.now() - t0;
      inside.handleCalls++;
    }
  };
  let groupMs = 0;
  let groupUnits = 0;
  let inWrite = false;
  const write = store.write.bind(store);
  store.write = <T>(fn: () => T): Promise<T> => {
    const t0 = performance.now();
    inWrite = true;
    try {
      return write(fn);
    } finally {
      inWrite = false;
      const ms = performance.now() - t0;
      groupMs += ms;
      groupUnits++;
      inside.transactionMs += ms;
    }
  };
  const flush = store.flush.bind(store);
  store.flush = (): void => {
    if (!store.groupOpen) return flush();
    const t0 = performance.now();
    try {
      flush();
    } finally {
      const ms = performance.now() - t0;
      inside.handleMs += ms;
      inside.transactionMs += ms;
      inside.commitMs += ms;
      commitDurations.push(ms);
      transactionDurations.push(groupMs + ms);
      inside.transactions++;
      inside.units += groupUnits;
      groupMs = 0;
      groupUnits = 0;
    }
  };
  // Transactions outside phone requests (reacher, staging): each one its own.
  const transaction = store.transaction.bind(store);
  let depth = 0;
  store.transaction = <T>(fn: () => T): T => {
    if (depth > 0 || inWrite) return transaction(fn);
    const t0 = performance.now();
    depth++;
    try {
      return transaction(fn);
    } finally {
      depth--;
      const ms = performance.now() - t0;
      inside.transactionMs += ms;
      transactionDurations.push(ms);
      inside.transactions++;
    }
  };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Every exchange newer than `id`, newest first, without loading the prefilled phones' (hundreds of MB of XML). */
function exchangesSince(id: number): ExchangeRecord[] {
  if (!core) throw new Error('core not started');
  const out: ExchangeRecord[] = [];
  for (let beforeId: number | undefined; ;) {
    const page = core.store.exchanges.list({ limit: 5000, ...(beforeId === undefined ? {} : { beforeId }) }).filter((e) => e.id > id);
    out.push(...page);
    if (page.length < 5000) return out;
    beforeId = page.at(-1)?.id;
  }
}

function coreSummary() {
  if (!core) throw new Error('core not started');
  const { store, service } = core;
  // Only the staged (burst) phones count: prefilled phones are part of the setting, not the run.
  const phones = store.phones.list().filter((p) => !prefilled || staged.has(p.mac));
  const jobs = store.jobs.list({ limit: 100_000 }).filter((j) => !prefilled || staged.has(j.mac));
  const jobStates: Record<string, number> = {};
  for (const job of jobs) jobStates[job.state] = (jobStates[job.state] ?? 0) + 1;
  const exchanges = exchangesSince(exchangeBaseline);
  const actions: Record<string, number> = {};
  for (const e of exchanges) actions[e.action ?? '(none)'] = (actions[e.action ?? '(none)'] ?? 0) + 1;
  return {
    phones: phones.length,
    inventoryComplete: phones.filter((p) => p.inventoryComplete).length,
    jobStates,
    exchanges: exchanges.length,
    actions,
    openFlows: service.flows.size,
    inside: {
      ...inside,
      transactionP50: percentile(transactionDurations, 50),
      transactionP99: percentile(transactionDurations, 99),
      transactionMax: percentile(transactionDurations, 100),
      commits: commitDurations.length,
      commitP50: percentile(commitDurations, 50),
      commitP99: percentile(commitDurations, 99),
    },
    warnings,
    warningCount,
  };
}

// ---------------------------------------------------------------------------------------------
// Floor

const floorCounts = { requests: 0, readAll: 0, writeItems: 0, cleanUp: 0, noNonce: 0, bytesIn: 0 };
let floorServer: Server | null = null;

async function startFloor(profile: WpiItem[]): Promise<number> {
  const certificate = await createCertificate(join(dataDir, 'tls'), ['127.0.0.1']);
  // Built once with the core's own builder; only the nonce changes per answer.
  const MARK = 'NONCEMARK';
  const template = (action: 'ReadAllItems' | 'WriteItems' | 'CleanUp', items?: WpiItem[]): [string, string] => {
    const xml = buildServiceMessage({ nonce: MARK, action, ...(items ? { items } : {}) });
    const at = xml.indexOf(MARK);
    return [xml.slice(0, at), xml.slice(at + MARK.length)];
  };
  const steps = [template('ReadAllItems'), template('WriteItems', profile), template('CleanUp')];
  const nonceRe = /<Message\b[^>]*?\bnonce="([^"]+)"/;
  const stepRe = /(?:^|;\s*)JSESSIONID=f(\d)/;

  floorServer = createServer({ ...phoneTlsOptions(certificate.key, certificate.cert, false) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      floorCounts.requests++;
      floorCounts.bytesIn += body.length;
      const nonce = nonceRe.exec(body)?.[1];
      if (!nonce) floorCounts.noNonce++;
      const step = Math.min(2, Number(stepRe.exec(req.headers.cookie ?? '')?.[1] ?? 0));
      if (step === 0) floorCounts.readAll++;
      else if (step === 1) floorCounts.writeItems++;
      else floorCounts.cleanUp++;
      const [head, tail] = steps[step] ?? steps[2]!;
      const xml = head + (nonce ?? '') + tail;
      const headers: Record<string, string | number> = {
        'content-type': 'text/xml; charset=utf-8',
        'content-length': Buffer.byteLength(xml),
      };
      if (step < 2) headers['set-cookie'] = `JSESSIONID=f${step + 1}; Path=/; HttpOnly; Secure`;
      res.writeHead(200, headers);
      res.end(xml);
    });
  });
  floorServer.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    floorServer?.once('error', reject);
    // The same listen queue as the core's phone listener: the floor differs only in the work done.
    floorServer?.listen({ port: 0, host: '127.0.0.1', backlog: PHONE_LISTEN_BACKLOG }, () => resolve());
  });
  const address = floorServer.address();
  if (!address || typeof address === 'string') throw new Error('floor did not bind');
  return address.port;
}

// ---------------------------------------------------------------------------------------------

serveParent({
  async start() {
    const port = mode === 'core' ? await startCore() : await startFloor(benchProfile());
    return { mode, port, pid: process.pid, cores: cpus().length, dataDir };
  },
  /** phones.list through the core's handlers beside a plain SELECT (bench/lib/list-timing.ts), with sampled RSS. */
  async listTiming({ warmup, calls }: { warmup: number; calls: number }) {
    if (!core) throw new Error('phones.list timing needs the core');
    measureStart();
    const timing = await timePhonesList(core, join(dataDir, DB_FILE), warmup, calls);
    return { ...timing, peakRssMB: measureStop().peakRssMB };
  },
  /** Queues the profile write for each MAC before the phones ever call (staged, like a CSV import). */
  stage({ macs }: { macs: string[] }) {
    if (!core) return { staged: 0 };
    const items = benchProfile();
    checkJobRequest('write-items', items);
    const { store } = core;
    for (const mac of macs) staged.add(mac);
    exchangeBaseline = store.exchanges.list({ limit: 1 })[0]?.id ?? 0;
    const jobs = store.transaction(() => macs.map((mac) => store.jobs.create(mac, 'write-items', items)));
    return { staged: jobs.length };
  },
  measureStart,
  measureStop,
  summary() {
    return mode === 'core' ? coreSummary() : { ...floorCounts, warnings, warningCount };
  },
  /** A sweep through the core's own API (Sweeps → runSweep → sendContactMe); resolves with the report. */
  async sweep({ targets }: { targets: string }) {
    if (!core) throw new Error('sweep needs the core');
    sends.length = 0;
    sweepEvents.length = 0;
    const t0 = performance.now();
    const { sweepId, total } = await core.handlers['discovery.sweepStart']({ targets });
    const finished = await new Promise<Extract<AppEvent, { type: 'sweep.progress' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sweep did not finish within 60 s')), 60_000);
      const check = (): void => {
        const done = sweepEvents.find((e) => e.type === 'sweep.progress' && e.progress.sweepId === sweepId && e.progress.finished);
        if (done && done.type === 'sweep.progress') {
          clearTimeout(timer);
          resolve(done);
        } else setTimeout(check, 5);
      };
      check();
    });
    const reportMs = performance.now() - t0;
    const results = sweepEvents.flatMap((e) => (e.type === 'sweep.result' && e.result.sweepId === sweepId ? [e.result] : []));
    const perIp = new Map<string, number>();
    for (const s of sends) perIp.set(s.ip, (perIp.get(s.ip) ?? 0) + 1);
    // Most probes started within any one second.
    const times = sends.map((s) => s.at).sort((a, b) => a - b);
    let maxPerSecond = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
      maxPerSecond = Math.max(maxPerSecond, i - j + 1);
    }
    const outcomes: Record<string, number> = {};
    for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    return {
      total,
      reportMs,
      progress: finished.progress,
      outcomes,
      phonesFound: results.filter((r) => r.outcome === 'phone').map((r) => r.ip),
      probes: sends.length,
      distinctProbed: perIp.size,
      maxProbesPerAddress: Math.max(0, ...perIp.values()),
      maxProbesPerSecond: maxPerSecond,
    };
  },
  async exit() {
    await core?.stop();
    floorServer?.closeAllConnections();
    await new Promise<void>((resolve) => (floorServer ? floorServer.close(() => resolve()) : resolve()));
    rmSync(dataDir, { recursive: true, force: true });
    return { ok: true };
  },
});
