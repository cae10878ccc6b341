import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiHandlers } from '../../shared/api.js';
import type { AppEvent } from '../../shared/events.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/csp.js';
import { startUiApi, type UiApi } from '../../electron/core/ui-api/server.js';

/** Real listener on 127.0.0.1; node:http instead of fetch because fetch may not set `Host`. */

type Listener = (event: AppEvent) => void;
const listeners = new Set<Listener>();
const events = {
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

const internalErrors: unknown[] = [];
const handlers = Object.fromEntries(API_METHODS.map((method) => [method, async () => ({ method })])) as unknown as ApiHandlers;
handlers['app.info'] = async () => ({ name: 'Fieldstage' }) as unknown as Awaited<ReturnType<ApiHandlers['app.info']>>;
handlers['phones.get'] = async ({ mac }) => {
  throw Object.assign(new Error(`Phone ${mac} has invalid items`), {
    statusCode: 422,
    issues: [{ name: 'e164', message: 'digits only' }],
  });
};
handlers['jobs.list'] = async () => {
  throw new Error('database is locked');
};

let rendererDir: string;
let ui: UiApi;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(path: string, options: { token?: string | null; host?: string; body?: unknown; method?: string } = {}) {
  const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${ui.port}` };
  const token = options.token === undefined ? ui.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ui.port, path, method: options.method ?? 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'fieldstage-ui-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Fieldstage</title>');
  ui = await startUiApi({
    handlers,
    events,
    rendererDir,
    onInternalError: (error) => internalErrors.push(error),
  });
});

afterAll(async () => {
  await ui.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('UI API', () => {
  it('listens on loopback and hands out a 64-hex-digit token in the URL fragment', () => {
    expect(ui.token).toMatch(/^[0-9a-f]{64}$/);
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/#token=${ui.token}`);
  });

  it('answers 401 without a token or with a wrong one', async () => {
    expect((await send('/api/app.info', { token: null, body: {} })).status).toBe(401);
    const wrong = await send('/api/app.info', { token: 'f'.repeat(64), body: {} });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ error: 'Unauthorized' });
    expect((await send('/api/events', { token: null })).status).toBe(401);
  });

  it('answers 421 to a foreign Host header even with the right token', async () => {
    const reply = await send('/api/app.info', { host: `evil.example:${ui.port}`, body: {} });
    expect(reply.status).toBe(421);
    expect((await send('/', { host: `evil.example:${ui.port}`, method: 'GET', token: null })).status).toBe(421);
  });

  it('runs a contract call and answers 200 JSON', async () => {
    for (const host of [`127.0.0.1:${ui.port}`, `localhost:${ui.port}`]) {
      const reply = await send('/api/app.info', { host, body: {} });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({ name: 'Fieldstage' });
    }
  });

  it('answers 404 for methods outside the contract', async () => {
    for (const method of ['no.such', '__proto__', 'constructor']) {
      const reply = await send(`/api/${method}`, { body: {} });
      expect(reply.status).toBe(404);
      expect(JSON.parse(reply.body).error).toContain('Unknown API method');
    }
  });

  it('answers 400 with a clear message for an invalid request', async () => {
    const reply = await send('/api/settings.update', { body: { phonePort: 'x' } });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toMatch(/^Invalid request for settings\.update: phonePort: /);
    expect((await send('/api/app.info', { body: undefined, method: 'POST' })).status).toBe(400);
  });

  it('passes a handler error status and issues through, and reports 500s', async () => {
    const reply = await send('/api/phones.get', { body: { mac: '001122334455' } });
    expect(reply.status).toBe(422);
    expect(JSON.parse(reply.body)).toEqual({
      error: 'Phone 001122334455 has invalid items',
      issues: [{ name: 'e164', message: 'digits only' }],
    });
    const failed = await send('/api/jobs.list', { body: {} });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ error: 'database is locked' });
    expect(internalErrors).toHaveLength(1);
  });

  it('answers 413 for bodies over 1 MB', async () => {
    const reply = await send('/api/items.validate', { body: { items: [{ name: 'x', value: 'v'.repeat(1_100_000) }] } });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toHaveProperty('error');
  });

  it('streams pushed events as Server-Sent Events and unsubscribes when the client leaves', async () => {
    const event: AppEvent = {
      type: 'sweep.progress',
      progress: { sweepId: 's1', done: 1, total: 2, found: 0, finished: false, cancelled: false },
    };
    let subscribedWhileOpen = 0;
    const received = await new Promise<{ contentType: string | undefined; data: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: ui.port,
          path: '/api/events',
          method: 'POST',
          // The renderer's browser client posts `{}` as JSON.
          headers: {
            host: `127.0.0.1:${ui.port}`,
            authorization: `Bearer ${ui.token}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            const line = buffered.split('\n').find((l) => l.startsWith('data: '));
            if (line) {
              req.destroy();
              resolve({ contentType: res.headers['content-type'], data: line.slice('data: '.length) });
            }
          });
          // Headers arrive once the stream is open, i.e. after the server subscribed.
          subscribedWhileOpen = listeners.size;
          for (const listener of listeners) listener(event);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(subscribedWhileOpen).toBe(1);
    expect(received.contentType).toMatch(/^text\/event-stream/);
    expect(JSON.parse(received.data)).toEqual(event);
    await expect.poll(() => listeners.size).toBe(0);
  });

  it('serves the renderer at / with the CSP header and no token', async () => {
    const reply = await send('/', { method: 'GET', token: null });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.body).toContain('<title>Fieldstage</title>');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect((await send('/missing.js', { method: 'GET', token: null })).status).toBe(404);
  });

  it('closes while an event stream is still open', async () => {
    const extra = await startUiApi({ handlers, events, rendererDir });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: extra.port,
          path: '/api/events',
          method: 'POST',
          headers: { host: `127.0.0.1:${extra.port}`, authorization: `Bearer ${extra.token}` },
        },
        (res) => {
          res.resume();
          resolve();
        },
      );
      req.on('error', reject);
      req.end();
    });
    await extra.close();
    await expect.poll(() => listeners.size).toBe(0);
  });
});
