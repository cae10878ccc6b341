/**
 * `npm run bench` — provisioning, codec, sweep and renderer benchmarks (see bench/README.md).
 *
 * Options: --phones N (default 1000)   --only codec,burst,paced,sweep,ui,files,rollout   --paced 10,50
 * --file-phones N (default 100)   --file-mb N (default 60): the file-server case
 * --repeat N (runs per provisioning configuration, fastest reported; default 2)   --no-service
 * --profile (CPU-profile the last core burst run and print where its time goes)
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK_ONLY_ENV } from '../electron/core/egress/egress.js';
import { BenchChild } from './lib/ipc.js';
import { busyBetween, cpuSnapshot, load1 } from './lib/machine.js';
import { summarizeProfile, type ProfileSummary } from './lib/cpuprofile.js';
import { distribution, fmt, median, table, verdict, type Distribution } from './lib/stats.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
// Benchmarks stay on the loopback; the children inherit the switch (electron/core/egress).
process.env[LOOPBACK_ONLY_ENV] = '1';

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : undefined;
}
const PHONES = Number(option('phones') ?? 1000);
const ONLY = new Set((option('only') ?? 'codec,burst,paced,sweep,ui,files,rollout').split(',').filter(Boolean));
// `codec` includes the socket-less service run (service-process.ts) unless --no-service is given.
const SERVICE = ONLY.has('codec') && !process.argv.includes('--no-service');
const PROFILE = process.argv.includes('--profile');
/** Runs per provisioning configuration (floor and core interleaved); the least disturbed (fastest) one is reported. */
const REPEAT = Math.max(1, Number(option('repeat') ?? 2));
const PACED = (option('paced') ?? '10,50')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const FLEET_SUBNET = 60; // 127.0.60.x – 127.0.63.x
const FLEET_FIRST_MAC = 0x600001;
const SWEEP_SUBNET = '127.0.64';
const SWEEP_PHONES = 50;
const SWEEP_CONTACT_ME_PORT = 28085;

const TARGET = {
  burstWallRatio: 1.5,
  burstWallMs: 15_000,
  rssMB: 400,
  pacedP99Ratio: 1.5,
  sweepMs: 10_000,
  uiMs: 100,
  /** Fieldstage's file server against a plain node:https static server, same run. */
  fileThroughputRatio: 0.8,
  fileRssMB: 300,
  /** The roll-out view: status loaded and filtered for 1,000 phones. */
  rolloutViewMs: 100,
};
const ROLLOUT_ROWS = Number(option('rollout-rows') ?? 1000);
const FILE_PHONES = Number(option('file-phones') ?? 100);
const FILE_MB = Number(option('file-mb') ?? 60);

// ---------------------------------------------------------------------------------------------
// Types of what the children answer

