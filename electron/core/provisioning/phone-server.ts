import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import type { PresentedClient } from '../secure-mode/verify.js';
import type { HttpRefusal } from './refusals.js';
import { phoneTlsOptions } from './tls-options.js';

/** What the provisioning service needs to know about one phone POST. */
export interface PhoneRequest {
  body: Buffer;
  peer: string;
  localAddress: string;
  localPort: number;
  sessionId: string | null;
  secure: boolean;
  path: string;
  /** Only on the Secure Mode listener (mutual TLS): the client certificate the phone presented. */
  client?: PresentedClient;
}

export interface PhoneResponse {
  status: number;
  body: string;
  /** Session cookie to set (first reply of a flow) or clear (CleanUp). */
  session?: { set: string } | { clear: true };
}

export interface PollResponse {
  status: 200 | 202 | 400;
}

export interface PhoneServerHandlers {
  /** Resolves once the request's effects are committed; a rejection is answered with 500. */
  handle(req: PhoneRequest): Promise<PhoneResponse>;
  poll(deviceId: string, peer: string): PollResponse;
  log(level: 'info' | 'warn', message: string): void;
  /** Puts an HTTP-level refusal into the exchange log; the refusal is sent once this settles. */
  refused(refusal: HttpRefusal): Promise<void>;
}

export interface PhoneServerOptions {
  /** `clientCa`: the Secure Mode listener, asking every client for a certificate and trusting only this CA. */
  tls: { key: string; cert: string; legacy: boolean; clientCa?: string } | null;
  handlers: PhoneServerHandlers;
  /** Keep-alive between requests of one flow; the guide asks for 10 (seconds assumed, p. 12). */
  keepAliveTimeoutMs: number;
}

export const SESSION_COOKIE = 'JSESSIONID';
/** The real DLS scopes the cookie to /DeploymentService; we accept any path, so scope it to /. */
export const SESSION_COOKIE_PATH = '/';
/**
 * The real DLS sends `JSESSIONID=…; Path=/DeploymentService; Secure` (wpi-protocol.md §3.5, S-3).
 * Phones are not browsers: no HttpOnly and no SameSite (which @fastify/cookie would add by
 * default), so a 2008-era embedded cookie parser sees only attributes the real DLS sends.
 */
function sessionCookieOptions(secure: boolean): { path: string; secure: boolean; httpOnly: false; sameSite: false } {
  return { path: SESSION_COOKIE_PATH, secure, httpOnly: false, sameSite: false };
}
/** Largest phone POST accepted: a full ReadAllItems is ~20 kB, fragments ≤ 50 kB (p. 69). */
export const PHONE_BODY_LIMIT = 1024 * 1024;
export const PHONE_REQUEST_TIMEOUT_MS = 30_000;
export const PHONE_HEADERS_TIMEOUT_MS = 15_000;
export const PHONE_MAX_HEADER_BYTES = 16 * 1024;
/** Node answers an HTTP/1.1 request without Host with 400 unless told otherwise. */
export const PHONE_REQUIRE_HOST_HEADER = false;
/** How often slow requests are checked against the timeouts above. */
export const PHONE_TIMEOUT_CHECK_MS = 1_000;
/**
 * A socket silent this long is destroyed. Longer than the request timeout plus its check
 * interval, so a body that never ends gets its 408 from the request timeout first instead of
 * a silent close (equal values raced, and the close usually won).
 */
export const PHONE_SOCKET_IDLE_TIMEOUT_MS = PHONE_REQUEST_TIMEOUT_MS + 5 * PHONE_TIMEOUT_CHECK_MS;

/**
 * The phone-facing HTTP(S) listener. Replies are strings, so fastify always sends
 * Content-Length and never chunked encoding (V2R2 and older break on chunks, p. 12).
 */
