/**
 * A real sweep over loopback: 30 fake phones and 2 other web servers on 127.0.9.x, everything
 * else in 127.0.9.0/24 unbound (the kernel refuses at once). The fake servers share one random
 * port, passed as `phonePort`, so the test does not depend on 8085 being free.
 * Loopback only: a guard records any attempt to reach a non-127 address and the test fails on it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendContactMe, type ContactMeRequest } from '../../electron/core/discovery/contact-me.js';
import { parseTargets, runSweep, type SweepProgress, type SweepResult } from '../../electron/core/discovery/sweep.js';

const PHONES = Array.from({ length: 30 }, (_, i) => `127.0.9.${10 + i}`);
const OTHERS = ['127.0.9.200', '127.0.9.201'];
const DLS_PORT = 28443;

interface Hit {
  body: URLSearchParams;
  remoteAddress: string | undefined;
}

const hits = new Map<string, Hit[]>();
let servers: Server[] = [];
let phonePort = 0;

function listen(host: string, port: number, isPhone: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      hits.get(host)?.push({ body: new URLSearchParams(body), remoteAddress: req.socket.remoteAddress });
      if (isPhone) res.writeHead(204, { Server: 'DlsClient', 'Content-Type': 'text/html', 'Content-Length': '0' });
      else res.writeHead(200, { Server: 'nginx', 'Content-Type': 'text/html' });
      res.end(isPhone ? undefined : '<html>router</html>');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function closeAll(): Promise<void> {
  await Promise.all(
    servers.map((s) => {
      s.closeAllConnections();
      return new Promise<void>((resolve) => s.close(() => resolve()));
    }),
  );
  servers = [];
}

/** Binds every fake on its own address with one shared port; retries if another process holds it somewhere. */
async function startFakes(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const first = await listen(PHONES[0] ?? '', 0, true);
      servers.push(first);
      phonePort = (first.address() as AddressInfo).port;
      for (const host of PHONES.slice(1)) servers.push(await listen(host, phonePort, true));
      for (const host of OTHERS) servers.push(await listen(host, phonePort, false));
      return;
    } catch (error) {
      await closeAll();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('could not find a port free on all 127.0.9.x fake addresses');
}

const strayTargets: string[] = [];
/** The real sender, refusing (and recording) anything that would leave loopback. */
function loopbackOnlySend(request: ContactMeRequest) {
  const host = new URL(request.uri ?? '').hostname;
  if (!request.phoneIp.startsWith('127.') || !host.startsWith('127.')) {
    strayTargets.push(`${request.phoneIp} ${request.uri}`);
    return Promise.resolve({ outcome: 'other' as const, detail: 'blocked by test guard' });
  }
  return sendContactMe(request);
}

beforeAll(startFakes);
afterAll(closeAll);
beforeEach(() => {
  for (const host of [...PHONES, ...OTHERS]) hits.set(host, []);
});

describe('sweep over loopback fake phones', () => {
  it('finds exactly the phones, once each, telling them to call our socket address back', { timeout: 15_000 }, async () => {
    const progress: SweepProgress[] = [];
    const streamed: SweepResult[] = [];
    const report = await runSweep({
      targets: parseTargets('127.0.9.0/24'),
      dlsPort: DLS_PORT,
      phonePort,
      concurrency: 32,
      ratePerSecond: 2000,
      timeoutMs: 1000,
      send: loopbackOnlySend,
      onProgress: (p) => progress.push(p),
      onResult: (r) => streamed.push(r),
    });

    expect(strayTargets).toEqual([]);
    expect(report).toMatchObject({ total: 254, phones: 30, other: 2, noAnswer: 222, cancelled: false });
    expect(report.results).toHaveLength(254);
    expect(streamed).toHaveLength(254);
    expect(report.results.filter((r) => r.outcome === 'phone').map((r) => r.ip)).toEqual(PHONES);
    for (const r of report.results.filter((x) => x.outcome === 'other')) {
      expect(OTHERS).toContain(r.ip);
      expect(r).toMatchObject({ status: 200, server: 'nginx' });
    }

    for (const host of PHONES) {
      const got = hits.get(host) ?? [];
      expect(got, host).toHaveLength(1);
      const [hit] = got;
      expect(hit?.body.get('ContactMe')).toBe('true');
      expect(hit?.body.get('dls_ip_port')).toBe(String(DLS_PORT));
      // The callback address is the one the phone saw the request come from.
      expect(hit?.body.get('dls_ip_addr')).toMatch(/^127\./);
      expect(hit?.body.get('dls_ip_addr')).toBe(hit?.remoteAddress);
    }
    for (const host of OTHERS) expect(hits.get(host)).toHaveLength(1);

    expect(progress[0]).toEqual({ done: 0, total: 254, found: 0 });
    expect(progress.at(-1)).toEqual({ done: 254, total: 254, found: 30 });
    expect(progress.every((p, i) => i === 0 || p.done === (progress[i - 1]?.done ?? 0) + 1)).toBe(true);
  });

  it('cancels promptly, finishes the probes in flight and never repeats an address', { timeout: 15_000 }, async () => {
    const controller = new AbortController();
    const progress: SweepProgress[] = [];
    const report = await runSweep({
      targets: parseTargets('127.0.9.0/24'),
      dlsPort: DLS_PORT,
      phonePort,
      concurrency: 8,
      ratePerSecond: 200,
      timeoutMs: 1000,
      send: loopbackOnlySend,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.done === 20) controller.abort();
      },
    });
    expect(strayTargets).toEqual([]);
    expect(report.cancelled).toBe(true);
    expect(report.results.length).toBeGreaterThanOrEqual(20);
    // Prompt: nothing starts after the abort, so at most the 8 in flight then finish after it.
    expect(report.results.length).toBeLessThanOrEqual(20 + 8);
    expect(progress.at(-1)?.done).toBe(report.results.length);
    const probed = new Set(report.results.map((r) => r.ip));
    expect(probed.size).toBe(report.results.length);
    for (const host of [...PHONES, ...OTHERS]) {
      expect(hits.get(host)?.length, host).toBe(probed.has(host) ? 1 : 0);
    }
    // Addresses probed are the first of the range, in order: the sweep stopped starting new ones.
    expect(report.results.map((r) => r.ip)).toEqual(parseTargets('127.0.9.0/24').slice(0, report.results.length));
  });
});
