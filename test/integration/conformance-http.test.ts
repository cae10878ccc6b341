import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../electron/core/provisioning/phone-server.js';
import type { WpiItem } from '../../shared/protocol.js';
import { serializeMessage } from '../sim/wire.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { realStartUp, workpoint, reason, itemList } from '../support/hostile-inputs.js';
import { dlsSummary, HostileSession, httpsRequest, rawExchange } from '../support/raw-client.js';
import { until } from '../support/wait.js';

/**
 * What real phones depend on at the HTTP level and in odd sequences, checked against a real core
 * over TLS (wpi-protocol.md §3.3–3.5, §5, §8, §9.13). Subnets 127.0.80–84 belong to this file.
 */

const PATH = '/DeploymentService/LoginService';
let core: TestCore;

beforeAll(async () => {
  core = await startTestCore({ httpPort: 0, adoption: { adoptAll: true, macs: [], prefixes: [] } });
});

afterAll(async () => {
  await core?.stop();
});

function rawPost(localAddress: string, head: string, body: string): ReturnType<typeof rawExchange> {
  const bytes = Buffer.from(body, 'utf8');
  return rawExchange({
    port: core.port,
    localAddress,
    data: Buffer.concat([Buffer.from(`${head}Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]),
  });
}

function headOf(received: string): { status: string; headers: Map<string, string[]>; body: string } {
  const end = received.indexOf('\r\n\r\n');
  const [status = '', ...lines] = received.slice(0, end).split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status, headers, body: received.slice(end + 4) };
}

describe('HTTP details phones depend on (§3.3, §3.5)', () => {
  it('HTTP/1.1 keep-alive: 200, text/xml, Content-Length = UTF-8 bytes of the XML, no chunking, keep-alive 10 s', async () => {
    const r = await rawPost(
      '127.0.80.1',
      `POST ${PATH} HTTP/1.1\r\nHost: dls\r\nContent-Type: text/xml\r\n`,
      realStartUp('5C1E0A4F9B2D47C8A61E3F0B77D29A14', '00:1A:E8:80:00:01'),
    );
    const { status, headers, body } = headOf(r.received);
    expect(status).toBe('HTTP/1.1 200 OK');
    expect(headers.get('content-type')?.[0]).toMatch(/^text\/xml\b/);
    expect(headers.has('transfer-encoding')).toBe(false);
    expect(Number(headers.get('content-length')?.[0])).toBe(Buffer.byteLength(Buffer.from(body, 'latin1').toString('utf8')));
    expect(headers.get('keep-alive')?.[0]).toBe('timeout=10');
    expect(dlsSummary(body)).toEqual({ nonce: '5C1E0A4F9B2D47C8A61E3F0B77D29A14', action: 'ReadAllItems' });
  });

  it('HTTP/1.0 and Connection: close clients (V2R2 and older) get the same framed answer and a close', async () => {
    for (const [i, head] of [
      `POST ${PATH} HTTP/1.0\r\nContent-Type: text/xml\r\n`,
      `POST ${PATH} HTTP/1.1\r\nHost: dls\r\nConnection: close\r\nContent-Type: text/xml\r\n`,
    ].entries()) {
      const r = await rawPost(`127.0.80.${2 + i}`, head, realStartUp(`ABCD${i}`, `00:1A:E8:80:00:0${2 + i}`));
      const { status, headers, body } = headOf(r.received);
      expect(status).toMatch(/^HTTP\/1\.[01] 200 /);
      expect(headers.has('transfer-encoding')).toBe(false);
      expect(Number(headers.get('content-length')?.[0])).toBe(Buffer.byteLength(body, 'latin1'));
      expect(headers.get('connection')?.[0]?.toLowerCase()).toBe('close');
      expect(dlsSummary(body)).toEqual({ nonce: `ABCD${i}`, action: 'ReadAllItems' });
    }
  });

  it('an HTTP/1.1 POST without Host is still served (lenient with embedded clients)', async () => {
    const r = await rawPost(
      '127.0.80.4',
      `POST ${PATH} HTTP/1.1\r\nContent-Type: text/xml\r\nConnection: close\r\n`,
      realStartUp('N0H0ST', '00:1A:E8:80:00:04'),
    );
    expect(dlsSummary(headOf(r.received).body)).toEqual({ nonce: 'N0H0ST', action: 'ReadAllItems' });
  });

  it('any path, any or no Content-Type: the POST is a phone message (§3.4)', async () => {
    for (const [i, [path, type]] of [
      ['/', 'text/xml'],
      ['/provisioningService', 'text/xml; charset=utf-8'],
      ['/DeploymentService/LoginService?x=1', ''],
      ['//DeploymentService//LoginService', 'application/x-www-form-urlencoded'],
    ].entries()) {
      const r = await httpsRequest({
        port: core.port,
        localAddress: '127.0.80.5',
        path,
        headers: type ? { 'content-type': type } : {},
        body: realStartUp(`PATH${i}`, `00:1A:E8:80:01:0${i}`),
      });
      expect(r.ok && r.status, path).toBe(200);
      if (r.ok) expect(dlsSummary(r.body.toString('utf8')), path).toEqual({ nonce: `PATH${i}`, action: 'ReadAllItems' });
    }
  });

  it('the session cookie is JSESSIONID with only Path and Secure, as the real DLS sends it (§3.5, S-3)', async () => {
    const r = await httpsRequest({
      port: core.port,
      localAddress: '127.0.80.6',
      path: PATH,
      headers: { 'content-type': 'text/xml' },
      body: realStartUp('C00K1E', '00:1A:E8:80:00:06'),
    });
    if (!r.ok) throw new Error(r.error);
    const cookies = r.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    const [pair, ...attributes] = (cookies[0] ?? '').split(';').map((s) => s.trim());
    expect(pair).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9]+$`));
    expect(SESSION_COOKIE).toBe('JSESSIONID');
    // A path the cookie covers whatever path the phone posts to, and Secure on TLS; nothing a
    // 2008 embedded cookie parser has never seen (SameSite is a browser attribute).
    expect(attributes.sort()).toEqual(['Path=/', 'Secure']);
  });

  it('GET and HEAD on the phone path are not served as phone messages; no 5xx', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await httpsRequest({ port: core.port, localAddress: '127.0.80.7', method, path: PATH });
      expect(r.ok && r.status >= 400 && r.status < 500, method).toBe(true);
    }
    expect(core.core.store.exchanges.list({ limit: 10_000 }).some((e) => e.peer.endsWith('127.0.80.7'))).toBe(false);
  });
});

