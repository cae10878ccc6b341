/**
 * The phone's HTTP(S) client side: one session per interaction, file downloads and DCMP polls.
 * Every request is bounded by a hard timeout and a body size cap so a misbehaving service can
 * never hang a test.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIPv4 } from 'node:net';
import { createHash } from 'node:crypto';

export interface ServerAddress {
  host: string;
  port: number;
  /** Default `/DeploymentService/LoginService` (wpi-protocol.md §3.4). */
  path?: string;
  /** Talk to the service's optional plain-HTTP listener instead of HTTPS (misconfigured phones). */
  plain?: boolean;
  /** Secure Mode: verify the service against `ca` and present this client certificate (mutual TLS). */
  tls?: SecureTls;
}

export interface SecureTls {
  /** PEM certificates the service's certificate must chain to (the deployed dls-server-ca). */
  ca: string[];
  /** Client certificate (PEM, leaf first) and its key; absent: the phone presents none. */
  cert?: string;
  key?: string;
}

export const DEFAULT_SERVICE_PATH = '/DeploymentService/LoginService';

export interface RequestLimits {
  /** Source address of the phone's connections, so the service sees the phone's own IP. */
  localAddress: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Far above the 50 kB message cap; only there to stop a runaway service. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface RequestSpec {
  url: URL;
  method: 'GET' | 'POST';
  headers: OutgoingHttpHeaders;
  body?: string;
  agent?: http.Agent;
  tls?: SecureTls;
}

/** One finished request as `observeRequests` reports it (ms from `request()` to the whole answer). */
export interface RequestTiming {
  method: 'GET' | 'POST';
  localAddress: string;
  ms: number;
  error?: string;
}

let requestObserver: ((timing: RequestTiming) => void) | undefined;

/** Process-wide, off by default: benchmarks time every request of a fleet through this. */
export function observeRequests(observer: ((timing: RequestTiming) => void) | undefined): void {
  requestObserver = observer;
}

function request(spec: RequestSpec, limits: RequestLimits): Promise<HttpReply> {
  const observer = requestObserver;
  if (!observer) return send(spec, limits);
  const started = performance.now();
  const report = (error?: unknown): void =>
    observer({
      method: spec.method,
      localAddress: limits.localAddress,
      ms: performance.now() - started,
      ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    });
  return send(spec, limits).then(
    (reply) => {
      report();
      return reply;
    },
    (error: unknown) => {
      report(error);
      throw error;
    },
  );
}

function send(spec: RequestSpec, limits: RequestLimits): Promise<HttpReply> {
  const secure = spec.url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: spec.method,
    headers: spec.headers,
    localAddress: limits.localAddress,
    signal: limits.signal,
    // Default Mode: the phone does not check the service's certificate (p. 12); Secure Mode does.
    rejectUnauthorized: spec.tls !== undefined,
    ...(spec.tls
      ? { ca: spec.tls.ca, ...(spec.tls.cert ? { cert: spec.tls.cert } : {}), ...(spec.tls.key ? { key: spec.tls.key } : {}) }
      : {}),
    ...(isIPv4(limits.localAddress) ? { family: 4 } : {}),
    ...(spec.agent ? { agent: spec.agent } : {}),
  };
  return new Promise<HttpReply>((resolve, reject) => {
    const req = (secure ? https : http).request(spec.url, options);
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(spec.body);
  });
}

/** A file the phone fetched: counted and hashed as it streams, only its two ends kept (image checks). */
export interface FetchedFile {
  status: number;
  bytes: number;
  sha256: string;
  head: Buffer;
  tail: Buffer;
}

/**
 * Downloads a file as a phone does: any certificate (secure file transfer policy None), the body
 * streamed and hashed, never held whole (images are tens of MB). `timeoutMs` is an idle timeout.
 */
export function fetchFile(url: string, limits: RequestLimits, ends: { head: number; tail: number }): Promise<FetchedFile> {
  const target = new URL(url);
  const options: https.RequestOptions = {
    method: 'GET',
    localAddress: limits.localAddress,
    signal: limits.signal,
    rejectUnauthorized: false,
    ...(isIPv4(limits.localAddress) ? { family: 4 } : {}),
  };
  return new Promise<FetchedFile>((resolve, reject) => {
    const req = (target.protocol === 'https:' ? https : http).request(target, options);
    req.setTimeout(limits.timeoutMs, () => req.destroy(new Error(`download idle for ${limits.timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      let head = Buffer.alloc(0);
      let tail = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
        if (head.length < ends.head) head = Buffer.concat([head, chunk.subarray(0, ends.head - head.length)]);
        tail = Buffer.from(Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - ends.tail))]).subarray(-ends.tail));
      });
      res.on('error', reject);
      res.on('end', () => {
        const expected = Number(res.headers['content-length'] ?? bytes);
        if (!res.complete || bytes !== expected) reject(new Error(`download ended after ${bytes} of ${expected} bytes`));
        else resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), head, tail });
      });
    });
    req.end();
  });
}

/**
 * One interaction's HTTPS conversation. Modern firmware keeps one keep-alive connection per flow;
 * legacy firmware says `Connection: close` and opens a new TLS connection for every request, so
 * the session cookie is the only thing tying the flow together (p. 13, 28, 34).
 */
export class HttpsSession {
  private readonly agent: http.Agent;
  private readonly cookies = new Map<string, string>();
  private readonly url: URL;
  private readonly tls: SecureTls | undefined;

  constructor(
    server: ServerAddress,
    private readonly legacy: boolean,
    private readonly limits: RequestLimits,
  ) {
    const scheme = server.plain ? 'http' : 'https';
    this.url = new URL(`${scheme}://${hostForUrl(server.host)}:${server.port}${server.path ?? DEFAULT_SERVICE_PATH}`);
    this.agent = new (server.plain ? http : https).Agent({ keepAlive: !legacy, maxSockets: 1 });
    this.tls = server.tls;
  }

  /** The Cookie header the next request will carry, if any. */
  get cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async post(xml: string): Promise<HttpReply> {
    const headers: OutgoingHttpHeaders = { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) };
    const cookie = this.cookieHeader;
    if (cookie) headers.Cookie = cookie;
    if (this.legacy) headers.Connection = 'close';
    const reply = await request(
      { url: this.url, method: 'POST', headers, body: xml, agent: this.agent, ...(this.tls ? { tls: this.tls } : {}) },
      this.limits,
    );
    this.remember(reply.headers['set-cookie']);
    return reply;
  }

  /** Ends the interaction's connection(s); also what "drop the connection" means for Restart. */
  close(): void {
    this.agent.destroy();
  }

  private remember(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

/** Plain GET over HTTP or HTTPS (downloads, DCMP polls); a fresh connection each time. */
export function httpGet(url: string, limits: RequestLimits): Promise<HttpReply> {
  return request({ url: new URL(url), method: 'GET', headers: {} }, limits);
}

/** The transfer rules every service answer must keep (p. 12, 14). */
export function transferViolations(reply: HttpReply): string[] {
  const found: string[] = [];
  if (reply.status !== 200) found.push(`HTTP status ${reply.status}, expected 200`);
  if (/\bchunked\b/i.test(reply.headers['transfer-encoding'] ?? '')) found.push('chunked transfer-encoding');
  if (reply.headers['content-length'] === undefined) found.push('missing Content-Length');
  return found;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
