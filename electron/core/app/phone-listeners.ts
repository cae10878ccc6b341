import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ListenerStatus } from '../../../shared/model.js';
import { buildPhoneServer, type PhoneServerHandlers } from '../provisioning/phone-server.js';

export interface ListenerConfig {
  /** Addresses to bind; empty = all interfaces (the phones are on the LAN). */
  bindAddresses: string[];
  httpsPort: number;
  /** 0 = no plain-HTTP listener. */
  httpPort: number;
  legacyTls: boolean;
  keepAliveTimeoutMs: number;
  tls: { key: string; cert: string };
}

/**
 * Connections the kernel queues until we accept them. Node's default (511) overflows when a whole
 * site boots at once (power cut, PoE switch restart): further SYNs are dropped and those phones
 * retry only after 1, 3, 7, 15 s of TCP back-off, while the server may already sit idle. In
 * `npm run bench` (1,000 phones at once) the default gave ~1,300 listen overflows per burst and
 * the do-nothing floor server took ~5 s to the last CleanUp instead of ~3 s. The OS caps it (Linux
 * `net.core.somaxconn`, 4096 since 5.4; macOS `kern.ipc.somaxconn`, 128 by default).
 */
export const PHONE_LISTEN_BACKLOG = 4096;

export interface BoundListener {
  address: string;
  port: number;
  secure: boolean;
}

interface Plan {
  host: string;
  port: number;
  secure: boolean;
}

/** A listener that could not be bound; the message names address, port and what went wrong. */
export class ListenerBindError extends Error {
  readonly status: ListenerStatus;
  constructor(
    plan: Plan,
    readonly code: string,
  ) {
    const where = `${plan.host.includes(':') ? `[${plan.host}]` : plan.host}:${plan.port}`;
    super(`cannot listen on ${where} (${plan.secure ? 'HTTPS' : 'HTTP'}): ${explain(code, plan)}`);
    this.name = 'ListenerBindError';
    this.status = { address: plan.host, port: plan.port, protocol: plan.secure ? 'https' : 'http', listening: false, error: this.message };
  }
}

function explain(code: string, plan: Plan): string {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${plan.port} is already in use by another program (${code})`;
    case 'EADDRNOTAVAIL':
      return `address ${plan.host} is not on this machine (${code})`;
    case 'EACCES':
      return `no permission to use port ${plan.port} (${code})`;
    default:
      return code;
  }
}

/**
 * The phone-facing listeners: HTTPS (and optional HTTP) on each chosen address. A new
 * configuration is applied as a whole, and only if it can be bound: every address and port is
 * tried first, and on any failure the running listeners stay as they are (or are restored).
 */
export class PhoneListeners {
  private servers: FastifyInstance[] = [];
  private bound: BoundListener[] = [];
  private config: ListenerConfig | null = null;

  constructor(private readonly handlers: PhoneServerHandlers) {}

  /** Binds `config` in place of the running listeners; throws ListenerBindError and changes nothing. */
  async start(config: ListenerConfig): Promise<BoundListener[]> {
    const plans = plansOf(config);
    // Ports we hold ourselves cannot be tried while held; they are free again once we let go.
    const held = new Set(this.bound.map((b) => b.port));
    for (const plan of plans) if (!held.has(plan.port)) await probe(plan);
    const previous = this.config;
    await this.stop();
    try {
      await this.bindAll(config, plans);
    } catch (error) {
      await this.stop();
      if (previous) {
        await this.bindAll(previous, plansOf(previous)).catch((restoreError: unknown) => {
          this.handlers.log('warn', `the previous phone listeners could not be restored: ${String(restoreError)}`);
          return this.stop();
        });
      }
      throw error;
    }
    return this.listening();
  }

  listening(): BoundListener[] {
    return [...this.bound];
  }

  status(): ListenerStatus[] {
    return this.bound.map((b) => ({
      address: b.address,
      port: b.port,
      protocol: b.secure ? 'https' : 'http',
      listening: true,
      error: null,
    }));
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.bound = [];
    this.config = null;
    await Promise.allSettled(servers.map((s) => s.close()));
  }

  private async bindAll(config: ListenerConfig, plans: Plan[]): Promise<void> {
    for (const plan of plans) {
      const server = buildPhoneServer({
        tls: plan.secure ? { ...config.tls, legacy: config.legacyTls } : null,
        handlers: this.handlers,
        keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      });
      this.servers.push(server);
      try {
        await server.listen({ host: plan.host, port: plan.port, backlog: PHONE_LISTEN_BACKLOG });
      } catch (error) {
        throw asBindError(error, plan);
      }
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : plan.port;
      this.bound.push({ address: plan.host, port, secure: plan.secure });
    }
    this.config = config;
  }
}

function plansOf(config: ListenerConfig): Plan[] {
  const hosts = config.bindAddresses.length ? config.bindAddresses : ['0.0.0.0'];
  const ports = [{ secure: true, port: config.httpsPort }, ...(config.httpPort > 0 ? [{ secure: false, port: config.httpPort }] : [])];
  return hosts.flatMap((host) => ports.map((p) => ({ host, ...p })));
}

/** Binds and releases a plain socket: tells a missing address or a taken port before anything stops. */
function probe(plan: Plan): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error) => reject(asBindError(error, plan)));
    server.listen({ host: plan.host, port: plan.port, exclusive: true }, () => server.close(() => resolve()));
  });
}

function asBindError(error: unknown, plan: Plan): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ? new ListenerBindError(plan, code) : error instanceof Error ? error : new Error(String(error));
}
