/**
 * `npm run bench` — provisioning, codec, sweep and renderer benchmarks (see bench/README.md).
 *
 * Options: --phones N (default 1000)   --only codec,burst,paced,sweep,ui,files,rollout,nat,prefilled,list   --paced 10,50
 * --nat-phones N (default 200): phones behind one address   --prefilled-phones N (default 10,000): stored before the burst
 * --file-phones N (default 100)   --file-mb N (default 60): the file-server case
 * --repeat N (runs per provisioning configuration, fastest reported; default 2)   --no-service
 * --profile (CPU-profile the last core burst run and print where its time goes)
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK_ONLY_ENV } from '../electron/core/egress/egress.js';
import { BenchChild } from './lib/ipc.js';
import { busyBetween, cpuSnapshot, load1 } from './lib/machine.js';
import { summarizeProfile, type ProfileSummary } from './lib/cpuprofile.js';
import type { ListTiming } from './lib/list-timing.js';
import { PREFILLED_DATA_DIR_ENV, type PrefillResult } from './lib/prefill.js';
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
const ONLY = new Set((option('only') ?? 'codec,burst,paced,sweep,ui,files,rollout,nat,prefilled,list').split(',').filter(Boolean));
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
const NAT_PHONES = Number(option('nat-phones') ?? 200);
/** The one address the NAT fleet's phones share (a branch office behind one router). */
const NAT_ADDRESS = '127.0.65.1';
const PREFILLED_PHONES = Number(option('prefilled-phones') ?? 10_000);
/** Prefilled phones: MACs apart from the fleet's, addresses 127.0.70.x onwards (10,000 phones end at 127.0.109.x). */
const PREFILL_FIRST_MAC = 0x700001;
const PREFILL_SUBNET = 70;
/** phones.list: untimed calls first (JIT, SQLite page cache), then the timed ones. */
const LIST_WARMUP = 5;
const LIST_CALLS = 25;

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
  /** NAT burst and burst into a prefilled database, each against the plain burst in the same run. */
  variantWallRatio: 1.2,
  /** phones.list with the prefilled phones: median and p95 of one call. */
  phonesListMs: 50,
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

/** What a provisioning run varies besides the server: fleet size, NAT, a prefilled database. */
interface RunSetup {
  phones: number;
  /** All phones behind this one loopback address. */
  natAddress?: string;
  /** Phones stored in the core before the burst (bench/lib/prefill.ts); they never call. */
  prefilled?: number;
  /** Time phones.list after the prefill, before the burst. */
  timeList?: boolean;
}

type PrefillRun = PrefillResult & { pid: number; cpuMs: number; maxRssMB: number };

type ListRun = ListTiming & { peakRssMB: number };

interface RunResult {
  server: 'core' | 'floor';
  concurrency: number;
  setup: RunSetup;
  prefill?: PrefillRun;
  list?: ListRun;
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

function fleetText(setup: RunSetup): string {
  const phones = setup.phones;
  if (setup.natAddress) return `${phones} SimPhones behind ${setup.natAddress}`;
  return `${phones} SimPhones on 127.0.${FLEET_SUBNET}.x–127.0.${FLEET_SUBNET + Math.floor((phones - 1) / 254)}.x`;
}

function setupText(setup: RunSetup): string {
  const prefilled = setup.prefilled ? `, ${setup.prefilled} phones prefilled` : '';
  return `${setup.natAddress ? 'NAT ' : ''}${setup.phones} phones${prefilled}`;
}

/** A data folder holding `count` phones (prefill-process.ts), for a server child to open. */
async function prefilledDataDir(count: number): Promise<{ dataDir: string; prefill: PrefillRun }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstage-bench-prefilled-'));
  const child = BenchChild.start('prefill', 'prefill-process.ts');
  try {
    const prefill = await child.call<PrefillRun>(
      'fill',
      { dataDir, range: { count, firstMac: PREFILL_FIRST_MAC, firstSubnet: PREFILL_SUBNET } },
      900_000,
    );
    processes.push({ role: 'prefill', pid: prefill.pid, ran: `${count} phones stored through the Store API (core not started)` });
    return { dataDir, prefill };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    await child.stop();
  }
}

/** The server child's environment: the prefilled folder to open, if any. */
function serverEnv(filled: { dataDir: string } | undefined): NodeJS.ProcessEnv {
  return filled ? { [PREFILLED_DATA_DIR_ENV]: filled.dataDir } : {};
}

