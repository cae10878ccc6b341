import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiHandlers } from '../../shared/api.js';
import type { AppEvent } from '../../shared/events.js';
import { EVENT_STREAM_BUFFER_BYTES, startUiApi, type UiApi, type UiApiOptions } from '../../electron/core/ui-api/server.js';

/** `/api/events` over real loopback sockets: a bounded number of streams, and no stuck client can pile up memory. */

type Listener = (event: AppEvent) => void;

interface Harness {
  ui: UiApi;
  listeners: Set<Listener>;
  publish(event: AppEvent): void;
  dropped: string[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<UiApiOptions> = {}): Promise<Harness> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'fieldstage-streams-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Fieldstage</title>');
  const listeners = new Set<Listener>();
  const dropped: string[] = [];
  const handlers = Object.fromEntries(API_METHODS.map((method) => [method, async () => ({})])) as unknown as ApiHandlers;
  const ui = await startUiApi({
    handlers,
    events: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    rendererDir,
    onStreamDropped: (reason) => dropped.push(reason),
    ...options,
  });
  cleanups.push(async () => {
    await ui.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });
  return { ui, listeners, dropped, publish: (event) => listeners.forEach((listener) => listener(event)) };
}

/** A client that opens a stream, reads its headers and then never reads again. */
function stuckClient(ui: UiApi): Promise<Socket> {
  const socket = connect(ui.port, '127.0.0.1');
  cleanups.push(() => void socket.destroy());
  socket.on('error', () => undefined);
  socket.write(
    `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1:${ui.port}\r\nAuthorization: Bearer ${ui.token}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
  );
  return new Promise((resolve) =>
    socket.once('data', () => {
      socket.pause();
      resolve(socket);
    }),
  );
}

interface Reader {
  status: number;
  events: AppEvent[];
  body: string;
  request: ClientRequest;
}

/** A client that reads everything (or, for a refused stream, the error body). */
function readingClient(ui: UiApi): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ui.port,
        path: '/api/events',
        method: 'POST',
        headers: { host: `127.0.0.1:${ui.port}`, authorization: `Bearer ${ui.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const reader: Reader = { status: res.statusCode ?? 0, events: [], body: '', request: req };
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (reader.status !== 200) {
            reader.body += chunk;
            return;
          }
          pending += chunk;
          let end = pending.indexOf('\n\n');
          while (end !== -1) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            if (block.startsWith('data: ')) reader.events.push(JSON.parse(block.slice(6)) as AppEvent);
            end = pending.indexOf('\n\n');
          }
        });
        res.on('error', () => undefined);
        if (reader.status === 200) resolve(reader);
        else res.on('end', () => resolve(reader));
      },
    );
    req.on('error', reject);
    cleanups.push(() => void req.destroy());
    req.end('{}');
  });
}

const until = async (condition: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`gave up waiting: ${what}`);
};

/** ~32 kB of JSON per event. */
const bigEvent = (n: number): AppEvent => ({
  type: 'sweep.progress',
  progress: { sweepId: `${n}:${'x'.repeat(32 * 1024)}`, done: n, total: 0, found: 0, finished: false, cancelled: false },
});

describe('event streams', () => {
  it('ends the streams of clients that stopped reading, and a reading client keeps receiving everything', async () => {
    const harness = await start();
    const stuck = await Promise.all(Array.from({ length: 4 }, () => stuckClient(harness.ui)));
    const reader = await readingClient(harness.ui);
    await until(() => harness.listeners.size === stuck.length + 1, 'all streams subscribed');

    // Far more than kernel buffers hold per socket; before the bound, all of it stayed in memory.
    const MAX_BATCHES = 64;
    let published = 0;
    for (let batch = 0; batch < MAX_BATCHES && harness.listeners.size > 1; batch++) {
      for (let i = 0; i < 32; i++) harness.publish(bigEvent(published++));
      await until(
        () => reader.events.length === published,
        `the reader caught up (${reader.events.length} of ${published}, ${harness.listeners.size} streams, ${harness.dropped.length} dropped)`,
      );
    }

    expect(harness.listeners.size).toBe(1);
    expect(harness.dropped).toHaveLength(stuck.length);
    for (const reason of harness.dropped) expect(reason).toMatch(new RegExp(`limit ${EVENT_STREAM_BUFFER_BYTES}\\b`));
    // The reader missed nothing, in order, and is still subscribed.
    expect(reader.events.map((e) => (e.type === 'sweep.progress' ? e.progress.done : -1))).toEqual(
      Array.from({ length: published }, (_, i) => i),
    );
    harness.publish(bigEvent(published));
    await until(() => reader.events.length === published + 1, 'the reader gets the next event');
  }, 60_000);

  it('answers streams beyond the cap with 503 and a clear message, and frees the slot when one closes', async () => {
    const harness = await start({ maxEventStreams: 2 });
    const first = await readingClient(harness.ui);
    const second = await readingClient(harness.ui);
    expect([first.status, second.status]).toEqual([200, 200]);

    const refused = await readingClient(harness.ui);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({ error: 'too many event streams: at most 2 may be open at once' });
    expect(harness.listeners.size).toBe(2);

    first.request.destroy();
    await until(() => harness.listeners.size === 1, 'the closed stream is released');
    const again = await readingClient(harness.ui);
    expect(again.status).toBe(200);
    harness.publish(bigEvent(1));
    await until(() => again.events.length === 1 && second.events.length === 1, 'both open streams receive');
  });
});
