import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateView } from '../../shared/certificates.js';
import { startUiApi, type UiApi } from '../../electron/core/ui-api/server.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { makeOpensslFiles, type OpensslFiles } from '../support/openssl-files.js';

/** The certificate calls through the real browser-mode transport, with files OpenSSL made. */

let files: OpensslFiles;
let test: TestCore;
let ui: UiApi;
let rendererDir: string;

beforeAll(async () => {
  files = makeOpensslFiles();
  test = await startTestCore();
  rendererDir = mkdtempSync(join(tmpdir(), 'fieldstage-ui-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  ui = await startUiApi({ handlers: test.core.handlers, events: test.core.events, rendererDir });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await test?.stop();
  rmSync(rendererDir, { recursive: true, force: true });
});

function post(path: string, body: Buffer | string, headers: Record<string, string> = {}, token: string | null = ui.token) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ui.port,
        path,
        method: 'POST',
        headers: { host: `127.0.0.1:${ui.port}`, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const call = (method: string, body: unknown) => post(`/api/${method}`, JSON.stringify(body), { 'content-type': 'application/json' });

describe('certificates over the UI API', () => {
  it('uploads raw bytes with the password in X-Certificate-Password', async () => {
    const wrong = await post('/api/certificates.upload?name=customer.p12', files.read('modern.p12'), {
      'content-type': 'application/x-pkcs12',
      'x-certificate-password': 'nope',
    });
    expect(wrong.status).toBe(400);
    expect((wrong.json as { error: string }).error).toMatch(/password does not open/);
    const missing = await post('/api/certificates.upload?name=customer.p12', files.read('modern.p12'));
    expect((missing.json as { error: string }).error).toMatch(/enter its password/);
    expect(((await call('certificates.list', {})).json as CertificateView[]).length).toBe(0);

    const ok = await post('/api/certificates.upload?name=customer.p12', files.read('modern.p12'), {
      'content-type': 'application/octet-stream',
      'x-certificate-password': 'secret',
    });
    expect(ok.status).toBe(200);
    const [view] = (ok.json as { certificates: CertificateView[] }).certificates;
    expect(view).toMatchObject({ name: 'customer.p12', format: 'pkcs12', hasKey: true, chainComplete: true });
    expect(view?.certificates[0]?.sha256).toBe(files.fingerprint('leaf.pem'));
    expect(JSON.stringify(ok.json)).not.toMatch(/PRIVATE KEY/);
    expect(test.logs.join('\n')).not.toContain('secret');
  });

  it('needs the token, refuses an empty body and names duplicates', async () => {
    expect((await post('/api/certificates.upload?name=x.pem', files.read('ca.pem'), {}, null)).status).toBe(401);
    expect((await post('/api/certificates.upload?name=x.pem', Buffer.alloc(0))).status).toBe(400);
    const dup = await post('/api/certificates.upload?name=again.p12', files.read('legacy.p12'), { 'x-certificate-password': 'secret' });
    expect(dup.status).toBe(409);
    expect((dup.json as { error: string }).error).toMatch(/already stored as "customer.p12"/);
  });

  it('takes the same import as a JSON call, lists and removes', async () => {
    const reply = await call('certificates.upload', { name: 'ca2.pem', contentBase64: files.read('ca2.pem').toString('base64') });
    expect(reply.status).toBe(200);
    const id = (reply.json as { certificates: CertificateView[] }).certificates[0]?.id;
    const names = () => call('certificates.list', {}).then((r) => (r.json as CertificateView[]).map((v) => v.name));
    expect(await names()).toEqual(['ca2.pem', 'customer.p12']);
    expect((await call('certificates.remove', { id })).json).toEqual({ removed: true });
    expect(await names()).toEqual(['customer.p12']);
    expect((await call('certificates.remove', { id })).status).toBe(404);
  });

  it('has no file dialog in browser mode', async () => {
    const reply = await call('certificates.pick', {});
    expect(reply.status).toBe(400);
    expect((reply.json as { error: string }).error).toMatch(/upload the file instead/);
  });

  it('creates the local CA once and keeps it', async () => {
    const first = (await call('certificates.localCa', {})).json as CertificateView;
    const second = (await call('certificates.localCa', {})).json as CertificateView;
    expect(first.origin).toBe('local-ca');
    expect(second.certificates[0]?.sha256).toBe(first.certificates[0]?.sha256);
    expect((await call('certificates.remove', { id: first.id })).status).toBe(400);
  });
});
