import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServedHandlers } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/events.js';
import { ApiRequestError, dispatch, toApiFailure } from '../api/dispatch.js';
import { CONTENT_SECURITY_POLICY } from '../csp.js';

/**
 * Browser-mode transport: the same renderer build talks to the real core over loopback HTTP.
 * Anything on the machine can reach a loopback port and any web page can point a hostname at
 * 127.0.0.1, so every API call needs the per-start token (delivered in the URL fragment, which
 * browsers never send or log) and every request a Host header naming this listener.
 */

export interface UiApiOptions {
  handlers: ServedHandlers;
  events: { subscribe(listener: (event: AppEvent) => void): () => void };
  /** Built renderer (dist/renderer), served at `/`. */
  rendererDir: string;
  /** Loopback only: the token is the sole authentication, so the API is never exposed to the LAN. */
  host?: '127.0.0.1';
  /** 0 picks a free port. */
  port?: number;
  /**
   * Browser-mode file import (`POST /api/files.upload?name=…[&kind=…]`, raw bytes as body): gets
   * the request stream itself, so a 500 MB image goes to disk without passing through memory.
   */
  upload?: (body: AsyncIterable<Buffer>, name: string, kind: string | undefined) => Promise<unknown>;
  /** Browser mode: a built diagnostic bundle by id, for `GET /api/diagnostics.download?id=`. */
  bundle?: (id: string) => { name: string; bytes: Uint8Array } | null;
  /** Browser mode: a site file (`POST /api/sites.upload`, raw bytes) kept for `sites.import`. */
  siteUpload?: (body: AsyncIterable<Buffer>) => Promise<unknown>;
  /** Browser mode: a finished site export by id, for `GET /api/sites.download?id=`. */
  siteDownload?: (id: string) => { name: string; path: string } | null;
  /** Receives 5xx errors; their message goes to the client, the stack only here. */
  onInternalError?: (error: unknown) => void;
  /** Defaults: MAX_EVENT_STREAMS, EVENT_STREAM_BUFFER_BYTES. */
  maxEventStreams?: number;
  eventStreamBufferBytes?: number;
  /** Told when a stream is ended because its client stopped reading. */
  onStreamDropped?: (reason: string) => void;
}

