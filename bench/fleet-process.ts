/**
 * The phones' side, in its own process: a fleet of simulated OpenStage phones (test/sim) on their
 * own loopback addresses. Every HTTPS request is timed through the simulator's request observer.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createFleet, fleetIp, fleetMac, type Fleet } from '../test/sim/fleet.js';
import { SimPhone } from '../test/sim/phone.js';
import { observeRequests } from '../test/sim/transport.js';
import { serveParent } from './lib/ipc.js';

interface BurstArgs {
  port: number;
  count: number;
  firstSubnet: number;
  firstMac: number;
  /** Start-ups in flight at once; = count for "all at once". */
  concurrency: number;
  /** NAT: all phones behind this one loopback address. */
  natAddress?: string;
}

/** Which exchange of a flow a request was: 0 start-up (new TLS connection), 1 ReadAllItems reply, 2 WriteItems reply. */
const STEP_NAMES = ['start-up', 'reply ReadAllItems', 'reply WriteItems'];

let sweepPhones: SimPhone[] = [];

async function burst(args: BurstArgs) {
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  const byStep: number[][] = STEP_NAMES.map(() => []);
  const seen = new Map<string, number>();
  const requestErrors: string[] = [];
  // A request names only its source address: behind NAT the phones, and so their steps, cannot be told apart.
  const byAddress = !args.natAddress;
  observeRequests((t) => {
    const step = seen.get(t.localAddress) ?? 0;
    seen.set(t.localAddress, step + 1);
    if (t.error) {
      requestErrors.push(`${t.localAddress}: ${t.error}`);
      return;
    }
    latencies.push(t.ms);
    if (byAddress) byStep[Math.min(step, byStep.length - 1)]?.push(t.ms);
  });

  const fleet: Fleet = createFleet({
    count: args.count,
    server: { host: '127.0.0.1', port: args.port },
    firstSubnet: args.firstSubnet,
    firstMac: args.firstMac,
    contactMePort: 0,
    requestTimeoutMs: 60_000,
    ...(args.natAddress ? { natAddress: args.natAddress } : {}),
  });
  let lastCleanUp = 0;
  let cleanUps = 0;
  const outcomes: Record<string, number> = {};
  for (const phone of fleet.phones) {
    phone.on('clean-up', () => {
      cleanUps++;
      lastCleanUp = performance.now();
    });
    phone.on('flow-end', (end) => {
      outcomes[end.outcome] = (outcomes[end.outcome] ?? 0) + 1;
    });
  }

  const t0 = performance.now();
  await fleet.startAll({ concurrency: args.concurrency });
  await fleet.waitForIdle(120_000);
  const finished = performance.now();
  const cpu = process.cpuUsage(cpu0);
  observeRequests(undefined);

  const totals = fleet.totals();
  const errors = fleet.phones.flatMap((p) => p.errors.map((e) => `${p.mac}: ${e}`));
  const violations = fleet.phones.flatMap((p) => p.violations.map((v) => `${p.mac}: ${v}`));
  const wrongExchangeCount = fleet.phones.filter((p) => p.stats.exchanges !== 3).length;
  await fleet.stopAll();
  return {
    wallMs: (cleanUps ? lastCleanUp : finished) - t0,
    idleMs: finished - t0,
    phones: fleet.phones.length,
    flows: totals.flows,
    exchanges: totals.exchanges,
    cleanUps,
    outcomes,
    latencies,
    byStep: Object.fromEntries(STEP_NAMES.map((name, i) => [name, byStep[i] ?? []])),
    errorCount: errors.length + requestErrors.length,
    errors: [...errors, ...requestErrors].slice(0, 10),
    violationCount: violations.length,
    violations: violations.slice(0, 10),
    wrongExchangeCount,
    fleetCpuMs: (cpu.user + cpu.system) / 1000,
    fleetPeakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

serveParent({
  info: () => ({ pid: process.pid, cores: cpus().length }),
  macs: ({ count, firstMac }: { count: number; firstMac: number }) => Array.from({ length: count }, (_, i) => fleetMac(firstMac, i)),
  ips: ({ count, firstSubnet }: { count: number; firstSubnet: number }) =>
    Array.from({ length: count }, (_, i) => fleetIp('127.0.', firstSubnet, i)),
  burst,
  /** Sweep targets: phones with a contact-me listener on `ips`, booted once so the service knows them. */
  async sweepPhonesStart({ ips, port, contactMePort, firstMac }: { ips: string[]; port: number; contactMePort: number; firstMac: number }) {
    sweepPhones = ips.map(
      (ip, i) =>
        new SimPhone({ ip, mac: fleetMac(firstMac, i), server: { host: '127.0.0.1', port }, contactMePort, requestTimeoutMs: 30_000 }),
    );
    for (const phone of sweepPhones) await phone.start();
    await Promise.all(sweepPhones.map((p) => p.waitForIdle(60_000)));
    return { started: sweepPhones.length };
  },
  async sweepPhonesCollect({ settleMs }: { settleMs: number }) {
    // Callbacks run after the acknowledgement; give them time to finish.
    const end = performance.now() + settleMs;
    while (performance.now() < end && !sweepPhones.every((p) => p.idle && p.stats.flows >= 2)) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(sweepPhones.map((p) => p.waitForIdle(10_000).catch(() => undefined)));
    const result = sweepPhones.map((p) => ({
      ip: p.ip,
      contactMe: p.stats.contactMeReceived,
      ignored: p.stats.contactMeIgnored,
      flows: p.stats.flows,
      cleanUps: p.stats.cleanUps,
      errors: p.errors.length,
      violations: p.violations.length,
    }));
    await Promise.all(sweepPhones.map((p) => p.stop()));
    sweepPhones = [];
    return result;
  },
  exit: () => ({ ok: true }),
});