function timeList(server: BenchChild): Promise<ListRun> {
  return server.call<ListRun>('listTiming', { warmup: LIST_WARMUP, calls: LIST_CALLS }, 600_000);
}

async function provisioning(
  kind: 'core' | 'floor',
  concurrency: number,
  profile: boolean,
  setup: RunSetup = { phones: PHONES },
): Promise<RunResult> {
  const phones = setup.phones;
  // Outside the repo: .gitignore only covers bench/results/*.json.
  const profileDir = join(tmpdir(), 'fieldstage-bench-profiles', stamp);
  if (profile) mkdirSync(profileDir, { recursive: true });
  const filled = kind === 'core' && setup.prefilled ? await prefilledDataDir(setup.prefilled) : undefined;
  const server = BenchChild.start(`server-${kind}`, 'server-process.ts', [kind], {
    env: serverEnv(filled),
    nodeFlags: [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'] : []),
      // For experiments only, e.g. an --import preload that patches the server.
      ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
  const fleet = BenchChild.start(`fleet`, 'fleet-process.ts');
  try {
    const started = await server.call<{ port: number; pid: number }>('start');
    const list = filled && setup.timeList ? await timeList(server) : undefined;
    const macs = await fleet.call<string[]>('macs', { count: phones, firstMac: FLEET_FIRST_MAC });
    await server.call('stage', { macs });
    const label = `${concurrency >= phones ? 'burst' : `paced ${concurrency}`}${setup.natAddress ? ' (NAT)' : ''}${setup.prefilled ? ` (${setup.prefilled} prefilled)` : ''}`;
    processes.push({
      role: `server (${kind})`,
      pid: server.pid,
      ran: `${label}: ${kind === 'core' ? 'createCore — fastify/TLS, WPI engine, SQLite' : 'node:https floor server'}`,
    });
    processes.push({ role: 'fleet', pid: fleet.pid, ran: `${label} vs ${kind}: ${fleetText(setup)}` });
    const load1Before = load1();
    const mine0 = process.cpuUsage();
    const machine0 = cpuSnapshot();
    await server.call('measureStart');
    const result = await fleet.call<FleetResult>(
      'burst',
      {
        port: started.port,
        count: phones,
        firstSubnet: FLEET_SUBNET,
        firstMac: FLEET_FIRST_MAC,
        concurrency,
        ...(setup.natAddress ? { natAddress: setup.natAddress } : {}),
      },
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
    const missing = phones - result.cleanUps;
    if (missing) errorDetail.push(`${missing} phone(s) without CleanUp`);
    if (result.errorCount) errorDetail.push(`${result.errorCount} phone error(s): ${result.errors.slice(0, 3).join(' | ')}`);
    if (result.violationCount)
      errorDetail.push(`${result.violationCount} protocol violation(s): ${result.violations.slice(0, 3).join(' | ')}`);
    if (result.wrongExchangeCount) errorDetail.push(`${result.wrongExchangeCount} phone(s) without exactly 3 exchanges`);
    if (summary.warningCount) errorDetail.push(`${summary.warningCount} server warning(s): ${summary.warnings.slice(0, 3).join(' | ')}`);
    if (kind === 'core') {
      const done = summary.jobStates?.['done'] ?? 0;
      if (done !== phones) errorDetail.push(`write jobs done ${done}/${phones} (${JSON.stringify(summary.jobStates)})`);
      if (summary.inventoryComplete !== phones) errorDetail.push(`inventory complete ${summary.inventoryComplete}/${phones}`);
    }
    const errors =
      missing +
      result.errorCount +
      result.violationCount +
      result.wrongExchangeCount +
      summary.warningCount +
      (kind === 'core' ? phones - (summary.jobStates?.['done'] ?? 0) : 0);

    const run: RunResult = {
      server: kind,
      concurrency,
      setup,
      ...(filled ? { prefill: filled.prefill } : {}),
      ...(list ? { list } : {}),
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
    // The server removes it at exit; this covers a server that never got that far.
    if (filled) rmSync(filled.dataDir, { recursive: true, force: true });
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
  const core = fastest(all.filter((r) => r.server === 'core'));
  const profiled = all.find((r) => r.profile);
  return {
    core: profiled && !core.profile ? { ...core, profile: profiled.profile } : core,
    floor: fastest(all.filter((r) => r.server === 'floor')),
    all,
  };
}

/** The least disturbed run: the fastest one not slowed by the profiler (if there is one). */
function fastest(runs: RunResult[]): RunResult {
  const unprofiled = runs.filter((r) => !r.profile);
  return (unprofiled.length ? unprofiled : runs).reduce((a, b) => (b.fleet.wallMs < a.fleet.wallMs ? b : a));
}

/** A variant of the core burst against the plain one: NAT, or a prefilled database. */
interface Versus {
  reference: RunResult;
  variant: RunResult;
  /** Every run, in the order they ran. */
  all: RunResult[];
}

/** The plain burst and the variant against the core, REPEAT times interleaved; the fastest of each is reported. */
async function versus(reference: RunSetup, variant: RunSetup): Promise<Versus> {
  const all: RunResult[] = [];
  for (let i = 0; i < REPEAT; i++) {
    all.push(await provisioning('core', reference.phones, false, reference));
    all.push(await provisioning('core', variant.phones, false, variant));
  }
  return {
    reference: fastest(all.filter((r) => r.setup === reference)),
    variant: fastest(all.filter((r) => r.setup === variant)),
    all,
  };
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

/** `--only list` without `prefilled`: a core with the prefilled phones, phones.list timed, no burst. */
async function listOnly(): Promise<{ prefill: PrefillRun; list: ListRun }> {
  const filled = await prefilledDataDir(PREFILLED_PHONES);
  const server = BenchChild.start('server-core', 'server-process.ts', ['core'], { env: serverEnv(filled) });
  try {
    await server.call('start');
    processes.push({ role: 'server (core)', pid: server.pid, ran: `opened ${PREFILLED_PHONES} prefilled phones, phones.list timed` });
    return { prefill: filled.prefill, list: await timeList(server) };
  } finally {
    await server.stop();
    rmSync(filled.dataDir, { recursive: true, force: true });
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

/** Errors over every run of that setup, not only the one reported. */
function errorsOfSetup(v: Versus, setup: RunSetup): number {
  return v.all.filter((r) => r.setup === setup).reduce((n, r) => n + r.errors, 0);
}

/** A variant burst (NAT, prefilled) beside the plain core burst of the same phones, same run. */
function printVersus(title: string, v: Versus): void {
  const { reference: ref, variant: vr } = v;
  const perPhone = (r: RunResult): number => r.usage.cpuMs / r.setup.phones;
  const exPerSec = (r: RunResult): number => r.fleet.exchanges / (r.fleet.wallMs / 1000);
  const wallRatio = ratio(vr.fleet.wallMs, ref.fleet.wallMs);
  const varErrors = errorsOfSetup(v, vr.setup);
  const refErrors = errorsOfSetup(v, ref.setup);
  const rssOk = Math.max(vr.usage.peakRssMB, ref.usage.peakRssMB) <= TARGET.rssMB;
  const rows: (string | number)[][] = [
    [
      'wall time to last CleanUp (s)',
      fmt(vr.fleet.wallMs / 1000),
      fmt(ref.fleet.wallMs / 1000),
      x(wallRatio),
      `≤ ${TARGET.variantWallRatio}×`,
      verdict(wallRatio <= TARGET.variantWallRatio),
    ],
    ['server CPU per phone (ms)', fmt(perPhone(vr)), fmt(perPhone(ref)), x(ratio(perPhone(vr), perPhone(ref))), '', ''],
    ['exchanges per second', fmt(exPerSec(vr)), fmt(exPerSec(ref)), x(ratio(exPerSec(vr), exPerSec(ref))), '', ''],
    ['exchange latency p50 (ms)', fmt(vr.latency.p50), fmt(ref.latency.p50), x(ratio(vr.latency.p50, ref.latency.p50)), '', ''],
    ['exchange latency p99 (ms)', fmt(vr.latency.p99), fmt(ref.latency.p99), x(ratio(vr.latency.p99, ref.latency.p99)), '', ''],
    [
      'server peak RSS during the burst (MB, sampled 10 ms)',
      fmt(vr.usage.peakRssMB),
      fmt(ref.usage.peakRssMB),
      '',
      `≤ ${TARGET.rssMB} MB`,
      verdict(rssOk),
    ],
    ['server max RSS (MB, kernel, whole life)', fmt(vr.usage.maxRssMB), fmt(ref.usage.maxRssMB), '', '', ''],
    ['  of which in service.handle / in its SQLite transactions (s)', insideText(vr), insideText(ref), '', '', ''],
    ['  group commits / requests per commit / COMMIT p50 / p99 (ms)', groupText(vr), groupText(ref), '', '', ''],
    ['fleet CPU (s) (simulated phones)', fmt(vr.fleet.fleetCpuMs / 1000), fmt(ref.fleet.fleetCpuMs / 1000), '', '', ''],
    ['errors (all runs)', varErrors, refErrors, '', '0', verdict(varErrors === 0 && refErrors === 0)],
    ["other processes' CPU during the run (s) / load before", noiseText(vr), noiseText(ref), '', '', ''],
  ];
  console.log(table([title, setupText(vr.setup), `plain ${setupText(ref.setup)}`, 'ratio', 'target', 'result'], rows));
  for (const r of v.all) if (r.errorDetail.length) console.log(`  ${setupText(r.setup)} errors: ${r.errorDetail.join('; ')}`);
}

function printWallsVersus(v: Versus): void {
  if (v.all.length <= 2) return;
  const walls = (setup: RunSetup): string =>
    v.all
      .filter((r) => r.setup === setup)
      .map((r) => `${fmt(r.fleet.wallMs / 1000)} s${r.errors ? ` (${r.errors} errors)` : ''}`)
      .join(', ');
  console.log(`  all runs: ${setupText(v.variant.setup)} ${walls(v.variant.setup)}; plain ${walls(v.reference.setup)}`);
}

/** How the database was filled before measuring (not a target: the bench's own set-up). */
function printPrefill(prefills: (PrefillRun | undefined)[]): void {
  for (const p of prefills) {
    if (!p) continue;
    console.log(
      `  prefill: ${p.phones} phones, ${p.inventoryItems} inventory items, ${p.jobs} done jobs, ${p.exchanges} exchanges ` +
        `through the Store API in ${p.transactions} transactions: ${fmt(p.ms / 1000)} s (${fmt(p.cpuMs / 1000)} s CPU), ` +
        `max RSS of the prefill process ${fmt(p.maxRssMB)} MB (its own process; the server opens the closed database)`,
    );
  }
}

function printList(l: ListRun): void {
  const rows = l.cases.map((c) => {
    const ok = c.handler.p50 <= TARGET.phonesListMs && c.handler.p95 <= TARGET.phonesListMs;
    return [
      `${c.name}: ${c.rows} rows`,
      `${fmt(c.handler.p50)} / ${fmt(c.handler.p95)}`,
      `${fmt(c.floor.p50)} / ${fmt(c.floor.p95)}`,
      x(ratio(c.handler.p50, c.floor.p50)),
      `≤ ${TARGET.phonesListMs} ms`,
      verdict(ok),
    ];
  });
  rows.push([
    'server peak RSS while timing (MB, sampled 10 ms)',
    fmt(l.peakRssMB),
    '',
    '',
    `≤ ${TARGET.rssMB} MB`,
    verdict(l.peakRssMB <= TARGET.rssMB),
  ]);
  console.log(
    table(
      [
        `phones.list with ${l.phones} phones (${l.calls} calls after ${l.warmup})`,
        'handler median / p95 (ms)',
        'floor: SELECT * median / p95 (ms)',
        'median ratio',
        'target',
        'result',
      ],
      rows,
    ),
  );
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

  if (ONLY.has('nat')) {
    console.log(`== nat: ${NAT_PHONES} phones behind ${NAT_ADDRESS} boot at once, beside the plain burst of ${NAT_PHONES}${repeatNote}`);
    const v = await versus({ phones: NAT_PHONES }, { phones: NAT_PHONES, natAddress: NAT_ADDRESS });
    out.nat = v;
    printVersus(`nat: ${NAT_PHONES} phones at once`, v);
    printWallsVersus(v);
    console.log('');
  }

  let list: ListRun | undefined;
  if (ONLY.has('prefilled')) {
    console.log(
      `== prefilled: ${PHONES} phones boot at once into a database of ${PREFILLED_PHONES} phones, beside the plain burst${repeatNote}`,
    );
    const v = await versus({ phones: PHONES }, { phones: PHONES, prefilled: PREFILLED_PHONES, timeList: ONLY.has('list') });
    out.prefilled = v;
    printVersus(`prefilled: ${PHONES} phones at once`, v);
    printWallsVersus(v);
    printPrefill(v.all.map((r) => r.prefill));
    list = v.variant.list;
    console.log('');
  }
  if (ONLY.has('list')) {
    console.log(`== list: phones.list through the core's handlers with ${PREFILLED_PHONES} phones stored`);
    if (!list) {
      const r = await listOnly();
      printPrefill([r.prefill]);
      list = r.list;
    }
    out.list = list;
    if (list) printList(list);
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
