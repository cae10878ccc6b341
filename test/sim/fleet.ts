/**
 * Many simulated phones at once, each with its own MAC and loopback address, so the service sees
 * distinct peers exactly as with a room full of real phones. In NAT mode they all share one
 * loopback address instead, as a branch office behind one router does.
 */
import { emptyStats, SimPhone, type SimPhoneOptions, type SimPhoneStats } from './phone.js';

/** Unify's OUI, as on real OpenStage phones (diagnostics-certs-dhcp.md, discovery fingerprints). */
const UNIFY_OUI = '00:1A:E8';

export interface FleetOptions extends Omit<SimPhoneOptions, 'mac' | 'ip'> {
  count: number;
  /** First two octets of the loopback range, e.g. `127.0.`; phones get `127.0.x.y`. */
  baseIp?: string;
  /** Third octet of the first phone; default 3 keeps clear of 127.0.0.x where services listen. */
  firstSubnet?: number;
  /** NIC part of the first MAC (24 bits); vary it to run two fleets side by side. */
  firstMac?: number;
  /**
   * NAT mode: every phone's requests leave from this one loopback address (each phone's
   * contact-me listener takes a free port on it), so the service sees one peer for all of them.
   */
  natAddress?: string;
  /** Per-phone exceptions, e.g. `(i) => ({ busy: i < 2 })`. */
  perPhone?: (index: number) => Partial<Omit<SimPhoneOptions, 'mac' | 'ip'>>;
}

export interface Fleet {
  readonly phones: readonly SimPhone[];
  /** Starts the phones, at most `concurrency` booting at a time; resolves when all have booted. */
  startAll(options?: { concurrency?: number }): Promise<void>;
  stopAll(): Promise<void>;
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** The phones' counters added up. */
  totals(): SimPhoneStats;
}

/** The i-th address of the range, skipping .0 and .255 in the last octet. */
export function fleetIp(baseIp: string, firstSubnet: number, i: number): string {
  const subnet = firstSubnet + Math.floor(i / 254);
  if (subnet > 255) throw new Error('fleet does not fit into the loopback range');
  return `${baseIp}${subnet}.${(i % 254) + 1}`;
}

export function fleetMac(firstMac: number, i: number): string {
  const nic = (firstMac + i) & 0xffffff;
  const hex = nic.toString(16).toUpperCase().padStart(6, '0');
  return `${UNIFY_OUI}:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

export function createFleet(options: FleetOptions): Fleet {
  const { count, baseIp = '127.0.', firstSubnet = 3, firstMac = 0x100001, natAddress, perPhone, ...shared } = options;
  // Binding foreign addresses would put simulated phones on a real network.
  if (!/^127\.\d{1,3}\.$/.test(baseIp)) throw new Error(`baseIp must look like "127.0." (loopback only), got "${baseIp}"`);
  if (natAddress !== undefined && !/^127(\.\d{1,3}){3}$/.test(natAddress)) {
    throw new Error(`natAddress must be a loopback address such as 127.0.9.1, got "${natAddress}"`);
  }
  // Behind one address the phones cannot all listen on the same contact-me port.
  const nat = natAddress === undefined ? {} : { contactMePort: 0 };
  const phones = Array.from(
    { length: count },
    (_, i) =>
      new SimPhone({
        ...shared,
        ...nat,
        ...perPhone?.(i),
        mac: fleetMac(firstMac, i),
        ip: natAddress ?? fleetIp(baseIp, firstSubnet, i),
      }),
  );

  return {
    phones,
    async startAll({ concurrency = 8 } = {}) {
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let phone = phones[next++]; phone; phone = phones[next++]) {
          await phone.start();
          await phone.waitForIdle(60_000).catch(() => undefined); // a phone stuck booting must not block the rest
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, phones.length)) }, worker));
    },
    async stopAll() {
      await Promise.all(phones.map((p) => p.stop()));
    },
    async waitForIdle(timeoutMs) {
      await Promise.all(phones.map((p) => p.waitForIdle(timeoutMs)));
    },
    totals() {
      const sum = emptyStats();
      const keys = Object.keys(sum) as (keyof SimPhoneStats)[];
      for (const phone of phones) for (const key of keys) sum[key] += phone.stats[key];
      return sum;
    },
  };
}
