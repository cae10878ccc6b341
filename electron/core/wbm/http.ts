import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { EgressRefusedError, type Egress } from '../egress/egress.js';
import { WbmFailure } from './failure.js';

export interface WbmResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WbmRequest {
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole request, connection included; over it the request ends as `too-slow`. */
  timeoutMs: number;
  /** Largest body taken; over it the request ends as `too-big`. */
  maxBytes: number;
  /** What the request is, in failure reasons ("the trace file", "the login page"). */
  what: string;
  /** Checks the phone's certificate before anything is sent (TOFU pin); throws WbmFailure. */
  checkCertificate: (fingerprint: string) => void;
  onProgress?: (bytes: number, total: number | null) => void;
  signal?: AbortSignal;
}

/** One request to a phone's web interface over the core's Egress, bounded in time and size. */
export async function wbmRequest(egress: Egress, request: WbmRequest): Promise<WbmResponse> {
  const { url, timeoutMs, maxBytes, what } = request;
  if (request.signal?.aborted) throw new WbmFailure('cancelled', 'cancelled');
  let timer: NodeJS.Timeout | undefined;
  let end: ((error: Error) => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    end = reject;
    timer = setTimeout(() => reject(new WbmFailure('too-slow', `${what} took longer than ${timeoutMs / 1000} s: stopped`)), timeoutMs);
  });
  const onAbort = (): void => end?.(new WbmFailure('cancelled', 'cancelled'));
  request.signal?.addEventListener('abort', onAbort);
  let req: Awaited<ReturnType<Egress['request']>> | undefined;
  try {
    const exchange = (async () => {
      req = await egress.request(url, {
        method: request.method ?? 'GET',
        headers: {
          Connection: 'close',
          ...request.headers,
          ...(request.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(request.body)) }),
        },
        purpose: 'phone web interface',
        // Phones have self-signed certificates: trust comes from the pinned fingerprint instead.
        tls: { rejectUnauthorized: false },
        verifyPeer: (socket: TLSSocket) => request.checkCertificate(socket.getPeerCertificate().fingerprint256 ?? ''),
      });
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        req?.once('response', resolve);
        req?.once('error', reject);
      });
      req.end(request.body);
      return readBody(await response, maxBytes, what, request.onProgress);
    })();
    return await Promise.race([exchange, deadline]);
  } catch (error) {
    req?.destroy();
    throw asFailure(error, url, what);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function readBody(
  res: IncomingMessage,
  maxBytes: number,
  what: string,
  onProgress?: (bytes: number, total: number | null) => void,
): Promise<WbmResponse> {
  const declared = Number(res.headers['content-length']);
  const total = Number.isFinite(declared) && res.headers['content-length'] !== undefined ? declared : null;
  if (total !== null && total > maxBytes) {
    res.destroy();
    return Promise.reject(new WbmFailure('too-big', `${what} is ${total} bytes, more than the limit of ${maxBytes}: stopped`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        reject(new WbmFailure('too-big', `${what} is larger than the limit of ${maxBytes} bytes: stopped`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
      onProgress?.(bytes, total);
    });
    res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('the phone closed the connection mid-answer')));
  });
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EPIPE',
]);

/** Any error of a request in plain words. */
function asFailure(error: unknown, url: URL, what: string): WbmFailure {
  if (error instanceof WbmFailure) return error;
  const where = `${url.hostname}:${url.port || 443}`;
  if (error instanceof EgressRefusedError) return new WbmFailure('unreachable', error.message);
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  const message = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE_CODES.has(code)) return new WbmFailure('unreachable', `the phone's web interface at ${where} did not answer (${code})`);
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || /ssl|tls|handshake/i.test(message)) {
    return new WbmFailure('tls', `TLS with the phone's web interface at ${where} failed: ${message}`);
  }
  return new WbmFailure('unreachable', `${what} from ${where} failed: ${message}`);
}
