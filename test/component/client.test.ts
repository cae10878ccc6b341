import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient, readSessionToken } from '../../renderer/src/api/client.js';
import { ApiError, toApiError } from '../../renderer/src/api/errors.js';
import type { AppEvent } from '../../shared/events.js';
import { phoneSummary } from './support.js';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function streamResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

describe('readSessionToken', () => {
  beforeEach(() => {
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/index.html#token=s3cret');
  });

  it('takes the token from the fragment, keeps it for the tab and removes it from the address bar', () => {
    expect(readSessionToken()).toBe('s3cret');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/index.html');
    expect(readSessionToken()).toBe('s3cret');
  });
});

describe('createBrowserClient', () => {
  afterEach(() => vi.useRealTimers());

  it('posts each call to /api/<method> with the bearer token', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, [phoneSummary()]));
    const api = createBrowserClient({ token: 't0k', fetch });
    await expect(api.call('phones.list', {})).resolves.toHaveLength(1);
    expect(fetch).toHaveBeenCalledWith('/api/phones.list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' },
      body: '{}',
    });
  });

  it('throws an ApiError carrying the error body, issues included', async () => {
    const body = { error: 'invalid request', issues: [{ name: 'e164', message: 'too long' }] };
    const api = createBrowserClient({ token: 't', fetch: async () => jsonResponse(400, body) });
    const error = await api.call('items.validate', { items: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).issues).toEqual(body.issues);
  });

  it('falls back to the status line when the error is not JSON', async () => {
    const api = createBrowserClient({
      token: 't',
      fetch: async () => new Response('gateway', { status: 502, statusText: 'Bad Gateway' }),
    });
    await expect(api.call('app.info', {})).rejects.toThrow('502 Bad Gateway');
  });

  it('reads pushed events from one stream and reconnects after it ends', async () => {
    const event: AppEvent = { type: 'phone.updated', phone: phoneSummary() };
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(streamResponse([`data: ${JSON.stringify(event).slice(0, 20)}`, `${JSON.stringify(event).slice(20)}\n\n`]))
      .mockResolvedValue(streamResponse([]));
    const api = createBrowserClient({ token: 't', fetch });
    const received: AppEvent[] = [];
    const unsubscribe = api.onEvent((e) => received.push(e));
    await vi.waitFor(() => expect(received).toEqual([event]));
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/events');
    expect((fetch.mock.calls[0]?.[1]?.headers as Record<string, string>).Authorization).toBe('Bearer t');
    await vi.waitFor(() => expect(fetch.mock.calls.length).toBeGreaterThan(1), { timeout: 3000 });
    unsubscribe();
  });

  it('tells the subscriber each time the stream (re)opens, so it can reload what it missed', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockImplementation(async () => streamResponse([]));
    const api = createBrowserClient({ token: 't', fetch });
    let opened = 0;
    const unsubscribe = api.onEvent(
      () => undefined,
      () => {
        opened += 1;
      },
    );
    await vi.waitFor(() => expect(opened).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    expect(opened).toBeLessThanOrEqual(fetch.mock.calls.length);
    unsubscribe();
  });

  it('does not report an open stream for a refused one', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockImplementation(async () => new Response('busy', { status: 503 }));
    const api = createBrowserClient({ token: 't', fetch });
    let opened = 0;
    const unsubscribe = api.onEvent(
      () => undefined,
      () => {
        opened += 1;
      },
    );
    await vi.waitFor(() => expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    expect(opened).toBe(0);
    unsubscribe();
  });
});

describe('toApiError', () => {
  it('keeps status and issues of what the Electron preload rejects with', () => {
    const error = toApiError({
      error: 'invalid request',
      issues: [{ name: 'e164', message: 'too long' }],
      status: 400,
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.body).toEqual({ error: 'invalid request', issues: [{ name: 'e164', message: 'too long' }] });
  });

  it('wraps plain errors', () => {
    expect(toApiError(new Error('socket hang up')).message).toBe('socket hang up');
  });
});
