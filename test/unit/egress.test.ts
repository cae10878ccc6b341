import { createServer, type IncomingMessage } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { sendContactMe } from '../../electron/core/discovery/contact-me.js';
import {
  Egress,
  EgressRefusedError,
  NODE_CONNECTOR,
  isLoopbackAddress,
  loopbackOnlyFromEnv,
  type Connector,
} from '../../electron/core/egress/egress.js';

/**
 * The egress guard. Destinations outside the loopback appear here only as strings handed to a
 * recording connector: no socket to them is ever made.
 */

interface Recorder {
  connector: Connector;
  calls: { kind: 'tcp' | 'tls'; host: string; port: number }[];
}

/** Records every connection asked for and hands back an unconnected socket. */
function recordingConnector(): Recorder {
  const calls: Recorder['calls'] = [];
  return {
    calls,
    connector: {
      tcp: (o) => {
        calls.push({ kind: 'tcp', host: o.host, port: o.port });
        return new Socket();
      },
      tls: (o) => {
        calls.push({ kind: 'tls', host: o.host, port: o.port });
        return new Socket() as TLSSocket;
      },
    },
  };
}

function guard(loopbackOnly: boolean, resolve?: (host: string) => Promise<string[]>) {
  const recorder = recordingConnector();
  const refusals: string[] = [];
  const egress = new Egress({
    loopbackOnly,
    onRefused: (m) => refusals.push(m),
    connector: recorder.connector,
    ...(resolve ? { resolve } : {}),
  });
  return { egress, refusals, calls: recorder.calls };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('loopback addresses', () => {
  it('knows 127.0.0.0/8, ::1 and their mapped forms, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.255.3.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::FFFF:7f00:1']) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
    for (const a of ['10.0.0.1', '192.168.1.10', '128.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', 'fe80::1', 'localhost', '']) {
      expect(isLoopbackAddress(a), a).toBe(false);
    }
  });

  it('reads the switch from FIELDSTAGE_LOOPBACK_ONLY', () => {
    expect(loopbackOnlyFromEnv({ FIELDSTAGE_LOOPBACK_ONLY: '1' })).toBe(true);
    expect(loopbackOnlyFromEnv({ FIELDSTAGE_LOOPBACK_ONLY: 'true' })).toBe(true);
    expect(loopbackOnlyFromEnv({ FIELDSTAGE_LOOPBACK_ONLY: '0' })).toBe(false);
    expect(loopbackOnlyFromEnv({})).toBe(false);
  });

  it('is switched on for this test run', () => {
    expect(loopbackOnlyFromEnv()).toBe(true);
  });
});

describe('egress guard', () => {
  it('in loopback-only mode refuses a LAN address before any connection, and logs it', async () => {
    const { egress, refusals, calls } = guard(true);
    await expect(egress.connect({ host: '192.168.1.20', port: 8085, purpose: 'contact-me' })).rejects.toBeInstanceOf(EgressRefusedError);
    await expect(egress.connectTls({ host: '10.1.2.3', port: 443, purpose: 'web interface' })).rejects.toThrow(/not a loopback/);
    await expect(egress.request('https://[fe80::1]:443/x', { purpose: 'file download' })).rejects.toBeInstanceOf(EgressRefusedError);
    expect(calls).toEqual([]);
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatch(/contact-me to 192\.168\.1\.20:8085 is not a loopback destination/);
  });

  it('checks what a name resolves to, every address of it', async () => {
    const { egress, refusals, calls } = guard(true, async (host) => (host === 'mixed.test' ? ['127.0.0.9', '10.0.0.7'] : ['127.0.0.9']));
    await expect(egress.connect({ host: 'mixed.test', port: 80, purpose: 'web interface' })).rejects.toThrow(/mixed\.test \(10\.0\.0\.7\)/);
    expect(calls).toEqual([]);
    expect(refusals).toHaveLength(1);
    // An all-loopback name connects to the resolved address, not to the name again.
    (await egress.connect({ host: 'phone.test', port: 80, purpose: 'web interface' })).destroy();
    expect(calls).toEqual([{ kind: 'tcp', host: '127.0.0.9', port: 80 }]);
  });

  it('lets loopback destinations through, and everything when the mode is off', async () => {
    const on = guard(true);
    (await on.egress.connect({ host: '127.0.40.2', port: 8085, purpose: 'contact-me' })).destroy();
    (await on.egress.connectTls({ host: '[::1]', port: 443, purpose: 'web interface' })).destroy();
    expect(on.calls).toEqual([
      { kind: 'tcp', host: '127.0.40.2', port: 8085 },
      { kind: 'tls', host: '::1', port: 443 },
    ]);
    expect(on.refusals).toEqual([]);

    const off = guard(false);
    (await off.egress.connect({ host: '192.168.1.20', port: 8085, purpose: 'contact-me' })).destroy();
    expect(off.calls).toEqual([{ kind: 'tcp', host: '192.168.1.20', port: 8085 }]);
    expect(off.refusals).toEqual([]);
  });

  it('a contact-me to a LAN phone is refused by the guard and never sent', async () => {
    const { egress, refusals, calls } = guard(true);
    const result = await sendContactMe({ phoneIp: '192.168.1.20', dlsPort: 18443 }, egress);
    expect(result).toMatchObject({ outcome: 'other' });
    expect(result.detail).toMatch(/egress refused: contact-me to 192\.168\.1\.20:8085/);
    expect(calls).toEqual([]);
    expect(refusals).toHaveLength(1);
  });

  it('request() sends a plain HTTP request over a guarded loopback connection', async () => {
    const seen: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const egress = new Egress({ loopbackOnly: true, onRefused: () => undefined, connector: NODE_CONNECTOR });

    const req = await egress.request(`http://127.0.0.1:${port}/path?q=1`, { purpose: 'test', headers: { Connection: 'close' } });
    const body = await new Promise<string>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.end();
    });
    expect(body).toBe('ok');
    expect(seen[0]?.url).toBe('/path?q=1');
    expect(seen[0]?.headers.host).toBe(`127.0.0.1:${port}`);
  });
});