describe('DCMP polling (§5)', () => {
  it('GET <dcmp-url>contact-me and <dcmp-url>/contact-me both reach the poll endpoint (200 = nothing pending)', async () => {
    const mac = '00:1A:E8:80:02:01';
    // The phone must exist for a 202; an unknown one is 200 either way, so check a queued job.
    await httpsRequest({ port: core.port, localAddress: '127.0.80.8', path: PATH, body: realStartUp('P0LL', mac) });
    core.core.store.jobs.create(mac, 'read-all', [], Date.now());
    for (const path of [`/dcmp/contact-me?device-id=${mac}`, `/dcmp//contact-me?device-id=${mac}`]) {
      const r = await httpsRequest({ port: core.port, localAddress: '127.0.80.8', method: 'GET', path });
      expect(r.ok && r.status, path).toBe(202);
    }
  });
});

describe('odd sequences (§8, §9.13)', () => {
  const MAC = '00:1A:E8:81:00:01';

  it('a phone clean-up in the middle of a job fails that job for good (PIN retries exceeded, p. 83)', async () => {
    const session = new HostileSession(core.port, '127.0.81.1');
    try {
      const first = await session.post(realStartUp('F1A5', MAC));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadAllItems');
      const fixture: WpiItem[] = [{ name: 'mac-addr', value: MAC }];
      const done = await session.post(
        serializeMessage('F1A5', -1, { reason: 'reply-to', action: 'ReadAllItems', status: 'accepted', items: fixture })[0],
      );
      expect(done.ok && dlsSummary(done.body.toString()).action).toBe('CleanUp');

      const job = core.core.store.jobs.create(MAC, 'write-items', [{ name: 'goto-secure-mode', value: 'pin' }], Date.now());
      const solicited = new HostileSession(core.port, '127.0.81.1');
      const write = await solicited.post(realStartUp('F1A6', MAC).replace('>start-up<', '>solicited<'));
      expect(write.ok && dlsSummary(write.body.toString()).action).toBe('WriteItems');
      const cleanUp = await solicited.post(
        workpoint(
          'nonce="F1A6" maxItems="-1" fragment="final"',
          reason('clean-up') + itemList([{ name: 'cleanup-reason', value: 'password retries exceeded' }]),
        ),
      );
      expect(cleanUp.ok && dlsSummary(cleanUp.body.toString())).toEqual({ nonce: 'F1A6', action: 'CleanUp' });
      solicited.close();
      await until(() => core.core.store.jobs.get(job.id)?.state === 'failed', 'job failed');
      // Not re-queued: the device stays in Default Mode until the technician acts (a full pass of the core changes nothing).
      await core.core.tick();
      expect(core.core.store.jobs.get(job.id)?.state).toBe('failed');
      expect(core.core.store.jobs.get(job.id)?.reason).toContain('password retries exceeded');
    } finally {
      session.close();
    }
  });

  it('a start-up the phone split by its maxItems is assembled first, whichever reason its later parts carry (§11.5)', async () => {
    for (const [i, continuation] of (['start-up', 'reply-to'] as const).entries()) {
      const mac = `00:1A:E8:81:01:0${i}`;
      const basic = [
        { name: 'mac-addr', value: mac },
        { name: 'device-type', value: 'OpenStage 60' },
        { name: 'software-version', value: 'V3 R3.10.0' },
        { name: 'e164', value: `49301${i}` },
        { name: 'contact-me-uri', value: `http://127.0.81.${10 + i}:8085/contact_dls.html/ContactDLS` },
        { name: 'configuration-changed-flag', value: 'true' },
      ];
      const session = new HostileSession(core.port, `127.0.81.${10 + i}`);
      try {
        const part = (nonce: string, fragment: 'next' | 'final', reasonText: string, items: WpiItem[]): string =>
          workpoint(`nonce="${nonce}" maxItems="3" fragment="${fragment}"`, reason(reasonText) + itemList(items));
        const a = await session.post(part(`FS${i}A`, 'next', 'start-up', basic.slice(0, 3)));
        expect(a.ok && dlsSummary(a.body.toString())).toEqual({ nonce: `FS${i}A`, action: 'GetNextFragment' });
        const b = await session.post(part(`FS${i}B`, 'final', continuation, basic.slice(3)));
        expect(b.ok && dlsSummary(b.body.toString())).toEqual({ nonce: `FS${i}B`, action: 'ReadAllItems' });
        const phone = core.core.store.phones.get(mac);
        expect(phone?.e164).toBe(`49301${i}`);
        expect(phone?.contactMeUri).toContain(`127.0.81.${10 + i}`);
      } finally {
        session.close();
      }
    }
  });
});

