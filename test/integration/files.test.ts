import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../shared/events.js';
import type { FileDownloadView, FileView } from '../../shared/model.js';
import { FileServer, filePath } from '../../electron/core/files/file-server.js';
import { startUiApi, type UiApi } from '../../electron/core/ui-api/server.js';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { png } from '../support/media-samples.js';
import { until } from '../support/wait.js';

/** Real sockets on 127.0.0.1: the upload route of the UI API and the phone-facing HTTPS file server. */

const MAX_IMPORT = 8 * 1024 * 1024;
let t: TestCore;
let ui: UiApi;
let filePort: number;
const events: AppEvent[] = [];

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function upload(query: string, body: Buffer | null, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: ui.port,
        path: `/api/files.upload?${query}`,
        method: 'POST',
        headers: {
          host: `127.0.0.1:${ui.port}`,
          authorization: `Bearer ${ui.token}`,
          'content-type': 'application/octet-stream',
          ...headers,
        },
      },
      (res) => collect(res, resolve),
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

function collect(res: import('node:http').IncomingMessage, resolve: (reply: Reply) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
}

function fetchFile(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: filePort, path, method, headers, rejectUnauthorized: false, agent: false }, (res) =>
      collect(res, resolve),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends a request line exactly as given (no URL normalisation by a client library). */
function rawGet(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: filePort, rejectUnauthorized: false }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

async function importFile(name: string, content: Buffer, kind?: string): Promise<FileView> {
  const reply = await upload(`name=${encodeURIComponent(name)}${kind ? `&kind=${kind}` : ''}`, content);
  expect(reply.status, reply.body.toString()).toBe(200);
  return JSON.parse(reply.body.toString()) as FileView;
}

const downloads = (): FileDownloadView[] => events.flatMap((e) => (e.type === 'file.download' ? [e.download] : []));

beforeAll(async () => {
  t = await startTestCore({}, { maxImportBytes: MAX_IMPORT });
  t.core.events.subscribe((event) => events.push(event));
  filePort = t.core.info().filePort;
  ui = await startUiApi({
    handlers: t.core.handlers,
    events: t.core.events,
    rendererDir: t.dataDir,
    upload: (body, name, kind) => t.core.upload(body, name, kind),
  });
});

afterAll(async () => {
  await ui.close();
  await t.stop();
});