interface ServerUsage {
  wallMs: number;
  cpuMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssStartMB: number;
  peakRssMB: number;
  maxRssMB: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

interface FleetResult {
  wallMs: number;
  idleMs: number;
  phones: number;
  flows: number;
  exchanges: number;
  cleanUps: number;
  outcomes: Record<string, number>;
  latencies: number[];
  byStep: Record<string, number[]>;
  errorCount: number;
  errors: string[];
  violationCount: number;
  violations: string[];
  wrongExchangeCount: number;
  fleetCpuMs: number;
  fleetPeakRssMB: number;
}

interface CoreSummary {
  phones?: number;
  inventoryComplete?: number;
  jobStates?: Record<string, number>;
  exchanges?: number;
  actions?: Record<string, number>;
  openFlows?: number;
  /** Main-thread ms inside service.handle and inside its SQLite transactions (core only). */
  inside?: {
    handleMs: number;
    handleCalls: number;
    transactionMs: number;
    transactions: number;
    transactionP50: number;
    transactionP99: number;
    transactionMax: number;
    /** Group commit: units (requests) written, COMMIT time (incl. fsync) and its p50/p99. */
    units?: number;
    commits?: number;
    commitMs?: number;
    commitP50?: number;
    commitP99?: number;
  };
  requests?: number;
  warnings: string[];
  warningCount: number;
}

interface RunResult {
  server: 'core' | 'floor';
  concurrency: number;
  pids: { server: number; fleet: number };
  fleet: Omit<FleetResult, 'latencies' | 'byStep'>;
  latency: Distribution;
  latencyByStep: Record<string, Distribution>;
  usage: ServerUsage;
  summary: CoreSummary;
  errors: number;
  errorDetail: string[];
  /** CPU-ms the rest of the machine (not server, fleet or orchestrator) used during the run; null off Linux. */
  foreignCpuMs: number | null;
  load1Before: number;
  profile?: ProfileSummary & { file: string };
}

// ---------------------------------------------------------------------------------------------
// Provisioning runs

const processes: { role: string; pid: number; ran: string }[] = [];

async function provisioning(kind: 'core' | 'floor', concurrency: number, profile: boolean): Promise<RunResult> {
  // Outside the repo: .gitignore only covers bench/results/*.json.
  const profileDir = join(tmpdir(), 'fieldstage-bench-profiles', stamp);
  if (profile) mkdirSync(profileDir, { recursive: true });
  const server = BenchChild.start(`server-${kind}`, 'server-process.ts', [kind], {
    nodeFlags: [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'] : []),
      // For experiments only, e.g. an --import preload that patches the server.
      ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
  const fleet = BenchChild.start(`fleet`, 'fleet-process.ts');
  try {
    const started = await server.call<{ port: number; pid: number }>('start');
    const macs = await fleet.call<string[]>('macs', { count: PHONES, firstMac: FLEET_FIRST_MAC });
    await server.call('stage', { macs });
    const label = concurrency >= PHONES ? 'burst' : `paced ${concurrency}`;
    processes.push({
      role: `server (${kind})`,
      pid: server.pid,
      ran: `${label}: ${kind === 'core' ? 'createCore — fastify/TLS, WPI engine, SQLite' : 'node:https floor server'}`,
    });
    processes.push({
      role: 'fleet',
      pid: fleet.pid,
      ran: `${label} vs ${kind}: ${PHONES} SimPhones on 127.0.${FLEET_SUBNET}.x–127.0.${FLEET_SUBNET + Math.floor((PHONES - 1) / 254)}.x`,
    });
    const load1Before = load1();
    const mine0 = process.cpuUsage();
    const machine0 = cpuSnapshot();
    await server.call('measureStart');
    const result = await fleet.call<FleetResult>(
      'burst',
      { port: started.port, count: PHONES, firstSubnet: FLEET_SUBNET, firstMac: FLEET_FIRST_MAC, concurrency },
      240_000,
    );
    const usage = await server.call<ServerUsage>('measureStop');
    const machineBusy = busyBetween(machine0, cpuSnapshot());
    const mine = process.cpuUsage(mine0);
    const foreignCpuMs =
      machineBusy === null ? null : Math.max(0, machineBusy - usage.cpuMs - result.fleetCpuMs - (mine.user + mine.system) / 1000);
    const summary = await server.call<CoreSummary>('summary');
    const { latencies, byStep, ...fleetRest } = result;

    const errorDetail: string[] = [];
    const missing = PHONES - result.cleanUps;
    if (missing) errorDetail.push(`${missing} phone(s) without CleanUp`);
    if (result.errorCount) errorDetail.push(`${result.errorCount} phone error(s): ${result.errors.slice(0, 3).join(' | ')}`);
    if (result.violationCount)
      errorDetail.push(`${result.violationCount} protocol violation(s): ${result.violations.slice(0, 3).join(' | ')}`);
    if (result.wrongExchangeCount) errorDetail.push(`${result.wrongExchangeCount} phone(s) without exactly 3 exchanges`);
    if (summary.warningCount) errorDetail.push(`${summary.warningCount} server warning(s): ${summary.warnings.slice(0, 3).join(' | ')}`);
    if (kind === 'core') {
      const done = summary.jobStates?.['done'] ?? 0;
      if (done !== PHONES) errorDetail.push(`write jobs done ${done}/${PHONES} (${JSON.stringify(summary.jobStates)})`);
      if (summary.inventoryComplete !== PHONES) errorDetail.push(`inventory complete ${summary.inventoryComplete}/${PHONES}`);
    }
    const errors =
      missing +
      result.errorCount +
      result.violationCount +
      result.wrongExchangeCount +
      summary.warningCount +
      (kind === 'core' ? PHONES - (summary.jobStates?.['done'] ?? 0) : 0);

    const run: RunResult = {
      server: kind,
      concurrency,
      pids: { server: started.pid, fleet: fleet.pid },
      fleet: fleetRest,
      latency: distribution(latencies),
      latencyByStep: Object.fromEntries(Object.entries(byStep).map(([k, v]) => [k, distribution(v)])),
      usage,
      summary,
      errors,
      errorDetail,
      foreignCpuMs,
      load1Before,
    };
    await fleet.stop();
    await server.stop();
    if (profile) {
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (1 is tsx's loader).
      const file = readdirSync(profileDir).find((f) => f.includes(`.${started.pid}.0.`) && f.endsWith('.cpuprofile'));
      if (file) run.profile = { ...summarizeProfile(join(profileDir, file), 30), file: join(profileDir, file) };
    }
    return run;
  } finally {
    await fleet.stop().catch(() => undefined);
    await server.stop().catch(() => undefined);
  }
}

interface Pair {
  core: RunResult;
  floor: RunResult;
  /** Every run, in the order they ran. */
  all: RunResult[];
}

/** Floor and core, REPEAT times interleaved; keeps the fastest of each (the least disturbed by the rest of the machine). */
async function pair(concurrency: number, profile: boolean): Promise<Pair> {
  const all: RunResult[] = [];
  for (let i = 0; i < REPEAT; i++) {
    all.push(await provisioning('floor', concurrency, false));
    // Profile only the last core run: the profiler slows the run it watches.
    all.push(await provisioning('core', concurrency, profile && i === REPEAT - 1));
  }
  const best = (kind: 'core' | 'floor'): RunResult => {
    const runs = all.filter((r) => r.server === kind && !r.profile);
    const pool = runs.length ? runs : all.filter((r) => r.server === kind);
    return pool.reduce((a, b) => (b.fleet.wallMs < a.fleet.wallMs ? b : a));
  };
  const core = best('core');
  const profiled = all.find((r) => r.profile);
  return { core: profiled && !core.profile ? { ...core, profile: profiled.profile } : core, floor: best('floor'), all };
}

function printWalls(p: Pair & { concurrency?: number }): void {
  if (p.all.length <= 2) return;
  const walls = (kind: string): string =>
    p.all
      .filter((r) => r.server === kind)
      .map((r) => `${fmt(r.fleet.wallMs / 1000)} s${r.profile ? ' (profiled)' : ''}${r.errors ? ` (${r.errors} errors)` : ''}`)
      .join(', ');
  const label = p.concurrency === undefined ? '' : ` @${p.concurrency}`;
  console.log(`  all runs${label}: core ${walls('core')}; floor ${walls('floor')}`);
}

// ---------------------------------------------------------------------------------------------
// Codec, sweep, UI

interface CodecResult {
  name: string;
  kind: 'parse' | 'build' | 'hostile';
  items: number;
  bytes: number;
  iterations: number;
  usPerOp: number;
  opsPerSec: number;
}

interface ServiceResult {
  pid: number;
  phones: number;
  wallMs: number;
  perPhoneMs: number;
  cpuPerPhoneMs: number;
  jobsDone: number;
}

/** ProvisioningService.handle without sockets: what the core costs per phone before TLS and HTTP. */
async function service(): Promise<ServiceResult> {
  const child = BenchChild.start('service', 'service-process.ts');
  try {
    const r = await child.call<ServiceResult>('run', { phones: PHONES }, 180_000);
    processes.push({ role: 'service', pid: r.pid, ran: 'createCore (not started) → service.handle on the burst messages, no sockets' });
    return r;
  } finally {
    await child.stop();
  }
}

async function codec(): Promise<{ pid: number; results: CodecResult[] }> {
  const child = BenchChild.start('codec', 'codec-process.ts');
  try {
    const r = await child.call<{ pid: number; results: CodecResult[] }>('run', { budgetMs: 1000 });
    processes.push({ role: 'codec', pid: r.pid, ran: 'parsePhoneMessage / buildServiceMessage loops' });
    return r;
  } finally {
    await child.stop();
  }
}

interface SweepServerResult {
  total: number;
  reportMs: number;
  outcomes: Record<string, number>;
  phonesFound: string[];
  probes: number;
  distinctProbed: number;
  maxProbesPerAddress: number;
  maxProbesPerSecond: number;
}
interface SweepPhone {
  ip: string;
  contactMe: number;
  ignored: number;
  flows: number;
  cleanUps: number;
  errors: number;
  violations: number;
}

async function sweep() {
  const server = BenchChild.start('server-core', 'server-process.ts', ['core', String(SWEEP_CONTACT_ME_PORT)]);
  const fleet = BenchChild.start('fleet', 'fleet-process.ts');
  try {
    const started = await server.call<{ port: number; pid: number }>('start');
    const ips = Array.from({ length: SWEEP_PHONES }, (_, i) => `${SWEEP_SUBNET}.${3 + i * 5}`);
    await fleet.call('sweepPhonesStart', { ips, port: started.port, contactMePort: SWEEP_CONTACT_ME_PORT, firstMac: 0x640001 });
    processes.push({
      role: 'server (core)',
      pid: server.pid,
      ran: `sweep ${SWEEP_SUBNET}.0/24 through the core's discovery.sweepStart (Sweeps → runSweep), callbacks served`,
    });
    processes.push({
      role: 'fleet',
      pid: fleet.pid,
      ran: `sweep: ${SWEEP_PHONES} SimPhones with contact-me listeners on ${SWEEP_SUBNET}.x:${SWEEP_CONTACT_ME_PORT}`,
    });
    const report = await server.call<SweepServerResult>('sweep', { targets: `${SWEEP_SUBNET}.0/24` }, 90_000);
    const phones = await fleet.call<SweepPhone[]>('sweepPhonesCollect', { settleMs: 10_000 }, 60_000);
    return { report, phones };
  } finally {
    await fleet.stop();
    await server.stop();
  }
}

interface UiLoad {
  firstRowAt: number;
  domContentLoaded: number;
  listRequestStart: number;
  listResponseEnd: number;
  listBytes: number;
  rows: number;
}
type UiResult =
  | { skipped: string }
  | {
      pid: number;
      chromium: string;
      rendererBuiltAt: string;
      phones: number;
      renderedRows: number;
      listHandlerMs: number;
      loads: UiLoad[];
      switches: { dom: number; frame: number }[];
      filters: { needle: string; matches: number; dom: number; frame: number }[];
      clears: { dom: number; frame: number }[];
    };

async function ui(): Promise<UiResult> {
  const child = BenchChild.start('ui', 'ui-process.ts');
  try {
    const r = await child.call<UiResult>('run', { phones: PHONES, loads: 7 }, 180_000);
    if (!('skipped' in r))
      processes.push({
        role: 'ui driver',
        pid: r.pid,
        ran: `real core + startUiApi (dist/renderer), playwright-core → headless Chromium ${r.chromium} (own processes)`,
      });
    return r;
  } catch (error) {
    return { skipped: error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : String(error) };
  } finally {
    await child.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);
const x = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

/** How busy the rest of the machine was: a run next to someone else's test suite is not comparable. */
function noiseText(r: RunResult): string {
  return `${r.foreignCpuMs === null ? '–' : fmt(r.foreignCpuMs / 1000)} / ${fmt(r.load1Before)}`;
}

/** Main-thread wall time the core spent in service.handle and, within it, in SQLite transactions (incl. fsync). */
function insideText(r: RunResult): string {
  const i = r.summary.inside;
  return i ? `${fmt(i.handleMs / 1000)} / ${fmt(i.transactionMs / 1000)}` : '–';
}

/** One SQLite transaction (with group commit: one group, its units and its COMMIT): p50 / p99 / max ms. */
function transactionText(r: RunResult): string {
  const i = r.summary.inside;
  return i ? `${fmt(i.transactionP50)} / ${fmt(i.transactionP99)} / ${fmt(i.transactionMax)}` : '–';
}

/** Group commit: COMMITs, requests per COMMIT, one COMMIT (incl. fsync) p50 / p99 ms. */
function groupText(r: RunResult): string {
  const i = r.summary.inside;
  if (!i || i.units === undefined || !i.commits) return '–';
  return `${i.commits} / ${fmt(i.units / i.commits)} / ${fmt(i.commitP50 ?? NaN)} / ${fmt(i.commitP99 ?? NaN)}`;
}

/** Errors over every run of that server, not only the one reported. */
function errorsOf(p: Pair, kind: 'core' | 'floor'): number {
  return p.all.filter((r) => r.server === kind).reduce((n, r) => n + r.errors, 0);
}

function printBurst(p: Pair): void {
  const { core, floor } = p;
  const coreErrors = errorsOf(p, 'core');
  const floorErrors = errorsOf(p, 'floor');
  const perPhone = (r: RunResult): number => r.usage.cpuMs / PHONES;
  const exPerSec = (r: RunResult): number => r.fleet.exchanges / (r.fleet.wallMs / 1000);
  const wallRatio = ratio(core.fleet.wallMs, floor.fleet.wallMs);
  const rows: (string | number)[][] = [
    [
      'wall time to last CleanUp (s)',
      fmt(core.fleet.wallMs / 1000),
      fmt(floor.fleet.wallMs / 1000),
      x(wallRatio),
      `≤ ${TARGET.burstWallRatio}× and ≤ ${TARGET.burstWallMs / 1000} s`,
      verdict(wallRatio <= TARGET.burstWallRatio && core.fleet.wallMs <= TARGET.burstWallMs),
    ],
    ['exchanges per second', fmt(exPerSec(core)), fmt(exPerSec(floor)), x(ratio(exPerSec(core), exPerSec(floor))), '', ''],
    ['exchange latency p50 (ms)', fmt(core.latency.p50), fmt(floor.latency.p50), x(ratio(core.latency.p50, floor.latency.p50)), '', ''],
    ['exchange latency p95 (ms)', fmt(core.latency.p95), fmt(floor.latency.p95), x(ratio(core.latency.p95, floor.latency.p95)), '', ''],
    ['exchange latency p99 (ms)', fmt(core.latency.p99), fmt(floor.latency.p99), x(ratio(core.latency.p99, floor.latency.p99)), '', ''],
    ['exchange latency max (ms)', fmt(core.latency.max), fmt(floor.latency.max), x(ratio(core.latency.max, floor.latency.max)), '', ''],
    ['server CPU per phone (ms)', fmt(perPhone(core)), fmt(perPhone(floor)), x(ratio(perPhone(core), perPhone(floor))), '', ''],
    [
      'server CPU total (s) user+sys',
      `${fmt(core.usage.cpuUserMs / 1000)}+${fmt(core.usage.cpuSystemMs / 1000)}`,
      `${fmt(floor.usage.cpuUserMs / 1000)}+${fmt(floor.usage.cpuSystemMs / 1000)}`,
      '',
      '',
      '',
    ],
    [
      'server peak RSS (MB, sampled 10 ms)',
      fmt(core.usage.peakRssMB),
      fmt(floor.usage.peakRssMB),
      x(ratio(core.usage.peakRssMB, floor.usage.peakRssMB)),
      `≤ ${TARGET.rssMB} MB`,
      verdict(core.usage.peakRssMB <= TARGET.rssMB),
    ],
    ['server max RSS (MB, kernel, whole life)', fmt(core.usage.maxRssMB), fmt(floor.usage.maxRssMB), '', '', ''],
    [
      'server event-loop delay p99 / max (ms)',
      `${fmt(core.usage.eventLoopDelayMs.p99)} / ${fmt(core.usage.eventLoopDelayMs.max)}`,
      `${fmt(floor.usage.eventLoopDelayMs.p99)} / ${fmt(floor.usage.eventLoopDelayMs.max)}`,
      '',
      '',
      '',
    ],
    ['  of which in service.handle / in its SQLite transactions (s)', insideText(core), '', '', '', ''],
    ['  one SQLite transaction incl. commit, p50 / p99 / max (ms)', transactionText(core), '', '', '', ''],
    ['  group commits / requests per commit / COMMIT p50 / p99 (ms)', groupText(core), '', '', '', ''],
    ['fleet CPU (s) (simulated phones)', fmt(core.fleet.fleetCpuMs / 1000), fmt(floor.fleet.fleetCpuMs / 1000), '', '', ''],
    ['errors (all runs)', coreErrors, floorErrors, '', '0', verdict(coreErrors === 0 && floorErrors === 0)],
    ["other processes' CPU during the run (s) / load before", noiseText(core), noiseText(floor), '', '', ''],
  ];
  console.log(table(['burst: ' + PHONES + ' phones at once', 'core', 'floor', 'core/floor', 'target', 'result'], rows));
  const steps = Object.keys(core.latencyByStep);
  console.log(
    '\n' +
      table(
        ['latency by exchange (ms)', 'core p50', 'core p99', 'floor p50', 'floor p99'],
        steps.map((s) => [
          s,
          fmt(core.latencyByStep[s]?.p50),
          fmt(core.latencyByStep[s]?.p99),
          fmt(floor.latencyByStep[s]?.p50),
          fmt(floor.latencyByStep[s]?.p99),
        ]),
      ),
  );
  for (const r of p.all) if (r.errorDetail.length) console.log(`  ${r.server} errors: ${r.errorDetail.join('; ')}`);
}

function printPaced(runs: (Pair & { concurrency: number })[]): void {
  const rows = runs.flatMap((run) => {
    const { concurrency, core, floor } = run;
    const r99 = ratio(core.latency.p99, floor.latency.p99);
    const coreErrors = errorsOf(run, 'core');
    const floorErrors = errorsOf(run, 'floor');
    return [
      [
        `${concurrency} in flight: p99 (ms)`,
        fmt(core.latency.p99),
        fmt(floor.latency.p99),
        x(r99),
        `≤ ${TARGET.pacedP99Ratio}×`,
        verdict(r99 <= TARGET.pacedP99Ratio && coreErrors === 0),
      ],
      [
        `  p50 / max (ms)`,
        `${fmt(core.latency.p50)} / ${fmt(core.latency.max)}`,
        `${fmt(floor.latency.p50)} / ${fmt(floor.latency.max)}`,
        x(ratio(core.latency.p50, floor.latency.p50)),
        '',
        '',
      ],
      [
        `  wall (s) / server CPU per phone (ms)`,
        `${fmt(core.fleet.wallMs / 1000)} / ${fmt(core.usage.cpuMs / PHONES)}`,
        `${fmt(floor.fleet.wallMs / 1000)} / ${fmt(floor.usage.cpuMs / PHONES)}`,
        x(ratio(core.fleet.wallMs, floor.fleet.wallMs)),
        '',
        '',
      ],
      [`  server wall in service.handle / SQLite tx (s)`, insideText(core), '', '', '', ''],
      [`  one SQLite transaction p50 / p99 / max (ms)`, transactionText(core), '', '', '', ''],
      [`  group commits / requests per commit / COMMIT p50 / p99 (ms)`, groupText(core), '', '', '', ''],
      [`  other processes' CPU (s) / load before`, noiseText(core), noiseText(floor), '', '', ''],
      [
        `  peak RSS (MB) / errors (all runs)`,
        `${fmt(core.usage.peakRssMB)} / ${coreErrors}`,
        `${fmt(floor.usage.peakRssMB)} / ${floorErrors}`,
        '',
        '0 errors',
        verdict(coreErrors === 0 && floorErrors === 0),
      ],
    ];
  });
  console.log(table([`paced: ${PHONES} phones`, 'core', 'floor', 'core/floor', 'target', 'result'], rows));
  for (const run of runs)
    for (const r of run.all) if (r.errorDetail.length) console.log(`  ${r.server} @${r.concurrency} errors: ${r.errorDetail.join('; ')}`);
}

function printCodec(results: CodecResult[], svc: ServiceResult | undefined, core?: RunResult, floor?: RunResult): void {
  console.log(
    table(
      ['codec (service side)', 'items', 'bytes', 'µs/op', 'ops/s', 'iterations'],
      results.map((r) => [r.name, r.items, r.bytes, fmt(r.usPerOp), fmt(r.opsPerSec), r.iterations]),
    ),
  );
  const perPhoneUs = results.filter((r) => r.kind !== 'hostile').reduce((n, r) => n + r.usPerOp, 0);
  const parseUs = results.filter((r) => r.kind === 'parse').reduce((n, r) => n + r.usPerOp, 0);
  console.log(`  one phone's messages (3 parses + 3 builds): ${fmt(perPhoneUs / 1000)} ms, of which parsing ${fmt(parseUs / 1000)} ms`);
  if (core && floor) {
    const coreMs = core.usage.cpuMs / PHONES;
    const floorMs = floor.usage.cpuMs / PHONES;
    console.log(
      `  burst server CPU per phone: core ${fmt(coreMs)} ms, floor ${fmt(floorMs)} ms → core above floor ${fmt(coreMs - floorMs)} ms, ` +
        `codec ≈ ${fmt(perPhoneUs / 1000)} ms (${fmt((100 * perPhoneUs) / 1000 / Math.max(1e-9, coreMs - floorMs), 0)} % of the difference, warm JIT), ` +
        `rest: fastify, engine, SQLite, event publishing, GC`,
    );
  }
  if (svc) {
    console.log(
      `  service.handle alone, no sockets (${svc.phones} phones one after another, ${svc.jobsDone} write jobs done): ` +
        `${fmt(svc.perPhoneMs)} ms wall / ${fmt(svc.cpuPerPhoneMs)} ms CPU (all threads) per phone` +
        (core
          ? `; the burst's core CPU per phone beyond it (TLS, HTTP, fastify, GC): ${fmt(core.usage.cpuMs / PHONES - svc.cpuPerPhoneMs)} ms`
          : ''),
    );
  }
}

function printSweep(s: Awaited<ReturnType<typeof sweep>>): void {
  const { report, phones } = s;
  const once = phones.filter((p) => p.contactMe === 1).length;
  const called = phones.filter((p) => p.cleanUps >= 2).length;
  const phoneErrors = phones.reduce((n, p) => n + p.errors + p.violations, 0);
  const rows: (string | number)[][] = [
    [
      'time to complete report (s)',
      fmt(report.reportMs / 1000),
      `≤ ${TARGET.sweepMs / 1000} s`,
      verdict(report.reportMs <= TARGET.sweepMs),
    ],
    ['addresses / probes sent / distinct probed', `${report.total} / ${report.probes} / ${report.distinctProbed}`, '', ''],
    [
      'phones found',
      `${report.phonesFound.length} of ${SWEEP_PHONES}`,
      `${SWEEP_PHONES}`,
      verdict(report.phonesFound.length === SWEEP_PHONES),
    ],
    [
      'outcomes',
      Object.entries(report.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      '',
      '',
    ],
    ['max probes to one address', report.maxProbesPerAddress, '1', verdict(report.maxProbesPerAddress === 1)],
    ['phones that received exactly one contact-me', `${once} of ${SWEEP_PHONES}`, `${SWEEP_PHONES}`, verdict(once === SWEEP_PHONES)],
    ['most probes started in any 1 s', report.maxProbesPerSecond, '≤ 50 (sweep pace)', verdict(report.maxProbesPerSecond <= 50)],
    ['phones that called back and got CleanUp', `${called} of ${SWEEP_PHONES}`, '', ''],
    ['phone errors + violations', phoneErrors, '0', verdict(phoneErrors === 0)],
  ];
  console.log(table([`sweep ${SWEEP_SUBNET}.0/24`, 'measured', 'target', 'result'], rows));
}

function printUi(r: UiResult): void {
  if ('skipped' in r) {
    console.log(`UI: skipped (${r.skipped})`);
    return;
  }
  const navToRows = r.loads.map((l) => l.firstRowAt);
  const dataToRows = r.loads.map((l) => l.firstRowAt - l.listResponseEnd);
  const filterFrame = r.filters.map((f) => f.frame);
  const clearFrame = r.clears.map((f) => f.frame);
  const switchFrame = r.switches.map((v) => v.frame);
  const renderMs = median(switchFrame);
  const filterMs = median(filterFrame);
  const rows: (string | number)[][] = [
    [
      'render: Settings → Phones, table drawn, next frame (ms)',
      `${fmt(renderMs)} (DOM ${fmt(median(r.switches.map((v) => v.dom)))}; runs ${switchFrame.map((v) => fmt(v, 0)).join(', ')})`,
      `≤ ${TARGET.uiMs} ms`,
      verdict(renderMs <= TARGET.uiMs),
    ],
    [
      'cold load: navigation → first phone row (ms)',
      `${fmt(median(navToRows))} (runs ${navToRows.map((v) => fmt(v, 0)).join(', ')})`,
      '',
      '',
    ],
    [
      'phones.list answered at (ms after navigation)',
      `${fmt(median(r.loads.map((l) => l.listResponseEnd)))} (${fmt(median(r.loads.map((l) => l.listBytes)) / 1024)} kB; handler alone ${fmt(r.listHandlerMs)} ms)`,
      '',
      '',
    ],
    [
      'cold load: phones.list answered → first row (ms)',
      `${fmt(median(dataToRows))} (runs ${dataToRows.map((v) => fmt(v, 0)).join(', ')}; app start-up still running)`,
      '',
      '',
    ],
    [
      'filter: input → rows updated, next frame (median ms)',
      `${fmt(filterMs)} (DOM ${fmt(median(r.filters.map((f) => f.dom)))})`,
      `≤ ${TARGET.uiMs} ms`,
      verdict(filterMs <= TARGET.uiMs),
    ],
    ['filter: slowest (ms)', fmt(Math.max(...filterFrame)), '', ''],
    ['clear filter → all rows again (median ms)', fmt(median(clearFrame)), '', ''],
  ];
  console.log(table([`UI: ${r.phones} phones, ${r.renderedRows} rows rendered (virtualised)`, 'measured', 'target', 'result'], rows));
  console.log(
    '\n' +
      table(
        ['filter', 'matches', 'DOM (ms)', 'frame (ms)'],
        r.filters.map((f) => [JSON.stringify(f.needle), f.matches, fmt(f.dom), fmt(f.frame)]),
      ),
  );
  console.log(`  renderer build: dist/renderer from ${r.rendererBuiltAt}; Chromium ${r.chromium}`);
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// File server: FILE_PHONES phones fetch one FILE_MB image at once, Fieldstage's FileServer beside
// a plain node:https static server, in the same run.

interface FileRun {
  kind: 'fieldstage' | 'plain';
  wallMs: number;
  mbPerS: number;
  complete: number;
  peakRssMB: number;
}

async function fileServerRun(kind: FileRun['kind']): Promise<FileRun> {
  const server = BenchChild.start(`files-${kind}`, 'files-process.ts', ['server']);
  const client = BenchChild.start('files-client', 'files-process.ts', ['client']);
  try {
    const started = await server.call<{ port: number; path: string; size: number }>('start', { kind, sizeMB: FILE_MB });
    processes.push({ role: `file server (${kind})`, pid: server.pid, ran: `${FILE_PHONES} × ${FILE_MB} MB` });
    processes.push({ role: 'file client', pid: client.pid, ran: `${FILE_PHONES} downloads vs ${kind}` });
    await server.call('measureStart');
    const fetched = await client.call<{ wallMs: number; mbPerS: number; complete: number }>(
      'fetchAll',
      { port: started.port, path: started.path, phones: FILE_PHONES, size: started.size },
      600_000,
    );
    const usage = await server.call<{ peakRssMB: number }>('measureStop');
    return { kind, ...fetched, peakRssMB: usage.peakRssMB };
  } finally {
    await server.call('exit').catch(() => undefined);
    await client.call('exit').catch(() => undefined);
  }
}

function printFiles(runs: FileRun[]): void {
  const plain = runs.find((r) => r.kind === 'plain');
  const ours = runs.find((r) => r.kind === 'fieldstage');
  if (!plain || !ours) return;
  const ratio = ours.mbPerS / plain.mbPerS;
  console.log(
    table(
      [`file server: ${FILE_PHONES} phones × ${FILE_MB} MB at once`, 'fieldstage', 'plain node:https', 'target', 'result'],
      [
        [
          'aggregate throughput (MB/s)',
          fmt(ours.mbPerS),
          fmt(plain.mbPerS),
          `≥ ${TARGET.fileThroughputRatio}× plain (${fmt(ratio)}×)`,
          verdict(ratio >= TARGET.fileThroughputRatio),
        ],
        ['downloads complete', ours.complete, plain.complete, `${FILE_PHONES}`, verdict(ours.complete === FILE_PHONES)],
        ['wall time (s)', fmt(ours.wallMs / 1000), fmt(plain.wallMs / 1000), '', ''],
        [
          'server peak RSS (MB)',
          fmt(ours.peakRssMB),
          fmt(plain.peakRssMB),
          `≤ ${TARGET.fileRssMB}`,
          verdict(ours.peakRssMB <= TARGET.fileRssMB),
        ],
      ],
    ),
  );
}

interface RolloutRun {
  rows: number;
  problems: number;
  floorMs: number;
  previewMs: number;
  confirmMs: number;
  statusMs: number;
  filterMs: number;
  statusRows: number;
}

async function rolloutRun(): Promise<RolloutRun> {
  const child = BenchChild.start('rollout', 'rollout-process.ts', []);
  try {
    processes.push({ role: 'rollout (core)', pid: child.pid, ran: `${ROLLOUT_ROWS}-row list: preview, confirm, status` });
    return await child.call<RolloutRun>('run', { rows: ROLLOUT_ROWS }, 600_000);
  } finally {
    await child.call('exit').catch(() => undefined);
  }
}

function printRollout(r: RolloutRun): void {
  const view = r.statusMs + r.filterMs;
  console.log(
    table(
      [`roll-out: ${r.rows}-row extension list`, 'fieldstage', 'floor (csv-parse only)', 'target', 'result'],
      [
        ['preview: read + check every row (ms)', fmt(r.previewMs), fmt(r.floorMs), '', verdict(r.problems === 0)],
        ['confirm: pre-stage phones + queue jobs (ms)', fmt(r.confirmMs), '', '', ''],
        [
          'view: status + filter (ms)',
          fmt(view),
          '',
          `≤ ${TARGET.rolloutViewMs}`,
          verdict(view <= TARGET.rolloutViewMs && r.statusRows === r.rows),
        ],
      ],
    ),
  );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const cpuList = cpus();
  console.log(`Fieldstage benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpuList.length} cores (${cpuList[0]?.model ?? '?'}), ${fmt(totalmem() / 2 ** 30)} GB RAM (${fmt(freemem() / 2 ** 30)} GB free), ` +
      `Node ${process.version}, ${process.platform}/${process.arch}; orchestrator pid ${process.pid}`,
  );
  console.log(
    `phones: ${PHONES}; every server and fleet runs in its own child process (listed at the end); load before: ${fmt(load1())}\n`,
  );
  const out: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    cores: cpuList.length,
    cpu: cpuList[0]?.model,
    node: process.version,
    phones: PHONES,
    targets: TARGET,
  };

  let codecResults: CodecResult[] | undefined;
  let serviceResult: ServiceResult | undefined;
  if (ONLY.has('codec')) {
    codecResults = (await codec()).results;
    out.codec = codecResults;
    if (SERVICE) {
      serviceResult = await service();
      out.service = serviceResult;
    }
  }

  const repeatNote = REPEAT > 1 ? `; best of ${REPEAT} runs each (floor and core interleaved), all walls listed` : '';
  let burst: Pair | undefined;
  if (ONLY.has('burst')) {
    console.log(`== burst: ${PHONES} phones boot at once (start-up → ReadAllItems 329 items → WriteItems 40 → CleanUp)${repeatNote}`);
    burst = await pair(PHONES, PROFILE);
    out.burst = burst;
    printBurst(burst);
    printWalls(burst);
    console.log('');
  }

  if (ONLY.has('paced')) {
    console.log(`== paced: the same ${PHONES} phones, ${PACED.join(' and ')} start-ups in flight${repeatNote}`);
    const runs: (Pair & { concurrency: number })[] = [];
    for (const concurrency of PACED) runs.push({ concurrency, ...(await pair(concurrency, false)) });
    out.paced = runs;
    printPaced(runs);
    for (const run of runs) printWalls(run);
    console.log('');
  }

  if (codecResults) {
    console.log("== codec: the service parser/builder alone on the burst's messages (own process, warm JIT)");
    printCodec(codecResults, serviceResult, burst?.core, burst?.floor);
    console.log('');
  }

  if (ONLY.has('sweep')) {
    console.log(`== sweep: ${SWEEP_SUBNET}.0/24, ${SWEEP_PHONES} simulated phones, the rest unbound (refuse at once)`);
    const s = await sweep();
    out.sweep = s;
    printSweep(s);
    console.log('');
  }

  if (ONLY.has('files')) {
    console.log(`== files: ${FILE_PHONES} phones fetch a ${FILE_MB} MB image at once (plain node:https first, then Fieldstage)`);
    const runs = [await fileServerRun('plain'), await fileServerRun('fieldstage')];
    out.files = runs;
    printFiles(runs);
  }
  if (ONLY.has('rollout')) {
    console.log(`== rollout: a ${ROLLOUT_ROWS}-row extension list (Windows-1252, ;) through the real core`);
    const r = await rolloutRun();
    out.rollout = r;
    printRollout(r);
    console.log('');
  }
  if (ONLY.has('ui')) {
    console.log(`== UI: phones table with ${PHONES} phones in headless Chromium (load before: ${fmt(load1())})`);
    const r = await ui();
    out.ui = r;
    printUi(r);
    console.log('');
  }

  if (burst?.core.profile) {
    const p = burst.core.profile;
    console.log(
      `== CPU profile of the core server (whole process life, start-up included; the profiler slows it): ` +
        `${fmt(p.totalMs)} ms busy, ${fmt(p.idleMs)} ms idle\n   ${p.file}\n` +
        '   native calls (SQLite statements, COMMIT with its fsync) count as self time of the JS function calling them',
    );
    console.log(
      table(
        ['by package / subsystem (self time)', 'ms', 'share'],
        p.groups.slice(0, 15).map((g) => [g.group, fmt(g.selfMs), `${fmt(100 * g.share, 1)} %`]),
      ),
    );
    console.log(
      '\n' +
        table(
          ['top functions (self time)', 'where', 'ms', 'share'],
          p.functions.map((f) => [f.name, f.where, fmt(f.selfMs), `${fmt(100 * f.share, 1)} %`]),
        ),
    );
    console.log('');
  }

  console.log(`== processes (${cpuList.length} cores shared by all of them; no pinning)`);
  // One line per kind of process; repeated runs list their pids together.
  const grouped = new Map<string, { role: string; pids: number[]; ran: string }>();
  for (const p of [{ role: 'orchestrator', pid: process.pid, ran: 'bench/run.ts: starts children, collects, prints' }, ...processes]) {
    const key = `${p.role}|${p.ran}`;
    const entry = grouped.get(key) ?? { role: p.role, pids: [], ran: p.ran };
    entry.pids.push(p.pid);
    grouped.set(key, entry);
  }
  console.log(
    table(
      ['role', 'pid(s)', 'what ran there'],
      [...grouped.values()].map((g) => [g.role, g.pids.join(', '), g.ran]),
    ),
  );

  out.processes = processes;
  out.durationMs = Date.now() - t0;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`\nresults: ${file}  (whole run ${fmt((Date.now() - t0) / 1000)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
