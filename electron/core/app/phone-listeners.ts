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
    const plans = [
      { secure: true, port: config.httpsPort },
      ...(config.httpPort > 0 ? [{ secure: false, port: config.httpPort }] : []),
    ];
    try {
      for (const host of hosts) {
        for (const plan of plans) {
          const server = buildPhoneServer({
            tls: plan.secure ? { ...config.tls, legacy: config.legacyTls } : null,
            handlers: this.handlers,
            keepAliveTimeoutMs: config.keepAliveTimeoutMs,
          });
          this.servers.push(server);
          await server.listen({ host, port: plan.port });
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
