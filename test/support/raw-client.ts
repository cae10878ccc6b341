/**
 * Clients that talk to the phone listener the way no polite phone would: one HTTPS request with
 * any method, headers and bytes; raw bytes on a TLS (or plain TCP) socket with optional TCP reset;
 * a byte-a-second slow client; and a cookie-carrying session for scripted conversations.
 *
 * Every call is bounded in time and resolves to a value (never throws for network trouble), so a
 * barrage of hundreds can be run with Promise.all and judged afterwards.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export type Outcome = ({ ok: true } & Answer) | { ok: false; error: string; ms: number };

export interface HttpsRequestOptions {
  port: number;
  host?: string;
  localAddress: string;
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Write the body in pieces with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /** A request that takes longer counts as a hang. */
  timeoutMs?: number;
  agent?: https.Agent;
}

/** One HTTPS request (TLS not verified, like a phone in Default Mode, p. 12). */
export function httpsRequest(options: HttpsRequestOptions): Promise<Outcome> {
  const started = Date.now();
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (body && !options.chunked && headers['content-length'] === undefined) headers['content-length'] = body.length;
  if (options.chunked) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let req: ReturnType<typeof https.request>;
    try {
      req = https.request({
        host: options.host ?? '127.0.0.1',
        port: options.port,
        path: options.path ?? '/',
        method: options.method ?? 'POST',
        headers,
        localAddress: options.localAddress,
        family: 4,
        rejectUnauthorized: false,
        agent: options.agent ?? false,
      });
    } catch (error) {
      // Node refuses to send some hostile headers at all: that input never reached the server.
      resolve({ ok: false, error: `not sent: ${error instanceof Error ? error.message : String(error)}`, ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, error: `no answer within ${options.timeoutMs ?? 30_000} ms (hang)`, ms: Date.now() - started });
    }, options.timeoutMs ?? 30_000);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code ?? err.message, ms: Date.now() - started }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: err.code ?? err.message, ms: Date.now() - started }));
      res.on('end', () =>
        finish({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }),
      );
    });
    if (body && options.chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

export interface RawResult {
  /** Status of the first final (non-1xx) response, null when none came. */
  status: number | null;
  /** Every status line seen, 1xx included. */
  statuses: number[];
  /** The bytes received (at most 64 kB kept). */
  received: string;
  /** The server closed (or reset) the connection. */
  closed: boolean;
  /** We reset the connection on purpose. */
  reset: boolean;
  /** Neither an answer nor a close, even after we half-closed: the server is holding a dead request. */
  hung: boolean;
  error?: string;
  ms: number;
}

export interface RawOptions {
  port: number;
  host?: string;
  localAddress: string;
  data: Buffer;
  /** TLS to the listener (default) or plain TCP bytes on the TLS port. */
  tls?: boolean;
  /** Send a TCP RST right after writing `data` (mid-request connection loss). */
  reset?: boolean;
  /** How long to wait for an answer before half-closing; then as long again for the close. */
  answerWithinMs?: number;
}

/**
 * Writes raw bytes and waits for one complete response (Content-Length framed), the server
 * closing, or — after a half-close of our own — gives up and reports a hang.
 */
export function rawExchange(options: RawOptions): Promise<RawResult> {
  const started = Date.now();
  const wait = options.answerWithinMs ?? 5_000;
  return new Promise((resolve) => {
    const tcp = net.connect({ host: options.host ?? '127.0.0.1', port: options.port, localAddress: options.localAddress, family: 4 });
    const socket: net.Socket = options.tls === false ? tcp : tls.connect({ socket: tcp, rejectUnauthorized: false, servername: undefined });
    let received = Buffer.alloc(0);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const result = (extra: Partial<RawResult>): RawResult => {
      const statuses = parseStatuses(received);
      return {
        status: statuses.find((s) => s >= 200) ?? null,
        statuses,
        received: received.subarray(0, 64 * 1024).toString('latin1'),
        closed: false,
        reset: false,
        hung: false,
        ms: Date.now() - started,
        ...extra,
      };
    };
    const finish = (extra: Partial<RawResult>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result(extra));
      tcp.destroy();
    };
    const onReady = (): void => {
      if (options.data.length) socket.write(options.data);
      if (options.reset) {
        // Let the bytes leave before the RST, as when a cable is pulled mid-request.
        setTimeout(() => {
          if (!tcp.destroyed) tcp.resetAndDestroy();
          finish({ reset: true });
        }, 20);
        return;
      }
      timer = setTimeout(() => {
        socket.end();
        timer = setTimeout(() => finish({ hung: true }), wait);
      }, wait);
    };
    if (options.tls === false) tcp.once('connect', onReady);
    else socket.once('secureConnect', onReady);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (completeResponse(received)) finish({});
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!settled && !options.reset) finish({ closed: true, error: err.code ?? err.message });
    });
    socket.on('close', () => finish({ closed: true }));
  });
}

