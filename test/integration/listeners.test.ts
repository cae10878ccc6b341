import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_REQUEST_TIMEOUT_MS } from '../../electron/core/provisioning/phone-server.js';
import { freePort, startTestCore, type TestCore } from '../support/core-harness.js';
import { realStartUp } from '../support/hostile-inputs.js';
import { dlsSummary, HostileSession, httpsRequest, rawExchange, slowClient, type SlowResult } from '../support/raw-client.js';

/**
 * Listener settings that cannot lock the technician out, and HTTP-level refusals in the exchange
 * log, over real sockets. Addresses 127.13.5.x–127.13.8.x belong to this file; 192.0.2.1 (TEST-NET-1) is used only as an address
 * to bind, which fails locally with EADDRNOTAVAIL: nothing is ever sent to it.
 */

const NOT_ON_THIS_MACHINE = '192.0.2.1';
/** Settings decide addresses and ports in these tests: the harness overrides are lifted. */
const NO_OVERRIDES = { bindAddresses: undefined, phonePort: undefined };

let core: TestCore | null = null;
const blockers: net.Server[] = [];

afterEach(async () => {
  await core?.stop();
  core = null;
  await Promise.all(blockers.splice(0).map((b) => new Promise((r) => b.close(r))));
});

function occupy(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    blockers.push(server);
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function startUpAnswer(host: string, port: number, localAddress: string): Promise<string | null> {
  const answer = await httpsRequest({
    host,
    port,
    localAddress,
    path: '/DeploymentService/LoginService',
    headers: { 'content-type': 'text/xml' },
    body: realStartUp('ABCD0001', '00:1A:E8:13:05:01'),
  });
  return answer.ok ? dlsSummary(answer.body.toString()).action : null;
}

describe('settings.update of the phone listeners', () => {
  it('an address not on this machine is refused by name, nothing is saved, and phones still reach the running listener', async () => {
    const port = await freePort();
    core = await startTestCore({ bindAddresses: ['127.13.5.1'], phonePort: port }, NO_OVERRIDES);
    const { handlers } = core.core;
    await expect(handlers['settings.update']({ bindAddresses: [NOT_ON_THIS_MACHINE] })).rejects.toThrow(
      /cannot listen on 192\.0\.2\.1:\d+ \(HTTPS\).*EADDRNOTAVAIL/,
    );
    expect((await handlers['settings.get']({})).bindAddresses).toEqual(['127.13.5.1']);
    const info = await handlers['app.info']({});
    expect(info.listening).toBe(true);
    expect(info.listeners).toEqual([{ address: '127.13.5.1', port, protocol: 'https', listening: true, error: null }]);
    expect(await startUpAnswer('127.13.5.1', port, '127.13.5.9')).toBe('ReadAllItems');
  }, 30_000);

  it('a port in use is refused by number and the old listeners stay up; a free one is applied and saved', async () => {
    const port = await freePort();
    core = await startTestCore({ bindAddresses: ['127.13.5.2'], phonePort: port }, NO_OVERRIDES);
    const { handlers } = core.core;
    const taken = await occupy('127.13.5.2');
    await expect(handlers['settings.update']({ phonePort: taken })).rejects.toThrow(new RegExp(`port ${taken} is already in use`));
    await expect(handlers['settings.update']({ httpPort: taken })).rejects.toThrow(/\(HTTP\).*EADDRINUSE/);
    expect(await handlers['settings.get']({})).toMatchObject({ phonePort: port, httpPort: 0 });
    expect((await handlers['app.info']({})).listeners).toEqual([
      { address: '127.13.5.2', port, protocol: 'https', listening: true, error: null },
    ]);
    expect(await startUpAnswer('127.13.5.2', port, '127.13.5.9')).toBe('ReadAllItems');

    const next = await freePort();
    expect((await handlers['settings.update']({ phonePort: next })).phonePort).toBe(next);
    expect((await handlers['app.info']({})).listeners.map((l) => l.port)).toEqual([next]);
    expect(await startUpAnswer('127.13.5.2', next, '127.13.5.9')).toBe('ReadAllItems');
  }, 30_000);
});

describe('a start whose saved listeners cannot be bound', () => {
  it('starts on the defaults, says why in app.info, keeps the saved settings, and recovers once they are fixed', async () => {
    const taken = await occupy('127.13.6.1');
    // The address and HTTPS port stay overridden (loopback, any port): the saved plain-HTTP port is what fails.
    core = await startTestCore({ httpPort: taken }, { bindAddresses: ['127.13.6.1'], phonePort: 0 });
    const { handlers } = core.core;
    const info = await handlers['app.info']({});
    expect(info.listening).toBe(true);
    expect(info.listeners.map((l) => [l.address, l.protocol, l.listening])).toEqual([['127.13.6.1', 'https', true]]);
    expect(info.listenerFallback?.failed).toMatchObject({ address: '127.13.6.1', port: taken, protocol: 'http', listening: false });
    expect(info.listenerFallback?.failed.error).toMatch(new RegExp(`127\\.13\\.6\\.1:${taken}.*already in use`));
    expect(info.overrides).toEqual({ phonePort: 0, bindAddresses: ['127.13.6.1'] });
    expect(core.logs.join('\n')).toMatch(/starting on the default listener settings/);
    expect((await handlers['settings.get']({})).httpPort).toBe(taken);
    expect(await startUpAnswer('127.13.6.1', info.phonePort, '127.13.6.9')).toBe('ReadAllItems');

    const httpPort = await freePort();
    await handlers['settings.update']({ httpPort });
    const fixed = await handlers['app.info']({});
    expect(fixed.listenerFallback).toBeNull();
    expect(fixed.httpPort).toBe(httpPort);
  }, 30_000);
});

describe('a request body that never ends', () => {
  let slow: Promise<SlowResult>;
  let listener: TestCore;

  beforeAll(async () => {
    listener = await startTestCore({}, { bindAddresses: ['127.13.7.1'] });
    // Headers complete, 10 of 1,000 announced body bytes, then silence.
    slow = slowClient({
      port: listener.port,
      host: '127.13.7.1',
      localAddress: '127.13.7.9',
      request: `POST /DeploymentService/LoginService HTTP/1.1\r\nHost: dls\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<Workpoint`,
      intervalMs: 1,
      maxMs: PHONE_REQUEST_TIMEOUT_MS + 20_000,
    });
  });

  afterAll(async () => {
    await listener.stop();
  });

  it(
    'gets its 408 before the connection closes',
    async () => {
      const result = await slow;
      expect(result.closedAfterMs).not.toBeNull();
      expect(result.status).toBe(408);
      const logged = listener.core.store.exchanges.list({ limit: 10 }).find((e) => e.peer === '127.13.7.9');
      expect(logged).toMatchObject({ httpStatus: 408, mac: null, note: expect.stringMatching(/ERR_HTTP_REQUEST_TIMEOUT/) });
    },
    PHONE_REQUEST_TIMEOUT_MS + 30_000,
  );
});

describe('HTTP-level refusals in the exchange log', () => {
  it('logs 413 and 400 with peer, status, reason and the bounded request; a refusal inside a flow names the phone', async () => {
    core = await startTestCore();
    const { store } = core.core;
    const big = await httpsRequest({
      port: core.port,
      localAddress: '127.13.8.1',
      path: '/DeploymentService/LoginService',
      headers: { 'content-type': 'text/xml', cookie: 'other=1' },
      body: Buffer.alloc(1_100_000, 0x41),
    });
    expect(big.ok && big.status).toBe(413);
    const tooLarge = store.exchanges.list({ limit: 10 }).find((e) => e.peer === '127.13.8.1');
    expect(tooLarge).toMatchObject({ httpStatus: 413, mac: null, note: expect.stringMatching(/413.*BODY_TOO_LARGE/) });
    const stored = store.exchanges.get(tooLarge?.id ?? -1);
    expect(stored?.requestXml).toContain('POST /DeploymentService/LoginService');
    expect(stored?.requestXml).toContain('content-length: 1100000');
    expect(stored?.requestXml).not.toContain('other=1');
    expect(stored?.requestXml.length).toBeLessThanOrEqual(2048);

    const broken = await rawExchange({ port: core.port, localAddress: '127.13.8.2', data: Buffer.from('NOT HTTP AT ALL\r\n\r\n') });
    expect(broken.status).toBe(400);
    const badHttp = store.exchanges.list({ limit: 10 }).find((e) => e.peer === '127.13.8.2');
    expect(badHttp).toMatchObject({ httpStatus: 400, mac: null });
    expect(store.exchanges.get(badHttp?.id ?? -1)?.requestXml).toBe('(request line not readable)');

    const phone = new HostileSession(core.port, '127.13.8.3');
    try {
      const first = await phone.post(realStartUp('EEEE0001', '00:1A:E8:13:08:03'));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadAllItems');
      const refused = await phone.post(Buffer.alloc(1_100_000, 0x41));
      expect(refused.ok && refused.status).toBe(413);
    } finally {
      phone.close();
    }
    const inFlow = store.exchanges.list({ mac: '00:1A:E8:13:08:03', limit: 10 });
    expect(inFlow.map((e) => e.httpStatus)).toEqual([413, 200]);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 30_000);
});
