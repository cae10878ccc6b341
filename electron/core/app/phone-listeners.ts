import type { FastifyInstance } from 'fastify';
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

/**
 * The phone-facing listeners: HTTPS (and optional HTTP) on each chosen address. Restarted as a
 * whole when ports, addresses, TLS options or the certificate change.
 */
export class PhoneListeners {
  private servers: FastifyInstance[] = [];
  private bound: BoundListener[] = [];

  constructor(private readonly handlers: PhoneServerHandlers) {}

  async start(config: ListenerConfig): Promise<BoundListener[]> {
    await this.stop();
    const hosts = config.bindAddresses.length ? config.bindAddresses : ['0.0.0.0'];
    const plans = [{ secure: true, port: config.httpsPort }, ...(config.httpPort > 0 ? [{ secure: false, port: config.httpPort }] : [])];
    try {
      for (const host of hosts) {
        for (const plan of plans) {
          const server = buildPhoneServer({
            tls: plan.secure ? { ...config.tls, legacy: config.legacyTls } : null,
            handlers: this.handlers,
            keepAliveTimeoutMs: config.keepAliveTimeoutMs,
          });
          this.servers.push(server);
          await server.listen({ host, port: plan.port, backlog: PHONE_LISTEN_BACKLOG });
          const address = server.server.address();
          const port = typeof address === 'object' && address ? address.port : plan.port;
          this.bound.push({ address: host, port, secure: plan.secure });
        }
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.listening();
  }

  listening(): BoundListener[] {
    return [...this.bound];
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.bound = [];
    await Promise.allSettled(servers.map((s) => s.close()));
  }
}
