import type { FastifyInstance } from 'fastify';
import type { ListenerStatus } from '../../../shared/model.js';
import { PHONE_LISTEN_BACKLOG } from '../app/phone-listeners.js';
import { buildPhoneServer, type PhoneServerHandlers } from '../provisioning/phone-server.js';

export interface SecureListenerConfig {
  /** Empty = all interfaces. */
  bindAddresses: string[];
  port: number;
  legacyTls: boolean;
  keepAliveTimeoutMs: number;
  /** Server certificate issued by the local CA, and the CA (the only trust anchor for clients). */
  tls: { key: string; cert: string; ca: string };
}

/**
 * The Secure Mode listener (wpi-protocol.md §3.2, default 18444): the phone listener with mutual
 * TLS. It runs once the local CA exists; a port that cannot be bound is logged and reported in
 * `status`, while the default listeners go on.
 */
export class SecureListener {
  #servers: FastifyInstance[] = [];
  #status: ListenerStatus[] = [];

  constructor(private readonly handlers: PhoneServerHandlers) {}

  async start(config: SecureListenerConfig): Promise<void> {
    await this.stop();
    const hosts = config.bindAddresses.length ? config.bindAddresses : ['0.0.0.0'];
    for (const host of hosts) {
      const server = buildPhoneServer({
        tls: { key: config.tls.key, cert: config.tls.cert, legacy: config.legacyTls, clientCa: config.tls.ca },
        handlers: this.handlers,
        keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      });
      try {
        await server.listen({ host, port: config.port, backlog: PHONE_LISTEN_BACKLOG });
        this.#servers.push(server);
        const address = server.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        this.#status.push({ address: host, port, protocol: 'https', listening: true, error: null });
      } catch (error) {
        await server.close().catch(() => undefined);
        const message = `cannot listen on ${host}:${config.port} for Secure Mode: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
        this.handlers.log('warn', message);
        this.#status.push({ address: host, port: config.port, protocol: 'https', listening: false, error: message });
      }
    }
  }

  /** The bound port (0 while not listening). */
  port(): number {
    return this.#status.find((s) => s.listening)?.port ?? 0;
  }

  status(): ListenerStatus[] {
    return [...this.#status];
  }

  async stop(): Promise<void> {
    const servers = this.#servers;
    this.#servers = [];
    this.#status = [];
    await Promise.allSettled(servers.map((s) => s.close()));
  }
}
