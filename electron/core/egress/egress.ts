/**
 * The one door for every connection Fieldstage opens to another machine: contact-me, sweeps,
 * and the HTTP(S) clients still to come (the phones' web interface, file downloads). Each
 * destination is resolved to an address first and checked there, before a packet is sent, so
 * a name cannot resolve past the check. In loopback-only mode (tests, benchmarks, CI) anything
 * outside 127.0.0.0/8 and ::1 is refused and logged as an error: a run that must stay on this
 * machine can then prove it did.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { parseIpv4 } from '../discovery/ipv4.js';

/** Set to `1` (tests, `npm run bench`, `.ci/run`) to refuse every non-loopback destination. */
export const LOOPBACK_ONLY_ENV = 'FIELDSTAGE_LOOPBACK_ONLY';

/** How sockets are made; tests inject one that records calls instead of connecting. */
export interface Connector {
  tcp(options: { host: string; port: number; localAddress?: string }): Socket;
  tls(options: ConnectionOptions & { host: string; port: number }): TLSSocket;
}

export const NODE_CONNECTOR: Connector = {
  tcp: (options) => tcpConnect(options),
  tls: (options) => tlsConnect(options),
};

/** Host name → addresses; IP literals never reach it. */
export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export interface EgressOptions {
  loopbackOnly: boolean;
  /** Told about every refusal; the core logs it at level error. */
  onRefused: (message: string) => void;
  connector?: Connector;
  resolve?: Resolver;
}

export interface EgressTarget {
  /** IP literal or host name (IPv6 with or without brackets). */
  host: string;
  port: number;
  /** Bind to this local address; otherwise the OS picks the interface that routes there. */
  localAddress?: string;
  /** What the connection is for, in the refusal's log line (e.g. `contact-me`). */
  purpose: string;
}

export interface EgressRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  localAddress?: string;
  purpose: string;
  /** TLS options for https: URLs (CA, servername, …). */
  tls?: ConnectionOptions;
  /**
   * https: called once the handshake is done, before anything is sent (e.g. to compare a
   * pinned certificate); a throw ends the connection and rejects the request.
   */
  verifyPeer?: (socket: TLSSocket) => void;
}

export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = parseIpv4(address);
  if (v4 !== null) return v4 >>> 24 === 127;
  if (isIP(address) !== 6) return false;
  // The URL parser writes IPv6 in its one canonical form: `0:0::1` → `::1`, `::ffff:127.0.0.1` → `::ffff:7f00:1`.
  const canonical = new URL(`http://[${address}]/`).hostname;
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** Reads the loopback-only switch from the environment (`1` or `true`). */
export function loopbackOnlyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[LOOPBACK_ONLY_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true';
}

export class Egress {
  readonly loopbackOnly: boolean;
  readonly #connector: Connector;
  readonly #resolve: Resolver;
  readonly #onRefused: (message: string) => void;

  constructor(options: EgressOptions) {
    this.loopbackOnly = options.loopbackOnly;
    this.#connector = options.connector ?? NODE_CONNECTOR;
    this.#resolve = options.resolve ?? systemResolver;
    this.#onRefused = options.onRefused;
  }

  /**
   * The address to connect to for `target`, checked. Rejects with EgressRefusedError (after
   * logging it) when the guard refuses, or with the resolver's error for unknown names.
   */
  async destination(target: EgressTarget): Promise<string> {
    const host = target.host.replace(/^\[(.*)\]$/, '$1');
    const addresses = isIP(host) !== 0 ? [host] : await this.#resolve(host);
    if (addresses.length === 0) throw new Error(`${host} does not resolve to an address`);
    // Every address counts: connecting to the first allowed one of a mixed answer would let a
    // name that also points outside pass in one run and not in the next.
    const outside = addresses.find((a) => !isLoopbackAddress(a));
    if (this.loopbackOnly && outside !== undefined) {
      const named = outside === host ? host : `${host} (${outside})`;
      const message = `egress refused: ${target.purpose} to ${named}:${target.port} is not a loopback destination (${LOOPBACK_ONLY_ENV}=1)`;
      this.#onRefused(message);
      throw new EgressRefusedError(message);
    }
    return addresses[0] as string;
  }

  /** A TCP connection to a checked destination (connecting; listen for `connect` / `error`). */
  async connect(target: EgressTarget): Promise<Socket> {
    const address = await this.destination(target);
    return this.#connector.tcp({
      host: address,
      port: target.port,
      ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }),
    });
  }

  /** A TLS connection; the certificate is checked against the name given, not the address. */
  async connectTls(target: EgressTarget, tls: ConnectionOptions = {}): Promise<TLSSocket> {
    const address = await this.destination(target);
    const name = target.host.replace(/^\[(.*)\]$/, '$1');
    return this.#connector.tls({
      ...tls,
      host: address,
      port: target.port,
      ...(isIP(name) === 0 ? { servername: tls.servername ?? name } : {}),
      ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }),
    });
  }

  /**
   * An HTTP(S) request over a guarded connection (one connection per request, no agent pool).
   * The caller writes the body and ends it; `Host` defaults to the URL's host.
   */
  async request(url: string | URL, options: EgressRequestOptions): Promise<ClientRequest> {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    const secure = parsed.protocol === 'https:';
    if (!secure && parsed.protocol !== 'http:') throw new Error(`${parsed.protocol} is not http: or https:`);
    const port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
    const target: EgressTarget = {
      host: parsed.hostname,
      port,
      purpose: options.purpose,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    };
    const socket = secure ? await this.connectTls(target, options.tls) : await this.connect(target);
    if (secure && options.verifyPeer) await verified(socket as TLSSocket, options.verifyPeer);
    const send = secure ? httpsRequest : httpRequest;
    return send({
      method: options.method ?? 'GET',
      path: parsed.pathname + parsed.search,
      headers: { Host: parsed.host, ...options.headers },
      createConnection: () => socket,
    });
  }
}

let processEgress: Egress | null = null;

/**
 * The guard for code used outside a core (CLI tools, a sweep run on its own): loopback-only
 * from the environment, refusals on stderr. The core builds its own with its logger.
 */
export function defaultEgress(): Egress {
  processEgress ??= new Egress({
    loopbackOnly: loopbackOnlyFromEnv(),
    onRefused: (message) => console.error(`[fieldstage] ${message}`),
  });
  return processEgress;
}

/** Waits for the handshake of `socket`, then lets `verify` refuse the peer (the socket is destroyed). */
function verified(socket: TLSSocket, verify: (socket: TLSSocket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      try {
        verify(socket);
        resolve();
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