describe('file library over the upload route', () => {
  it('imports a logo, detects its kind from the content, keeps one copy of the same bytes', async () => {
    const logo = png(240, 70, 5000);
    const first = await importFile('company logo.bin', logo);
    expect(first).toMatchObject({
      name: 'company logo.bin',
      kind: 'LOGO',
      format: 'png',
      size: 5000,
      width: 240,
      height: 70,
      checks: [],
      usedBy: [],
    });
    expect(first.id).toMatch(/^[0-9a-f]{24}$/);
    const again = await importFile('other name.png', logo);
    expect(again.id).toBe(first.id);
    const stored = readdirSync(join(t.dataDir, 'files')).filter((f) => !f.startsWith('.'));
    expect(stored).toEqual([first.sha256]);
    expect((await t.core.handlers['files.list']({})).map((f) => f.id)).toEqual([first.id]);
    expect(events.some((e) => e.type === 'file.updated' && e.file.id === first.id)).toBe(true);
  });

  it('refuses a non-image as firmware, an empty file, an oversized one, and keeps nothing of them', async () => {
    const before = readdirSync(join(t.dataDir, 'files'));
    const notFirmware = await upload('name=fw.img&kind=FIRMWARE', png(10, 10));
    expect(notFirmware.status).toBe(422);
    expect(JSON.parse(notFirmware.body.toString()).error).toMatch(/not a phone firmware image/);
    const empty = await upload('name=empty.png', null);
    expect(empty.status).toBe(422);
    expect(JSON.parse(empty.body.toString()).error).toMatch(/empty/);
    const oversized = await upload('name=big.img', Buffer.concat([makeFirmwareImage(), Buffer.alloc(MAX_IMPORT)]));
    expect(oversized.status).toBe(422);
    expect(JSON.parse(oversized.body.toString()).error).toMatch(/not taken/);
    const declaredHuge = await upload('name=huge.img', Buffer.alloc(10), { 'content-length': String(600 * 1024 * 1024) }).catch(
      (e: Error) => e,
    );
    if (!(declaredHuge instanceof Error)) expect(declaredHuge.status).toBe(413);
    const badKind = await upload('name=x.png&kind=EXE', png(10, 10));
    expect(badKind.status).toBe(422);
    const noName = await upload('', png(10, 10));
    expect(noName.status).toBe(400);
    const noToken = await new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: ui.port,
          path: '/api/files.upload?name=a.png',
          method: 'POST',
          headers: { host: `127.0.0.1:${ui.port}` },
        },
        (res) => collect(res, resolve),
      );
      req.on('error', reject);
      req.end(png(10, 10));
    });
    expect(noToken.status).toBe(401);
    expect(readdirSync(join(t.dataDir, 'files'))).toEqual(before);
    expect(readdirSync(join(t.dataDir, 'files', '.incoming'))).toEqual([]);
  });

  it('reads the firmware header and names the fields file-sw-type/-version need', async () => {
    const image = await importFile('whatever-name-V9.img', makeFirmwareImage({ model: 'OpenStage 40', version: 'V3 R5.12.0', seed: 7 }));
    expect(image).toMatchObject({
      kind: 'FIRMWARE',
      firmware: { model: 'OpenStage 40', version: 'V3 R5.12.0', swVersion: '3.5.12.0', deviceType: 'OpenStage 40', swType: 'Siemens SIP' },
    });
    const odd = await importFile('odd.img', makeFirmwareImage({ broken: 'bad-version', seed: 8 }));
    expect(odd.checks.map((c) => c.rule)).toEqual(['header-layout']);
  });

  it('changes a kind only when the new kind fits, and refuses to remove a file an unfinished job uses', async () => {
    const pic = await importFile('pic.png', png(90, 90, 4000));
    expect((await t.core.handlers['files.setKind']({ id: pic.id, kind: 'PIC' })).kind).toBe('PIC');
    await expect(t.core.handlers['files.setKind']({ id: pic.id, kind: 'RINGTONE' })).rejects.toMatchObject({ statusCode: 422 });
    const store = t.core.store;
    const job = store.transaction(() => {
      const created = store.jobs.create('00:1A:E8:00:00:01', 'file-deployment', []);
      store.files.link(created.id, pic.id);
      return created;
    });
    await expect(t.core.handlers['files.remove']({ id: pic.id })).rejects.toMatchObject({ statusCode: 409 });
    expect((await t.core.handlers['files.list']({})).find((f) => f.id === pic.id)?.usedBy).toEqual([
      { jobId: job.id, mac: '00:1A:E8:00:00:01', state: 'queued' },
    ]);
    store.transaction(() => store.jobs.cancel(job.id));
    expect(await t.core.handlers['files.remove']({ id: pic.id })).toEqual({ removed: true });
    expect(readdirSync(join(t.dataDir, 'files'))).not.toContain(pic.sha256);
    await expect(t.core.handlers['files.remove']({ id: pic.id })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('files.pick says to upload in browser mode', async () => {
    await expect(t.core.handlers['files.pick']({})).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('HTTPS file server', () => {
  let logo: FileView;
  let logoBytes: Buffer;
  let path: string;

  beforeAll(async () => {
    logoBytes = png(480, 148, 300_000);
    logoBytes.fill(7, 100);
    logo = await importFile('logo80.png', logoBytes);
    const record = t.core.store.files.get(logo.id);
    if (!record) throw new Error('no record');
    path = filePath(record);
  });

  it('serves a library file byte-exact with Content-Length, and logs the download', async () => {
    const reply = await fetchFile(path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(logoBytes.length));
    expect(reply.headers['accept-ranges']).toBe('bytes');
    expect(reply.body.equals(logoBytes)).toBe(true);
    await until(() => t.core.store.files.downloadsBy(logo.id, '127.0.0.1').length === 1, 'the logged download');
    expect(t.core.store.files.downloadsBy(logo.id, '127.0.0.1')).toEqual([
      { bytes: logoBytes.length, expected: logoBytes.length, complete: true },
    ]);
    const final = downloads().filter((d) => d.fileId === logo.id && d.state !== 'running');
    expect(final).toMatchObject([{ peer: '127.0.0.1', bytes: logoBytes.length, state: 'complete' }]);
    // The WBM style (base URL + file name) reaches the same file.
    const head = await fetchFile(path.slice(0, path.lastIndexOf('/') + 1) + 'any-name', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(logoBytes.length));
    expect(head.body.length).toBe(0);
  });

  it('answers ranges, clamps huge ones, refuses ranges past the end', async () => {
    const part = await fetchFile(path, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${logoBytes.length}`);
    expect(part.body.equals(logoBytes.subarray(100, 200))).toBe(true);
    const huge = await fetchFile(path, { range: 'bytes=299990-999999999999999999' });
    expect(huge.status).toBe(206);
    expect(huge.headers['content-length']).toBe('10');
    expect(huge.body.equals(logoBytes.subarray(299_990))).toBe(true);
    const past = await fetchFile(path, { range: `bytes=${logoBytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${logoBytes.length}`);
    const many = await fetchFile(path, { range: 'bytes=0-1,5-6' });
    expect(many.status).toBe(200);
    expect(many.body.length).toBe(logoBytes.length);
  });

  it('reaches nothing but library files: no listing, traversal, encoded paths, unknown ids, other methods', async () => {
    const token = path.split('/')[2] ?? '';
    for (const probe of [
      '/',
      '/files',
      '/files/',
      '/files/../fieldstage.db',
      '/files/%2e%2e/fieldstage.db',
      '/files/..%2f..%2ffieldstage.db',
      `/files/${token}/../../fieldstage.db`,
      `/files/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}/logo80.png`,
      `/files/${token}x/logo80.png`,
      `/files/${logo.sha256}`,
      `/files/${logo.id}`,
      '/files/AAAAAAAAAAAAAAAAAAAAAA/x',
      `/%66iles/${token}/logo80.png`,
      `//files/${token}`,
      `/files/${token}/a/b/c`,
      '/secret.key',
      '/tls/server-key.pem',
    ]) {
      const text = await rawGet(probe);
      expect(text.split('\r\n')[0], probe).toMatch(/^HTTP\/1\.1 (404|400)/);
      expect(text, probe).not.toContain('PRIVATE KEY');
    }
    const post = await fetchFile(path, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('does not follow a symlink put into the library', async () => {
    const victim = await importFile('victim.png', png(11, 11, 3000));
    const record = t.core.store.files.get(victim.id);
    if (!record) throw new Error('no record');
    const target = join(t.dataDir, 'secret-outside.txt');
    writeFileSync(target, 'x'.repeat(3000));
    const contentPath = t.core.files.contentPath(record);
    rmSync(contentPath);
    symlinkSync(target, contentPath);
    const reply = await fetchFile(filePath(record));
    expect(reply.status).toBe(500);
    expect(reply.body.toString()).not.toContain('xxx');
  });

  it('logs a client that disconnects mid-download as incomplete and keeps serving others', async () => {
    const image = makeFirmwareImage({ size: 6 * 1024 * 1024, seed: 99 });
    const fw = await importFile('big.img', image);
    const record = t.core.store.files.get(fw.id);
    if (!record) throw new Error('no record');
    await new Promise<void>((resolve) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: filePort, path: filePath(record), rejectUnauthorized: false, agent: false },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      req.end();
    });
    await until(() => downloads().some((d) => d.fileId === fw.id && d.state === 'incomplete'), 'the incomplete download');
    const broken = downloads().find((d) => d.fileId === fw.id && d.state === 'incomplete');
    expect(broken?.bytes).toBeLessThan(image.length);
    const whole = await fetchFile(filePath(record));
    expect(whole.body.equals(image)).toBe(true);
    await until(() => t.core.store.files.downloadsBy(fw.id, '127.0.0.1').length === 2, 'both downloads logged');
    expect(t.core.store.files.downloadsBy(fw.id, '127.0.0.1').map((d) => d.complete)).toEqual([false, true]);
    // Progress came in steps while the whole image went out, ending at its size.
    const running = downloads().filter((d) => d.fileId === fw.id && d.state === 'running');
    expect(running.length).toBeGreaterThan(2);
  });
});

describe('HTTPS file server and a phone that stops reading', () => {
  it('drops a slow reader after the idle timeout and logs the download incomplete', async () => {
    const image = makeFirmwareImage({ size: 8 * 1024 * 1024, seed: 5 });
    const fw = await importFile('slow.img', image);
    const record = t.core.store.files.get(fw.id);
    if (!record) throw new Error('no record');
    const seen: FileDownloadView[] = [];
    const tls = {
      key: readFileSync(join(t.dataDir, 'tls', 'server-key.pem'), 'utf8'),
      cert: readFileSync(join(t.dataDir, 'tls', 'server-cert.pem'), 'utf8'),
    };
    const server = new FileServer({
      lookup: (token) => t.core.store.files.byServeToken(token),
      contentPath: (r) => t.core.files.contentPath(r),
      now: Date.now,
      onDownload: (download) => seen.push(download),
      idleTimeoutMs: 300,
    });
    const [bound] = await server.start({ bindAddresses: ['127.0.0.1'], port: 0, tls: { ...tls, legacy: false } });
    try {
      const socket = connect({ host: '127.0.0.1', port: bound?.port ?? 0, rejectUnauthorized: false }, () => {
        socket.write(`GET ${filePath(record)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        socket.pause();
      });
      socket.on('error', () => undefined);
      await until(() => seen.some((d) => d.state !== 'running'), 'the slow download to end');
      const last = seen.at(-1);
      expect(last?.state).toBe('incomplete');
      expect(last?.bytes).toBeLessThan(image.length);
      socket.destroy();
    } finally {
      await server.stop();
    }
  });
});
