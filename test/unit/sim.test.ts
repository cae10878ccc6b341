/**
 * The phone simulator against a throwaway HTTPS "service" with fixed answers: proves the
 * simulator behaves like the phones described in wpi-protocol.md before it is trusted to judge
 * Fieldstage. Loopback addresses only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WPI_NAMESPACE, type WpiItem } from '../../shared/protocol.js';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { createFleet } from '../sim/fleet.js';
import { SimPhone, type SimPhoneOptions } from '../sim/phone.js';
import { itemXml, parseWorkpointMessage, type WorkpointMessage } from '../sim/wire.js';

// ------------------------------------------------------------------------------------------
// A tiny fake service

interface Seen {
  msg: WorkpointMessage;
  raw: string;
  cookie: string | undefined;
  remote: string | undefined;
  connection: number;
  headers: IncomingHttpHeaders;
}

interface Answer {
  body: string;
  chunked?: boolean;
}

type Script = (seen: Seen, all: Seen[]) => string | Answer;

function dls(nonce: string | undefined, action: string, items?: WpiItem[], root = 'DLSMessage'): string {
  const list = items === undefined ? '' : items.length === 0 ? '<ItemList/>' : `<ItemList>${items.map(itemXml).join('')}</ItemList>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${WPI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="${WPI_NAMESPACE}"><Message nonce="${nonce ?? ''}"><Action>${action}</Action>${list}</Message></${root}>`
  );
}

let tls: { key: string; cert: string };

class FakeDls {
  readonly seen: Seen[] = [];
  readonly files = new Map<string, string | Buffer>();
  connections = 0;
  private sessions = 0;

  private constructor(
    private readonly server: https.Server,
    public script: Script,
  ) {}

  static async start(script: Script): Promise<FakeDls> {
    const server = https.createServer({ key: tls.key, cert: tls.cert });
    const dlsServer = new FakeDls(server, script);
    server.on('secureConnection', (socket) => {
      dlsServer.connections++;
      (socket as typeof socket & { id?: number }).id = dlsServer.connections;
    });
    server.on('request', (req, res) => dlsServer.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return dlsServer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Phone messages only (file downloads are not WorkpointMessages). */
  reasons(): string[] {
    return this.seen.map((s) => s.msg.reason);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        const file = this.files.get(req.url ?? '');
        res.writeHead(file === undefined ? 404 : 200, { 'Content-Length': Buffer.byteLength(file ?? '') });
        res.end(file ?? '');
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const seen: Seen = {
        msg: parseWorkpointMessage(raw),
        raw,
        cookie: req.headers.cookie,
        remote: req.socket.remoteAddress,
        connection: (req.socket as typeof req.socket & { id?: number }).id ?? 0,
        headers: req.headers,
      };
      this.seen.push(seen);
      const answer = this.script(seen, this.seen);
      const { body, chunked } = typeof answer === 'string' ? { body: answer, chunked: false } : answer;
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/xml' };
      // Like the real DLS: a session cookie on the first answer of a flow.
      if (!seen.cookie) headers['Set-Cookie'] = `JSESSIONID=S${++this.sessions}; Path=/DeploymentService; Secure`;
      if (!chunked) headers['Content-Length'] = Buffer.byteLength(body);
      res.writeHead(200, headers);
      if (chunked) res.write(body.slice(0, 10));
      res.end(chunked ? body.slice(10) : body);
    });
  }
}

interface Job {
  action: string;
  items?: WpiItem[];
}

/** A well-behaved service: runs queued jobs, fetches fragments, keeps a refused job for later. */
function jobs(queue: Job[]): Script {
  let last: Job | undefined;
  return ({ msg }) => {
    if (msg.reason === 'reply-to' && msg.fragment === 'next') return dls(msg.nonce, 'GetNextFragment');
    if (msg.reason === 'reply-to' && msg.status === 'busy' && last) {
      queue.unshift(last);
      return dls(msg.nonce, 'CleanUp', [{ name: 'send-solicited', value: 'true' }]);
    }
    last = queue.shift();
    return last ? dls(msg.nonce, last.action, last.items) : dls(msg.nonce, 'CleanUp');
  };
}

// ------------------------------------------------------------------------------------------
// Phones