export interface UiApi {
  /** Open this in a browser; the fragment carries the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;
/** Largest upload the route takes; the library enforces the same limit while it streams. */
export const UPLOAD_LIMIT = 512 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/**
 * Open `/api/events` streams at most. One window needs one; a few more cover reloads, a second
 * tab and a stream whose close is not noticed yet. More are answered 503 (each one holds a
 * socket and an event subscription).
 */
export const MAX_EVENT_STREAMS = 16;
/**
 * Bytes an event stream may hold unsent in memory (beyond what the kernel buffers). A client
 * that falls this far behind is not reading; its stream is ended and its memory released, so
 * slow or stuck clients cost at most MAX_EVENT_STREAMS × this. Reconnecting reloads the state.
 */
export const EVENT_STREAM_BUFFER_BYTES = 1024 * 1024;

export async function startUiApi(options: UiApiOptions): Promise<UiApi> {
  const { handlers, events, rendererDir, host = '127.0.0.1', port = 0 } = options;
  const onInternalError = options.onInternalError ?? ((error: unknown) => console.error('UI API error:', error));
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  let allowedHosts = new Set<string>();
  const streams = new Set<ServerResponse>();
  const limits: StreamLimits = {
    maxStreams: options.maxEventStreams ?? MAX_EVENT_STREAMS,
    bufferBytes: options.eventStreamBufferBytes ?? EVENT_STREAM_BUFFER_BYTES,
    onDropped: options.onStreamDropped ?? ((reason) => console.warn(`[fieldstage] event stream dropped: ${reason}`)),
  };

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });

  // Blocks DNS rebinding: a foreign page reaching us through its own hostname sends that name.
  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHosts.has((request.headers.host ?? '').toLowerCase())) {
      return reply.code(421).send({ error: 'Misdirected request' });
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });
  app.setErrorHandler((error, _request, reply) => {
    const failure = toApiFailure(error);
    if (failure.status >= 500) onInternalError(error);
    return reply.code(failure.status).send(failure.body);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not found' }));

  // Token check as a hook of the encapsulated /api plugin rather than a URL-prefix test, so it
  // applies to exactly the routes the router resolves there, however the path was encoded.
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        if (!hasToken(request, expected)) return reply.code(401).send({ error: 'Unauthorized' });
      });
      // POST (not EventSource/GET) so the client can send the Authorization header.
      api.post('/events', (_request, reply) => {
        if (streams.size >= limits.maxStreams) {
          return reply
            .code(503)
            .header('retry-after', '5')
            .send({ error: `too many event streams: at most ${limits.maxStreams} may be open at once` });
        }
        streamEvents(reply, events, streams, limits);
      });
      api.post<{ Params: { method: string } }>('/:method', (request) => dispatch(handlers, request.params.method, request.body));
      await api.register(certificateUploadRoute(handlers));
      const { bundle } = options;
      if (bundle) {
        // GET with the token like every call: the renderer fetches it and saves the blob.
        api.get<{ Querystring: { id?: unknown } }>('/diagnostics.download', async (request, reply) => {
          const found = typeof request.query.id === 'string' ? bundle(request.query.id) : null;
          if (!found) return reply.code(404).send({ error: 'no such bundle (it is kept for 10 minutes)' });
          return reply
            .header('content-type', 'application/zip')
            .header('content-disposition', `attachment; filename="${found.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
            .send(Buffer.from(found.bytes.buffer, found.bytes.byteOffset, found.bytes.byteLength));
        });
      }
      const { upload, siteUpload, siteDownload } = options;
      if (upload) await api.register(async (scope) => registerUpload(scope, upload));
      if (siteUpload) await api.register(async (scope) => registerSiteUpload(scope, siteUpload));
      if (siteDownload) {
        api.get<{ Querystring: { id?: unknown } }>('/sites.download', async (request, reply) => {
          const found = typeof request.query.id === 'string' ? siteDownload(request.query.id) : null;
          if (!found) return reply.code(404).send({ error: 'no such export (it is kept for an hour)' });
          return reply
            .header('content-type', 'application/octet-stream')
            .header('content-disposition', `attachment; filename="${found.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
            .send(createReadStream(found.path));
        });
      }
    },
    { prefix: '/api' },
  );
  await app.register(fastifyStatic, { root: rendererDir });

  // Open event streams never go idle, so end them or close() would wait for the clients.
  app.addHook('preClose', (done) => {
    for (const stream of streams) stream.end();
    done();
  });

  await app.listen({ host, port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('UI API did not bind a TCP port');
  const boundPort = address.port;
  allowedHosts = new Set([`127.0.0.1:${boundPort}`, `localhost:${boundPort}`]);

  return {
    url: `http://127.0.0.1:${boundPort}/#token=${token}`,
    port: boundPort,
    token,
    close: () => app.close(),
  };
}

/**
 * `POST /api/certificates.upload?name=<file name>`: the raw file as body (any content type), the
 * PKCS#12 password in `X-Certificate-Password` as UTF-8 bytes. Translated into the contract's
 * `certificates.upload` call, so validation and errors are the same as for every other call.
 */
function certificateUploadRoute(handlers: ServedHandlers) {
  return async (scope: FastifyInstance): Promise<void> => {
    // Own scope: only this route takes raw bodies; the JSON calls keep their parser.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post<{ Querystring: { name?: string } }>('/certificates.upload', (request) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      // A JSON body is the contract call itself (as over IPC); anything else is the file.
      if ((request.headers['content-type'] ?? '').startsWith('application/json')) {
        return dispatch(handlers, 'certificates.upload', parseJson(body));
      }
      const header = request.headers['x-certificate-password'];
      const raw = Array.isArray(header) ? header[0] : header;
      return dispatch(handlers, 'certificates.upload', {
        name: request.query.name ?? '',
        // Node hands header bytes over as latin1; the client sends the password's UTF-8 bytes.
        ...(raw ? { password: Buffer.from(raw, 'latin1').toString('utf8') } : {}),
        contentBase64: body.toString('base64'),
      });
    });
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiRequestError(400, 'Invalid request for certificates.upload: the body is not JSON');
  }
}