export function buildPhoneServer(options: PhoneServerOptions): FastifyInstance {
  const tls = options.tls;
  const httpLimits = {
    maxHeaderSize: PHONE_MAX_HEADER_BYTES,
    headersTimeout: PHONE_HEADERS_TIMEOUT_MS,
    requestTimeout: PHONE_REQUEST_TIMEOUT_MS,
    // Node checks the two timeouts only this often (default 30 s, which doubles them).
    connectionsCheckingInterval: PHONE_TIMEOUT_CHECK_MS,
    // Lenient with phones (spec README): an embedded HTTP/1.1 client that leaves out Host is
    // still a phone; the listener serves every path, so Host is never needed to route.
    requireHostHeader: PHONE_REQUIRE_HOST_HEADER,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: PHONE_BODY_LIMIT,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    requestTimeout: PHONE_REQUEST_TIMEOUT_MS,
    connectionTimeout: PHONE_SOCKET_IDLE_TIMEOUT_MS,
    maxRequestsPerSocket: 0,
    return503OnClosing: true,
    // Phones append `contact-me?device-id=…` to dcmp-url (which ends in `/`); one that writes
    // `<dcmp-url>/contact-me` (wpi-protocol.md §10.11) must still reach the poll route.
    routerOptions: { ignoreDuplicateSlashes: true },
    // Broken HTTP (bad headers, oversized headers, slow clients): a defined 400/408 and a log line.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: import('node:net').Socket) => {
      const peer = socket.remoteAddress ?? '?';
      options.handlers.log('warn', `${peer}: bad HTTP (${err.code ?? err.message})`);
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const refusal = {
        peer,
        status: timeout ? 408 : 400,
        reason: err.code ?? err.message,
        method: null,
        path: null,
        headers: null,
        sessionId: null,
      };
      void refuse(options.handlers, refusal).then(() => {
        const line = timeout ? '408 Request Timeout' : '400 Bad Request';
        if (socket.writable) socket.end(`HTTP/1.1 ${line}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        else socket.destroy();
      });
    },
    // A URL the router cannot decode (`/%zz`): the same small 400 and log line as other refusals.
    frameworkErrors: async (error: { code?: string; message: string }, req: FastifyRequest, reply: FastifyReply) => {
      options.handlers.log('warn', `${req.ip}: ${req.method} ${req.url.slice(0, 200)} rejected with 400 (${error.code ?? error.message})`);
      await refuse(options.handlers, refusalOf(req, 400, error.code ?? error.message));
      return reply.code(400).type('text/plain').send('Bad Request');
    },
    http: httpLimits,
    // fastify hands `http` only to a plain HTTP server: the HTTPS server needs the limits here.
    ...(tls ? { https: { ...phoneTlsOptions(tls.key, tls.cert, tls.legacy), ...mutualTls(tls.clientCa), ...httpLimits } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  const { handlers } = options;
  void app.register(fastifyCookie);
  // Phones send text/xml; odd or missing types are taken as the same raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/dcmp/contact-me', async (req: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
    const deviceId = typeof req.query['device-id'] === 'string' ? req.query['device-id'] : '';
    const result = handlers.poll(deviceId, req.ip);
    if (result.status === 400) await refuse(handlers, refusalOf(req, 400, 'poll with an invalid device-id'));
    return reply.code(result.status).type('text/plain').send('');
  });

  app.post('/*', async (req: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const socket = req.raw.socket;
    const response = await handlers.handle({
      body,
      peer: req.ip,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
      sessionId: sessionIdOf(req.cookies[SESSION_COOKIE]),
      secure: tls !== null,
      path: req.url,
      ...(tls?.clientCa ? { client: presentedClient(socket as TLSSocket) } : {}),
    });
    if (response.session && 'set' in response.session) {
      reply.setCookie(SESSION_COOKIE, response.session.set, sessionCookieOptions(tls !== null));
    }
    return reply.code(response.status).type('text/xml; charset=utf-8').send(response.body);
  });

  app.setNotFoundHandler((req, reply) => {
    handlers.log('info', `${req.ip}: ${req.method} ${req.url.slice(0, 200)} not served`);
    return reply.code(404).type('text/plain').send('Not Found');
  });

  // Every rejection gets a defined, small answer and a log line with the peer; nothing throws out.
  app.setErrorHandler(async (error: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    handlers.log('warn', `${req.ip}: ${req.method} ${req.url.slice(0, 200)} rejected with ${status} (${error.code ?? error.message})`);
    if (status < 500) await refuse(handlers, refusalOf(req, status, error.code ?? error.message));
    return reply
      .code(status)
      .type('text/plain')
      .send(status === 413 ? 'Payload Too Large' : status === 500 ? 'Internal Server Error' : 'Bad Request');
  });

  app.addHook('onReady', async () => {
    app.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: import('node:net').Socket) => {
      handlers.log('warn', `${socket.remoteAddress ?? '?'}: TLS handshake failed (${err.code ?? err.message})`);
    });
    // Node answers an unknown `Expect` with 417 on its own; with a listener it is logged too.
    app.server.on('checkExpectation', (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      handlers.log(
        'warn',
        `${req.socket.remoteAddress ?? '?'}: ${req.method ?? '?'} with Expect "${String(req.headers.expect).slice(0, 60)}" rejected with 417`,
      );
      const refusal = {
        peer: req.socket.remoteAddress ?? '?',
        status: 417,
        reason: 'unsupported Expect',
        method: req.method ?? null,
        path: req.url ?? null,
        headers: req.headers,
        sessionId: null,
      };
      void refuse(handlers, refusal).then(() =>
        res.writeHead(417, { 'Content-Type': 'text/plain', 'Content-Length': '0', Connection: 'close' }).end(),
      );
    });
  });
  return app;
}

/**
 * Secure Mode: the handshake asks for a client certificate and trusts only the local CA, but
 * completes without one, so the service can refuse with a logged reason instead of a bare reset.
 */
function mutualTls(clientCa: string | undefined): { requestCert?: boolean; rejectUnauthorized?: boolean; ca?: string[] } {
  return clientCa ? { requestCert: true, rejectUnauthorized: false, ca: [clientCa] } : {};
}

function presentedClient(socket: TLSSocket): PresentedClient {
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  return { der: peer && Buffer.isBuffer(peer.raw) && peer.raw.length > 0 ? peer.raw : null };
}

function refusalOf(req: FastifyRequest, status: number, reason: string): HttpRefusal {
  return {
    peer: req.ip,
    status,
    reason,
    method: req.method,
    path: req.url,
    headers: req.headers,
    sessionId: sessionIdOf(cookieValue(req.headers.cookie, SESSION_COOKIE)),
  };
}

/** A refusal is answered even when logging it failed; the failure is a log line of its own. */
async function refuse(handlers: PhoneServerHandlers, refusal: HttpRefusal): Promise<void> {
  try {
    await handlers.refused(refusal);
  } catch (error) {
    handlers.log('warn', `${refusal.peer}: the HTTP ${refusal.status} refusal could not be logged (${String(error)})`);
  }
}

/** The cookie plugin may not have run yet when a request is refused: read the header directly. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Session ids are ours (hex); anything else a client sends is ignored rather than trusted. */
function sessionIdOf(value: string | undefined): string | null {
  return value && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
}
