/**
 * Runs a fleet of simulated phones against a running Fieldstage:
 *
 *   npm run sim -- --phones 20 --server 127.0.0.1:18443 [--busy 2] [--max-items 10] [--legacy 1]
 *
 * Prints every phone, then a live summary; every violation or error is printed as it happens.
 * Ctrl-C stops all phones; the exit code is 1 if any phone saw a protocol violation.
 */
import { parseArgs } from 'node:util';
import { createFleet } from './fleet.js';
import type { SimPhoneStats } from './phone.js';

const HELP = `usage: npm run sim -- --server HOST:PORT [options]
  --phones N         number of phones (default 20)
  --server H:P       Fieldstage phone port, e.g. 127.0.0.1:18443 (required)
  --path P           request path (default /DeploymentService/LoginService)
  --busy N           the first N phones are in a call
  --legacy N         the last N phones use Connection: close (one TLS connection per request)
  --max-items N      items per message the phones accept and send (default -1 = unlimited)
  --firmware V       software version, e.g. "V3 R5.12.0" (default V3 R1.41.1)
  --base-ip P        loopback prefix, phones get P<x>.<y> (default 127.0.)
  --nat A            NAT mode: all phones share the loopback address A (e.g. 127.0.9.1)
  --contact-port N   contact-me listener port (default 8085)
  --contact-gap S    contact gap in seconds (default 300)
  --concurrency N    phones booting at the same time (default 8)`;

function fail(text: string): never {
  console.error(`${text}\n\n${HELP}`);
  process.exit(2);
}

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) fail(`--${name} needs a whole number, got "${value}"`);
  return n;
}

function summary(t: SimPhoneStats, violations: number, errors: number): string {
  return (
    `flows ${t.flows}  exchanges ${t.exchanges}  clean-ups ${t.cleanUps}  restarts ${t.restarts}  ` +
    `factory-resets ${t.factoryResets}  contact-me ${t.contactMeReceived} (ignored ${t.contactMeIgnored})  ` +
    `violations ${violations}  errors ${errors}`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phones: { type: 'string' },
      server: { type: 'string' },
      path: { type: 'string' },
      busy: { type: 'string' },
      legacy: { type: 'string' },
      'max-items': { type: 'string' },
      firmware: { type: 'string' },
      'base-ip': { type: 'string' },
      nat: { type: 'string' },
      'contact-port': { type: 'string' },
      'contact-gap': { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const match = /^(.+):(\d+)$/.exec(values.server ?? '');
  if (!match?.[1] || !match[2]) fail('--server HOST:PORT is required');
  const count = int(values.phones, 'phones', 20);
  const busy = int(values.busy, 'busy', 0);
  const legacy = int(values.legacy, 'legacy', 0);

  const fleet = createFleet({
    count,
    server: { host: match[1], port: Number(match[2]), ...(values.path ? { path: values.path } : {}) },
    maxItems: int(values['max-items'], 'max-items', -1),
    contactMePort: int(values['contact-port'], 'contact-port', 8085),
    contactGapMs: int(values['contact-gap'], 'contact-gap', 300) * 1000,
    ...(values.firmware ? { softwareVersion: values.firmware } : {}),
    ...(values['base-ip'] ? { baseIp: values['base-ip'] } : {}),
    ...(values.nat ? { natAddress: values.nat } : {}),
    perPhone: (i) => ({ busy: i < busy, ...(i >= count - legacy ? { legacy: true } : {}) }),
  });

  let violations = 0;
  let errors = 0;
  for (const phone of fleet.phones) {
    phone.on('violation', (text) => {
      violations++;
      console.log(`\n[${phone.mac}] VIOLATION ${text}`);
    });
    phone.on('problem', (text) => {
      errors++;
      console.log(`\n[${phone.mac}] error ${text}`);
    });
  }

  const live = setInterval(() => {
    const line = summary(fleet.totals(), violations, errors);
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    else console.log(line);
  }, 2000);

  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) return;
    stopping = true;
    clearInterval(live);
    console.log('\nstopping…');
    void fleet.stopAll().then(() => {
      console.log(summary(fleet.totals(), violations, errors));
      process.exit(violations > 0 ? 1 : 0);
    });
  });

  await fleet.startAll({ concurrency: int(values.concurrency, 'concurrency', 8) });
  // Listed once started: only then is the contact-me port known (it may be 0 = any).
  for (const phone of fleet.phones) {
    const flags = [phone.busy ? 'busy' : '', phone.value('software-version') ?? ''].filter(Boolean).join(', ');
    console.log(`${phone.mac}  ${phone.ip.padEnd(15)}  ${phone.contactMeUri}  ${flags}`);
  }
  console.log(`all ${count} phones booted; Ctrl-C stops.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
