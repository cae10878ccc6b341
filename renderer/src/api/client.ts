import type { ApiClient, ApiErrorBody, ApiMethod, ApiReq, ApiRes } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/events.js';
import type { FileView } from '../../../shared/model.js';
import { ApiError, toApiError } from './errors.js';
import { SseParser } from './sse.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent when the renderer runs in a normal browser. */
    api?: ApiClient;
  }
}

type EventListener = (event: AppEvent) => void;

const TOKEN_STORAGE_KEY = 'fieldstage.uiToken';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

/**
 * Takes the UI token from `#token=…` (fragments never reach server logs), keeps it for this tab in
 * sessionStorage so a reload still works, and removes it from the address bar.
 */
export function readSessionToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }
  return window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

/** Electron errors lose their fields on the way through IPC; bring them back to ApiError. */
function wrapPreloadApi(api: ApiClient): ApiClient {
  return {
    call: (method, req) => api.call(method, req).catch((error: unknown) => Promise.reject(toApiError(error))),
    onEvent: (listener, onOpen) => api.onEvent(listener, onOpen),
  };
}

async function readErrorBody(response: Response): Promise<ApiErrorBody> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && typeof (body as ApiErrorBody).error === 'string') {
      return body as ApiErrorBody;
    }
  } catch {
    // Not JSON (a proxy page, an empty 502): fall through to the status line.
  }
  return { error: `${response.status} ${response.statusText}`.trim() };
}

function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface BrowserClientOptions {
  token: string | null;
  fetch?: typeof fetch;
}

/**
 * Browser-mode transport: `POST /api/<method>` with a bearer token, and one shared streaming
 * `POST /api/events` connection (SSE lines) for all event listeners, reconnected with back-off.
 */
export function createBrowserClient({ token, fetch: fetchImpl = (...args) => fetch(...args) }: BrowserClientOptions): ApiClient {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;

  const listeners = new Set<EventListener>();
  const openListeners = new Set<() => void>();
  let connection: AbortController | null = null;
  let streamOpen = false;

  function emit(payload: string): void {
    let event: AppEvent;
    try {
      event = JSON.parse(payload) as AppEvent;
    } catch {
      return; // A garbled event must not break the stream; the next full list load corrects state.
    }
    for (const listener of listeners) listener(event);
  }

  async function streamOnce(signal: AbortSignal, onOpen: () => void): Promise<void> {
    const response = await fetchImpl('/api/events', { method: 'POST', headers, body: '{}', signal });
    if (!response.ok || !response.body) throw new ApiError(response.status, await readErrorBody(response));
    onOpen();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const payload of parser.push(decoder.decode(value, { stream: true }))) emit(payload);
    }
  }

  async function keepConnected(signal: AbortSignal): Promise<void> {
    // Attempts since the stream was last open: a stream that opened and later dropped is retried
    // quickly, a server that keeps refusing is asked less and less often.
    let failures = 0;
    while (!signal.aborted) {
      try {
        await streamOnce(signal, () => {
          failures = 0;
          streamOpen = true;
          // Events sent while no stream was open are lost: subscribers reload now.
          for (const onOpen of openListeners) onOpen();
        });
      } catch {
        // Refused, unreachable or dropped: all handled by the retry below.
      }
      streamOpen = false;
      if (signal.aborted) return;
      await waitFor(Math.min(RECONNECT_MIN_MS * 2 ** failures, RECONNECT_MAX_MS), signal);
      failures += 1;
    }
  }

  return {
    async call<M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> {
      const response = await fetchImpl(`/api/${method}`, { method: 'POST', headers, body: JSON.stringify(req ?? {}) });
      if (!response.ok) throw new ApiError(response.status, await readErrorBody(response));
      return (await response.json()) as ApiRes<M>;
    },
    async upload(file, name) {
      const uploadHeaders: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (headers.Authorization) uploadHeaders.Authorization = headers.Authorization;
      const response = await fetchImpl(`/api/files.upload?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: uploadHeaders,
        body: file,
      });
      if (!response.ok) throw new ApiError(response.status, await readErrorBody(response));
      return (await response.json()) as FileView;
    },
    async uploadSite(file) {
      const uploadHeaders: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (headers.Authorization) uploadHeaders.Authorization = headers.Authorization;
      const response = await fetchImpl('/api/sites.upload', { method: 'POST', headers: uploadHeaders, body: file });
      if (!response.ok) throw new ApiError(response.status, await readErrorBody(response));
      return (await response.json()) as { uploadId: string };
    },
    async download(url) {
      // Only the API's own paths: the token never goes anywhere else.
      if (!url.startsWith('/api/')) throw new Error(`refusing to fetch ${url}`);
      const response = await fetchImpl(url, { headers: headers.Authorization ? { Authorization: headers.Authorization } : {} });
      if (!response.ok) throw new ApiError(response.status, await readErrorBody(response));
      return response.blob();
    },
    onEvent(listener, onOpen) {
      listeners.add(listener);
      // A new subscriber to an open stream has missed what came before it.
      if (onOpen) {
        openListeners.add(onOpen);
        if (streamOpen) queueMicrotask(onOpen);
      }
      if (!connection) {
        connection = new AbortController();
        void keepConnected(connection.signal);
      }
      return () => {
        listeners.delete(listener);
        if (onOpen) openListeners.delete(onOpen);
        if (listeners.size === 0 && connection) {
          connection.abort();
          connection = null;
        }
      };
    },
  };
}

let client: ApiClient | null = null;

/** The app's one API client: the Electron preload's when present, else the browser-mode transport. */
export function getApi(): ApiClient {
  client ??= window.api ? wrapPreloadApi(window.api) : createBrowserClient({ token: readSessionToken() });
  return client;
}