describe('secrets never in clear in the exchange log or the log lines', () => {
  it('passwords the phone reports and the service sends are masked', async () => {
    const mac = '00:1A:E8:82:00:01';
    const session = new HostileSession(core.port, '127.0.82.1');
    const secrets = ['PhonePw-4711', 'Sip-Secret-0815', 'Ftp-Secret-1234'];
    try {
      const startUp = serializeMessage('5EC1', -1, {
        reason: 'start-up',
        items: [
          { name: 'mac-addr', value: mac },
          { name: 'software-version', value: 'V3 R3.10.0' },
          { name: 'user-pwd', value: secrets[0] ?? '' },
        ],
      })[0];
      await session.post(startUp);
      await session.post(
        serializeMessage('5EC1', -1, {
          reason: 'reply-to',
          action: 'ReadAllItems',
          status: 'accepted',
          items: [{ name: 'mac-addr', value: mac }],
        })[0],
      );
      const { handlers, store } = core.core;
      await handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sip-pwd', value: secrets[1] ?? '' }] });
      await handlers['jobs.create']({
        macs: [mac],
        kind: 'file-deployment',
        items: [
          { name: 'file-server', value: '10.0.0.5' },
          { name: 'file-username', value: 'ftp' },
          { name: 'file-pwd', value: secrets[2] ?? '' },
          { name: 'file-name', value: 'ring1.wav' },
          { name: 'file-type', value: 'RINGTONE' },
        ],
      });
      const solicited = new HostileSession(core.port, '127.0.82.1');
      const first = await solicited.post(startUp.replace('>start-up<', '>solicited<'));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('WriteItems');
      const second = await solicited.post(
        serializeMessage('5EC2', -1, { reason: 'reply-to', action: 'WriteItems', status: 'accepted', items: [] })[0],
      );
      expect(second.ok && dlsSummary(second.body.toString()).action).toBe('FileDeployment');
      // The phone does get the secrets…
      expect(first.ok && first.body.toString()).toContain(secrets[1]);
      expect(second.ok && second.body.toString()).toContain(secrets[2]);
      solicited.close();
      // …but nothing that is stored or logged shows them.
      const logged = store.exchanges
        .list({ mac, limit: 100 })
        .map((e) => store.exchanges.get(e.id))
        .map((e) => `${e?.requestXml ?? ''}${e?.responseXml ?? ''}${e?.note ?? ''}`)
        .join('\n');
      expect(logged).toContain('<Item name="sip-pwd">');
      for (const secret of secrets) {
        expect(logged).not.toContain(secret);
        expect(core.logs.join('\n')).not.toContain(secret);
      }
    } finally {
      session.close();
    }
  });
});