/** Status codes of all response heads in `bytes`. */
function parseStatuses(bytes: Buffer): number[] {
  const text = bytes.subarray(0, 64 * 1024).toString('latin1');
  return [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

/** A final response whose Content-Length body has fully arrived. */
function completeResponse(bytes: Buffer): boolean {
  let text = bytes.toString('latin1');
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const head = text.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    if (status >= 100 && status < 200) {
      text = text.slice(end + 4);
      continue;
    }
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    return text.length - end - 4 >= length;
  }
}

export interface SlowResult {
  /** Time until the server closed the connection; null if it never did within `maxMs`. */
  closedAfterMs: number | null;
  status: number | null;
  bytesSent: number;
}

/**
 * A client that sends its request one byte at a time (slowloris). The server must cut it by its
 * own timeouts; we stop after `maxMs` whatever happens.
 */
export function slowClient(options: {
  port: number;
  host?: string;
  localAddress: string;
  request: string;
  intervalMs: number;
  maxMs: number;
}): Promise<SlowResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const tcp = net.connect({ host: options.host ?? '127.0.0.1', port: options.port, localAddress: options.localAddress, family: 4 });
    const socket = tls.connect({ socket: tcp, rejectUnauthorized: false });
    let sent = 0;
    let received = '';
    let drip: NodeJS.Timeout | undefined;
    const stop = setTimeout(() => finish(null), options.maxMs);
    let settled = false;
    function finish(closedAfterMs: number | null): void {
      if (settled) return;
      settled = true;
      clearInterval(drip);
      clearTimeout(stop);
      socket.destroy();
      resolve({ closedAfterMs, status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0) || null, bytesSent: sent });
    }
    socket.once('secureConnect', () => {
      drip = setInterval(() => {
        if (socket.destroyed || sent >= options.request.length) return;
        socket.write(options.request[sent++] ?? '');
      }, options.intervalMs);
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(Date.now() - started));
  });
}

/**
 * A keep-alive HTTPS conversation with a cookie jar: what a phone does in one interaction, but
 * with whatever bytes the test chooses to send.
 */
export class HostileSession {
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly port: number,
    readonly localAddress: string,
    private readonly path = '/DeploymentService/LoginService',
  ) {}

  get cookie(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  async post(body: Buffer | string, timeoutMs = 30_000): Promise<Outcome> {
    const headers: OutgoingHttpHeaders = { 'content-type': 'text/xml' };
    const cookie = this.cookie;
    if (cookie) headers.cookie = cookie;
    const outcome = await httpsRequest({
      port: this.port,
      localAddress: this.localAddress,
      path: this.path,
      headers,
      body,
      agent: this.agent,
      timeoutMs,
    });
    if (outcome.ok) {
      for (const line of outcome.headers['set-cookie'] ?? []) {
        const pair = line.split(';', 1)[0] ?? '';
        const eq = pair.indexOf('=');
        if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    }
    return outcome;
  }

  /** Sends the first `cut` bytes of a request with the session cookie, then resets the connection. */
  async postAndReset(body: string, cut: number): Promise<RawResult> {
    const cookie = this.cookie;
    const bytes = Buffer.from(body, 'utf8');
    const head =
      `POST ${this.path} HTTP/1.1\r\nHost: dls\r\nContent-Type: text/xml\r\nContent-Length: ${bytes.length}\r\n` +
      `${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;
    const data = Buffer.concat([Buffer.from(head, 'latin1'), bytes.subarray(0, cut)]);
    return rawExchange({ port: this.port, localAddress: this.localAddress, data, reset: true });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `nonce="…"` and `<Action>…</Action>` of a DLSMessage as the bytes say (entities not decoded). */
export function dlsSummary(xml: string): { nonce: string | null; action: string | null } {
  return {
    nonce: /<Message\b[^>]*\bnonce="([^"]*)"/.exec(xml)?.[1] ?? null,
    action: /<Action>([^<]*)<\/Action>/.exec(xml)?.[1] ?? null,
  };
}
