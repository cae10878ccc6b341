import { isLoopbackAddress } from '../../electron/core/egress/egress.js';
import { SimPhone, type SimPhoneOptions } from '../sim/phone.js';
import type { TestCore } from './core-harness.js';

/**
 * The simulated phones of one test file, each on its own loopback address and calling the
 * test's core; `stopAll()` belongs in the file's afterEach.
 */
export class TestPhones {
  readonly #phones: SimPhone[] = [];

  /** A phone at `ip` (127.0.0.0/8 only) calling `core`; `make` builds a SimPhone subclass. */
  at(core: TestCore | null, ip: string, mac: string, options?: Partial<SimPhoneOptions>): SimPhone;
  at<T extends SimPhone>(
    core: TestCore | null,
    ip: string,
    mac: string,
    options: Partial<SimPhoneOptions>,
    make: (o: SimPhoneOptions) => T,
  ): T;
  at(
    core: TestCore | null,
    ip: string,
    mac: string,
    options: Partial<SimPhoneOptions> = {},
    make: (o: SimPhoneOptions) => SimPhone = (o) => new SimPhone(o),
  ): SimPhone {
    if (!core) throw new Error('core not started');
    if (!isLoopbackAddress(ip)) throw new Error(`test phones live on loopback addresses, not ${ip}`);
    const phone = make({ mac, ip, server: { host: '127.0.0.1', port: core.port }, contactMePort: 0, rebootDelayMs: 50, ...options });
    this.#phones.push(phone);
    return phone;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#phones.splice(0).map((p) => p.stop()));
  }
}