let nextHost = 1;
const phones: SimPhone[] = [];
const servers: FakeDls[] = [];

function phone(server: FakeDls, options: Partial<SimPhoneOptions> = {}): SimPhone {
  const n = nextHost++;
  const p = new SimPhone({
    mac: `00:1A:E8:00:7E:${n.toString(16).padStart(2, '0')}`,
    ip: `127.0.77.${n}`,
    server: server.address,
    contactMePort: 0,
    rebootDelayMs: 20,
    ...options,
  });
  phones.push(p);
  return p;
}

async function service(script: Script): Promise<FakeDls> {
  const s = await FakeDls.start(script);
  servers.push(s);
  return s;
}

async function started(p: SimPhone): Promise<SimPhone> {
  await p.start();
  await p.waitForIdle();
  return p;
}

function contactMe(p: SimPhone, form: string, method: 'POST' | 'GET' = 'POST'): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const url = new URL(p.contactMeUri);
  if (method === 'GET') url.search = form;
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      localAddress: '127.0.0.1',
      headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } : {},
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? form : undefined);
  });
}

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'x' }], { keySize: 2048, algorithm: 'sha256' });
  tls = { key: pems.private, cert: pems.cert };
});

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// ------------------------------------------------------------------------------------------

describe('SimPhone start-up and fragmentation', () => {
  it('sends start-up with the basic items, then ReadAllItems in 33 fragments of 10 items', async () => {
    const dlsServer = await service(jobs([{ action: 'ReadAllItems' }]));
    const p = await started(phone(dlsServer, { maxItems: 10 }));

    const [startUp, ...replies] = dlsServer.seen;
    expect(startUp?.msg.reason).toBe('start-up');
    expect(startUp?.remote).toBe(p.ip);
    expect(startUp?.headers['content-type']).toBe('text/xml');
    expect(startUp?.raw.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(startUp?.msg.nonce).toMatch(/^[0-9A-F]{32}$/);
    expect(startUp?.msg.maxItems).toBe('10');
    const basics = new Map(startUp?.msg.items?.map((i) => [i.name, i]));
    expect(basics.get('mac-addr')?.value).toBe(p.mac);
    expect(basics.get('contact-me-uri')?.value).toBe(p.contactMeUri);
    expect(basics.get('user-pwd-unicode')).toEqual({ name: 'user-pwd-unicode', value: '', status: 'failed' });
    for (const name of ['device-type', 'software-version', 'e164', 'basic-e164', 'configuration-changed-flag', 'part-number']) {
      expect(basics.has(name), name).toBe(true);
    }

    expect(replies).toHaveLength(33);
    expect(replies.map((r) => r.msg.fragment)).toEqual([...Array<string>(32).fill('next'), 'final']);
    expect(replies.every((r) => r.msg.action === 'ReadAllItems' && r.msg.status === 'accepted')).toBe(true);
    expect(replies.every((r) => (r.msg.items?.length ?? 0) <= 10)).toBe(true);
    const all = replies.flatMap((r) => r.msg.items ?? []);
    expect(all).toHaveLength(329);
    expect(new Set(all.map((i) => `${i.name}#${i.index ?? ''}`)).size).toBe(329);
    expect(all.find((i) => i.name === 'mac-addr')?.value).toBe(p.mac);
    // One nonce per flow; the cookie from the first answer on every follow-up; one keep-alive connection.
    expect(new Set(dlsServer.seen.map((s) => s.msg.nonce)).size).toBe(1);
    expect(replies.every((r) => r.cookie === 'JSESSIONID=S1')).toBe(true);
    expect(dlsServer.connections).toBe(1);

    expect(p.stats).toMatchObject({ flows: 1, exchanges: 34, cleanUps: 1 });
    expect(p.violations).toEqual([]);
    expect(p.errors).toEqual([]);
  });

  it('also splits at 50 kB when maxItems is unlimited', async () => {
    const big: WpiItem[] = Array.from({ length: 30 }, (_, i) => ({ name: `big-${i}`, value: 'x'.repeat(4000) }));
    const dlsServer = await service(jobs([{ action: 'ReadAllItems' }]));
    await started(phone(dlsServer, { items: big }));
    const replies = dlsServer.seen.filter((s) => s.msg.reason === 'reply-to');
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.every((r) => Buffer.byteLength(r.raw) <= 50 * 1024)).toBe(true);
    expect(replies.flatMap((r) => r.msg.items ?? []).filter((i) => i.name.startsWith('big-'))).toHaveLength(30);
  });

  const xmllint = spawnSync('xmllint', ['--version']).status === 0;
  it.skipIf(!xmllint)('writes messages that validate against wpi.xsd', async () => {
    const dlsServer = await service(
      jobs([
        { action: 'ReadAllItems' },
        {
          action: 'ReadItems',
          items: [
            { name: 'e164', value: '' },
            { name: 'no-such-item', value: '' },
          ],
        },
        { action: 'WriteItems', items: [{ name: 'device-type', value: 'x' }] },
      ]),
    );
    await started(phone(dlsServer, { maxItems: 100 }));
    const dir = mkdtempSync(join(tmpdir(), 'sim-xsd-'));
    try {
      const files = dlsServer.seen.map((s, i) => {
        const file = join(dir, `${i}.xml`);
        writeFileSync(file, s.raw);
        return file;
      });
      const run = spawnSync('xmllint', ['--noout', '--schema', 'test/fixtures/wpi.xsd', ...files], { encoding: 'utf8' });
      expect(
        run.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.endsWith(' validates')),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SimPhone contact-me', () => {
  it('acknowledges with 204 DlsClient, calls back where asked, and ignores a second one in the gap', async () => {
    const dlsServer = await service(jobs([]));
    // Configured with a dead port: only dls_ip_addr/dls_ip_port can lead it to the service.
    const p = phone(dlsServer, { server: { host: '127.0.0.1', port: 1 } });
    await p.start();
    await p.waitForIdle();
    expect(p.errors).toHaveLength(1); // the start-up to the dead port

    const solicited = p.nextFlowEnd();
    const ack = await contactMe(p, `ContactMe=true&dls_ip_addr=127.0.0.1&dls_ip_port=${dlsServer.port}`);
    expect(ack.status).toBe(204);
    expect(ack.headers).toMatchObject({ server: 'DlsClient', 'content-type': 'text/html', 'content-length': '0' });
    expect(await solicited).toMatchObject({ reason: 'solicited', outcome: 'clean-up' });
    expect(dlsServer.reasons()).toEqual(['solicited']);

    const again = await contactMe(p, `ContactMe=true&dls_ip_addr=127.0.0.1&dls_ip_port=${dlsServer.port}`);
    expect(again.status).toBe(204);
    expect(p.idle).toBe(true); // nothing queued: ignored
    expect(p.stats).toMatchObject({ contactMeReceived: 2, contactMeIgnored: 1 });

    // GET with a query string works too (S-4), once the gap allows it.
    p.contactGapMs = 0;
    const viaGet = p.nextFlowEnd();
    expect((await contactMe(p, `ContactMe=true&dls_ip_addr=127.0.0.1&dls_ip_port=${dlsServer.port}`, 'GET')).status).toBe(204);
    await viaGet;
    expect(dlsServer.reasons()).toEqual(['solicited', 'solicited']);
    expect(p.violations).toEqual([]);
  });
});

describe('SimPhone WriteItems, ReadItems and busy', () => {
  it('applies writes and reports only problem items', async () => {
    const dlsServer = await service(
      jobs([
        {
          action: 'WriteItems',
          items: [
            { name: 'auto-answer', value: 'true' },
            { name: 'device-type', value: 'OpenStage 75' },
            { name: 'no-such-item', value: '0' },
            { name: 'dcmp-url', value: 'http://127.0.0.1:9/dcmp/' },
            { name: 'e164', value: '4989700777' },
            { name: 'display-id-unicode', value: 'R&D' }, // on the wire: R&amp;D
          ],
        },
        { action: 'WriteItems', items: [{ name: 'auto-answer', value: 'false' }] },
        {
          action: 'ReadItems',
          items: [
            { name: 'e164', value: '' },
            { name: 'nope', value: '' },
          ],
        },
      ]),
    );
    const p = await started(phone(dlsServer));
    const [, first, second, read] = dlsServer.seen;
    expect(first?.msg).toMatchObject({ reason: 'reply-to', action: 'WriteItems', status: 'accepted', fragment: 'final' });
    expect(first?.msg.items).toEqual([
      { name: 'device-type', value: '', status: 'read only' },
      { name: 'no-such-item', value: '', status: 'unknown item' },
    ]);
    expect(second?.raw).toContain('<ItemList/>');
    expect(read?.msg.items).toEqual([
      { name: 'e164', value: '4989700777' },
      { name: 'nope', value: '', status: 'unknown item' },
    ]);
    expect(p.value('auto-answer')).toBe('false');
    expect(p.value('dcmp-url')).toBe('http://127.0.0.1:9/dcmp/');
    expect(p.value('device-type')).toBe('OpenStage 60');
    // Real phones do not decode entities: the value is stored as it arrived.
    expect(p.value('display-id-unicode')).toBe('R&amp;D');
  });

  it('refuses WriteItems while busy and calls back once idle (V3R3+ send-solicited)', async () => {
    const dlsServer = await service(jobs([]));
    const p = await started(phone(dlsServer, { busy: true, softwareVersion: 'V3 R5.12.0' }));
    dlsServer.script = jobs([{ action: 'WriteItems', items: [{ name: 'auto-answer', value: 'true' }] }]);

    const cleanUp = p.nextCleanUp();
    await p.inventoryChange();
    expect((await cleanUp).items).toEqual([{ name: 'send-solicited', value: 'true' }]);
    const busyReply = dlsServer.seen.at(-1);
    expect(busyReply?.msg).toMatchObject({ reason: 'reply-to', action: 'WriteItems', status: 'busy' });
    expect(busyReply?.msg.items).toBeUndefined();
    expect(busyReply?.raw).not.toContain('ItemList');
    expect(p.value('auto-answer')).toBe('false');

    // The service kept the job; going idle sends exactly one solicited, and the write goes through.
    p.setBusy(false);
    await p.waitForIdle();
    expect(dlsServer.reasons()).toEqual(['start-up', 'inventory-changes', 'reply-to', 'solicited', 'reply-to']);
    expect(dlsServer.seen.at(-1)?.msg.status).toBe('accepted');
    expect(p.value('auto-answer')).toBe('true');
    expect(p.violations).toEqual([]);
  });

  it('calls back at once when send-solicited arrives while idle, but not forever', async () => {
    let solicitedAnswers = 0;
    const dlsServer = await service(({ msg }) => {
      if (msg.reason === 'solicited' && ++solicitedAnswers > 1) return dls(msg.nonce, 'CleanUp');
      return dls(msg.nonce, 'CleanUp', [{ name: 'send-solicited', value: 'true' }]);
    });
    const p = await started(phone(dlsServer, { softwareVersion: 'V3 R5.12.0' }));
    expect(dlsServer.reasons()).toEqual(['start-up', 'solicited', 'solicited']);
    expect(p.violations).toEqual([]);

    const looping = await service(({ msg }) => dls(msg.nonce, 'CleanUp', [{ name: 'send-solicited', value: 'true' }]));
    const q = await started(phone(looping, { softwareVersion: 'V3 R5.12.0' }));
    expect(looping.seen).toHaveLength(51);
    expect(q.violations).toEqual(['send-solicited on 50 CleanUps in a row while idle']);
  });

  it('ignores send-solicited below V3R3', async () => {
    const dlsServer = await service(jobs([{ action: 'WriteItems', items: [{ name: 'auto-answer', value: 'true' }] }]));
    const p = await started(phone(dlsServer, { busy: true }));
    p.setBusy(false);
    expect(p.idle).toBe(true);
    expect(dlsServer.reasons()).toEqual(['start-up', 'reply-to']);
  });
});

describe('SimPhone restart and factory reset', () => {
  it('refuses a factory reset with a wrong password and performs it with 124816', async () => {
    const queue = [
      { action: 'WriteItems', items: [{ name: 'e164', value: '4930111' }] },
      {
        action: 'Restart',
        items: [
          { name: 'restart-type', value: 'FactoryReset' },
          { name: 'restart-password', value: '0000' },
        ],
      },
    ];
    const dlsServer = await service(jobs(queue));
    const p = await started(phone(dlsServer));
    expect(dlsServer.seen.at(-1)?.msg).toMatchObject({ reason: 'reply-to', action: 'Restart', status: 'failed' });
    expect(p.value('e164')).toBe('4930111');

    queue.push({
      action: 'Restart',
      items: [
        { name: 'restart-type', value: 'FactoryReset' },
        { name: 'restart-password', value: '124816' },
      ],
    });
    await p.inventoryChange();
    await p.waitForIdle();
    expect(dlsServer.reasons().slice(-2)).toEqual(['inventory-changes', 'start-up']);
    const startUp = dlsServer.seen.at(-1)?.msg.items ?? [];
    expect(startUp.find((i) => i.name === 'e164')?.value).toBe('');
    expect(startUp.find((i) => i.name === 'configuration-changed-flag')?.value).toBe('true');
    expect(p.stats).toMatchObject({ restarts: 1, factoryResets: 1 });
    expect(p.violations).toEqual([]);
  });

  it('reboots on a plain Restart without answering, then sends start-up', async () => {
    const dlsServer = await service(jobs([{ action: 'Restart' }]));
    const p = await started(phone(dlsServer));
    expect(dlsServer.reasons()).toEqual(['start-up', 'start-up']);
    expect(p.stats).toMatchObject({ restarts: 1, factoryResets: 0, cleanUps: 1 });
  });
});

describe('SimPhone deployments', () => {
  it('downloads a file over HTTPS and reports status with file-deployment items', async () => {
    const dlsServer = await service(jobs([]));
    dlsServer.files.set('/files/ring1.wav', 'RIFF....');
    dlsServer.script = jobs([
      {
        action: 'FileDeployment',
        items: [
          { name: 'file-type', value: 'RINGTONE' },
          { name: 'file-https-base-url', value: `https://127.0.0.1:${dlsServer.port}/files/ring1.wav` },
        ],
      },
    ]);
    const p = await started(phone(dlsServer));
    const status = dlsServer.seen.at(-1)?.msg;
    expect(status?.reason).toBe('status');
    const record = new Map(status?.items?.map((i) => [i.name, i.value]));
    expect(record.get('mac-addr')).toBe(p.mac);
    expect(record.get('file-deployment-name')).toBe('ring1.wav');
    expect(record.get('file-deployment-type')).toBe('RINGTONE');
    expect(record.get('file-deployment-status')).toBe('ok');
    expect(record.get('file-deployment-date')).toMatch(/^\d\d:\d\d:\d{4}$/);
    expect(record.get('file-deployment-time')).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(p.value('file-deployment-name', 1)).toBe('ring1.wav');
  });

  it('updates firmware: download, new software-version, reboot, start-up; busy refuses non-immediate', async () => {
    const dlsServer = await service(jobs([]));
    dlsServer.files.set('/fw/os60.img', makeFirmwareImage({ model: 'OpenStage 60', version: 'V3 R5.12.0' }));
    const deployment = (priority: string): { action: string; items: WpiItem[] } => ({
      action: 'SoftwareDeployment',
      items: [
        { name: 'file-https-base-url', value: `https://127.0.0.1:${dlsServer.port}/fw/os60.img` },
        { name: 'file-type', value: 'APP' },
        { name: 'file-sw-type', value: 'Siemens SIP' },
        { name: 'file-sw-version', value: '3.5.12.0' },
        { name: 'file-priority', value: priority },
      ],
    });
    const p = await started(phone(dlsServer, { busy: true }));
    dlsServer.script = jobs([deployment('normal')]);
    await p.inventoryChange();
    expect(dlsServer.seen.at(-1)?.msg).toMatchObject({ action: 'SoftwareDeployment', status: 'busy' });

    dlsServer.script = jobs([deployment('immediate')]);
    await p.inventoryChange();
    await p.waitForIdle();
    expect(dlsServer.reasons().slice(-2)).toEqual(['inventory-changes', 'start-up']);
    const version = dlsServer.seen.at(-1)?.msg.items?.find((i) => i.name === 'software-version')?.value;
    expect(version).toBe('V3 R5.12.0');
    expect(p.stats.softwareDeployments).toBe(1);
  });

  it('rejects an image for another model: acknowledged, fetched, no reboot, old version kept', async () => {
    const dlsServer = await service(jobs([]));
    dlsServer.files.set('/fw/os40.img', makeFirmwareImage({ model: 'OpenStage 40', version: 'V3 R5.12.0' }));
    const p = await started(phone(dlsServer));
    const before = p.value('software-version');
    dlsServer.script = jobs([
      {
        action: 'SoftwareDeployment',
        items: [
          { name: 'file-https-base-url', value: `https://127.0.0.1:${dlsServer.port}/fw/os40.img` },
          { name: 'file-sw-type', value: 'Siemens SIP' },
          { name: 'file-sw-version', value: '3.5.12.0' },
        ],
      },
    ]);
    await p.inventoryChange();
    await p.waitForIdle();
    expect(dlsServer.seen.at(-1)?.msg).toMatchObject({ action: 'SoftwareDeployment', status: 'accepted' });
    expect(p.value('software-version')).toBe(before);
    expect(p.stats.restarts).toBe(0);
    expect(p.received).toHaveLength(1);
    expect(p.errors.some((e) => e.includes('image for OpenStage 40'))).toBe(true);
  });
});

describe('SimPhone catches service mistakes', () => {
  it('counts chunked encoding and a missing Content-Length', async () => {
    const dlsServer = await service(({ msg }) => ({ body: dls(msg.nonce, 'CleanUp'), chunked: true }));
    const p = await started(phone(dlsServer));
    expect(p.violations.some((v) => v.includes('chunked transfer-encoding'))).toBe(true);
    expect(p.violations.some((v) => v.includes('missing Content-Length'))).toBe(true);
    expect(p.stats.cleanUps).toBe(1); // V3 copes with chunking…

    const old = await started(phone(dlsServer, { softwareVersion: 'V2 R2.30.0' }));
    expect(old.stats.cleanUps).toBe(0); // …V2R2 does not (p. 12)
    expect(old.errors.some((e) => e.includes('chunked'))).toBe(true);
  });

  it('counts a wrong nonce and a mis-cased root, and answers invalid XML with clean-up', async () => {
    const dlsServer = await service(({ msg }, all) => {
      if (all.length === 1) return dls('0000', 'ReadItems', [{ name: 'e164', value: '' }], 'DlsMessage');
      if (all.length === 2) return '<DLSMessage><Message';
      return dls(msg.nonce, 'CleanUp');
    });
    const p = await started(phone(dlsServer));
    expect(p.violations.some((v) => v.includes('does not echo'))).toBe(true);
    expect(p.violations.some((v) => v.includes('DlsMessage'))).toBe(true);
    const cleanUp = dlsServer.seen[2]?.msg;
    expect(cleanUp?.reason).toBe('clean-up');
    expect(cleanUp?.items?.[0]?.name).toBe('cleanup-reason');
    expect(cleanUp?.items?.[0]?.value).toMatch(/^invalid message/);
  });

  it('counts more than one Action, too many items per WriteItems, and runaway flows', async () => {
    const two = (nonce?: string): string => dls(nonce, 'ReadAllItems').replace('</Action>', '</Action><Action>CleanUp</Action>');
    const dlsServer = await service(({ msg }, all) => {
      if (all.length === 1) return two(msg.nonce);
      if (all.length === 3)
        return dls(msg.nonce, 'WriteItems', [
          { name: 'auto-answer', value: 'true' },
          { name: 'auto-reconnect', value: 'true' },
        ]);
      return dls(msg.nonce, 'CleanUp');
    });
    const p = await started(phone(dlsServer, { maxItems: 1 }));
    expect(p.violations.some((v) => v.includes('exactly one Action'))).toBe(true);
    await p.inventoryChange();
    expect(p.violations.some((v) => v.includes('maxItems=1'))).toBe(true);

    const loop = await service(({ msg }) => dls(msg.nonce, 'ReadItems', [{ name: 'e164', value: '' }]));
    const q = await started(phone(loop, { maxExchangesPerFlow: 5 }));
    expect(q.stats.exchanges).toBe(5);
    expect(q.violations.some((v) => v.includes('beyond 5 exchanges'))).toBe(true);
  });

  it('records a timeout instead of hanging', async () => {
    const silent = https.createServer({ key: tls.key, cert: tls.cert }, () => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const p = new SimPhone({
        mac: '00:1A:E8:00:7F:01',
        ip: '127.0.78.1',
        server: { host: '127.0.0.1', port: (silent.address() as AddressInfo).port },
        contactMePort: 0,
        requestTimeoutMs: 200,
      });
      phones.push(p);
      await started(p);
      expect(p.errors.some((e) => e.includes('within 200 ms'))).toBe(true);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('SimPhone firmware personalities and transports', () => {
  it('legacy phones close every connection but keep the cookie', async () => {
    const dlsServer = await service(jobs([{ action: 'ReadAllItems' }]));
    const p = await started(phone(dlsServer, { legacy: true, maxItems: 100 }));
    expect(dlsServer.seen).toHaveLength(5);
    expect(dlsServer.seen.every((s) => s.headers.connection === 'close')).toBe(true);
    expect(dlsServer.connections).toBe(5);
    expect(dlsServer.seen.slice(1).every((s) => s.cookie === 'JSESSIONID=S1')).toBe(true);
    expect(p.violations).toEqual([]);
  });

  it('attaches local changes from V2R2, only the flag before', async () => {
    const dlsServer = await service(jobs([]));
    const modern = await started(phone(dlsServer));
    await modern.localChange([{ name: 'sntp-addr', value: 'pool.example.net' }]);
    const attached = new Map(dlsServer.seen.at(-1)?.msg.items?.map((i) => [i.name, i.value]));
    expect(attached.get('configuration-changed-flag')).toBe('true');
    expect(attached.get('configuration-attached-flag')).toBe('true');
    expect(attached.get('configuration-attached-number')).toBe('1');
    expect(attached.get('sntp-addr')).toBe('pool.example.net');

    const old = await started(phone(dlsServer, { softwareVersion: 'V2 R1.20.0' }));
    await old.localChange([{ name: 'sntp-addr', value: 'pool.example.net' }]);
    const plain = new Map(dlsServer.seen.at(-1)?.msg.items?.map((i) => [i.name, i.value]));
    expect(dlsServer.seen.at(-1)?.msg.reason).toBe('local-changes');
    expect(plain.get('configuration-changed-flag')).toBe('true');
    expect(plain.has('configuration-attached-flag')).toBe(false);
    expect(plain.has('sntp-addr')).toBe(false);
  });

  it('polls the DCMP URL and calls back on 202', async () => {
    const polls: string[] = [];
    const dcmp = http.createServer((req, res) => {
      polls.push(req.url ?? '');
      res.writeHead(202, { 'Content-Length': 0 });
      res.end();
    });
    await new Promise<void>((resolve) => dcmp.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(dcmp.address() as AddressInfo).port}/dcmp/`;
      const dlsServer = await service(jobs([{ action: 'WriteItems', items: [{ name: 'dcmp-url', value: url }] }]));
      const p = await started(phone(dlsServer));
      const callback = p.nextFlowEnd();
      expect(await p.pollOnce()).toBe(202);
      expect(await callback).toMatchObject({ reason: 'solicited', outcome: 'clean-up' });
      expect(polls).toEqual([`/dcmp/contact-me?device-id=${p.mac}`]);
    } finally {
      dcmp.closeAllConnections();
      dcmp.close();
    }
  });
});

describe('fleet', () => {
  it('gives phones unique MACs and loopback addresses and boots them all', async () => {
    const dlsServer = await service(jobs([]));
    const fleet = createFleet({ count: 4, server: dlsServer.address, contactMePort: 0, baseIp: '127.0.', firstSubnet: 79 });
    phones.push(...fleet.phones);
    await fleet.startAll({ concurrency: 2 });
    expect(new Set(fleet.phones.map((p) => p.mac)).size).toBe(4);
    expect(fleet.phones.map((p) => p.ip)).toEqual(['127.0.79.1', '127.0.79.2', '127.0.79.3', '127.0.79.4']);
    expect(new Set(dlsServer.seen.map((s) => s.remote))).toEqual(new Set(fleet.phones.map((p) => p.ip)));
    expect(fleet.totals()).toMatchObject({ flows: 4, cleanUps: 4 });
    expect(() => createFleet({ count: 1, server: dlsServer.address, baseIp: '10.0.' })).toThrow(/loopback/);
    await fleet.stopAll();
  });
});