/** The upload route in its own scope: its body parser hands over the stream instead of buffering it. */
function registerUpload(scope: FastifyInstance, upload: NonNullable<UiApiOptions['upload']>): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  scope.post<{ Querystring: { name?: unknown; kind?: unknown } }>('/files.upload', async (request, reply) => {
    const { name, kind } = request.query;
    if (typeof name !== 'string' || name.trim() === '') return reply.code(400).send({ error: 'files.upload needs ?name=<file name>' });
    if (kind !== undefined && typeof kind !== 'string') return reply.code(400).send({ error: 'kind must be given once' });
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > UPLOAD_LIMIT) {
      refuseRest(request, reply);
      return reply.code(413).send({ error: `Files over ${UPLOAD_LIMIT / 1024 / 1024} MB are not taken.` });
    }
    // Without a body fastify hands over no stream: that is an empty file, which the library refuses.
    // destroyOnReturn false: a refusal mid-stream must still be able to answer on this connection.
    const body = request.body ? (request.body as Readable).iterator({ destroyOnReturn: false }) : Readable.from([]);
    try {
      return await upload(body, name, kind);
    } catch (error) {
      refuseRest(request, reply);
      throw error;
    }
  });
}

/** `POST /api/sites.upload`: the site file streams to disk like a library file; the answer names it for sites.import. */
function registerSiteUpload(scope: FastifyInstance, siteUpload: NonNullable<UiApiOptions['siteUpload']>): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  scope.post('/sites.upload', async (request, reply) => {
    const body = request.body ? (request.body as Readable).iterator({ destroyOnReturn: false }) : Readable.from([]);
    try {
      return await siteUpload(body);
    } catch (error) {
      refuseRest(request, reply);
      throw error;
    }
  });
}

/** The rest of a refused body is read and dropped, and the connection closed after the answer. */
function refuseRest(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('connection', 'close');
  request.raw.resume();
}

function hasToken(request: FastifyRequest, expected: Buffer): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface StreamLimits {
  maxStreams: number;
  bufferBytes: number;
  onDropped: (reason: string) => void;
}

/** Server-Sent Events over the hijacked response: `data: <json>` per event, comments as heartbeat. */
function streamEvents(reply: FastifyReply, events: UiApiOptions['events'], streams: Set<ServerResponse>, limits: StreamLimits): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  });
  // An initial comment flushes the headers so the client's fetch() resolves right away.
  res.write(': connected\n\n');
  streams.add(res);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  };
  // Back-pressure, checked once per event-loop turn, after the socket had its chance to hand
  // the turn's writes to the kernel: a burst of events is fine, a client whose unsent bytes
  // stay above the bound is not reading. Destroying (not ending) the socket drops those bytes
  // at once; end() would keep them until the client reads.
  let checkPending = false;
  const checkBacklog = (): void => {
    checkPending = false;
    if (released || res.writableLength <= limits.bufferBytes) return;
    limits.onDropped(`the client fell ${res.writableLength} bytes behind (limit ${limits.bufferBytes})`);
    release();
    res.destroy();
  };
  const send = (text: string): void => {
    if (released) return;
    res.write(text);
    if (!checkPending && res.writableLength > limits.bufferBytes) {
      checkPending = true;
      setImmediate(checkBacklog);
    }
  };
  const unsubscribe = events.subscribe((event) => send(`data: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
  res.on('close', release);
}
