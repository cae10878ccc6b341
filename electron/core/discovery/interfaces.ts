/**
 * The laptop's network interfaces, for "which address do the phones reach me on" and for
 * proposing a sweep range. The source is injectable so tests do not depend on the machine.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { formatIpv4, networkOf, parseIpv4, prefixOfNetmask } from './ipv4.js';

export interface InterfaceAddress {
  name: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  netmask: string;
  /** `address/prefix` as Node reports it; null when the netmask is not usable. */
  cidr: string | null;
  internal: boolean;
  mac: string;
}

export type InterfaceSource = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * IPv4 first (phones and sweeps are IPv4), and within a family real interfaces before loopback,
 * so the first entry is the best default to show; otherwise the OS order is kept.
 */
export function listInterfaces(source: InterfaceSource = networkInterfaces): InterfaceAddress[] {
  const all: InterfaceAddress[] = [];
  for (const [name, infos] of Object.entries(source())) {
    for (const info of infos ?? []) {
      all.push({
        name,
        address: info.address,
        family: info.family,
        netmask: info.netmask,
        cidr: info.cidr,
        internal: info.internal,
        mac: info.mac,
      });
    }
  }
  const rank = (i: InterfaceAddress): number => (i.family === 'IPv4' ? 0 : 2) + (i.internal ? 1 : 0);
  return all.sort((a, b) => rank(a) - rank(b));
}

export interface SubnetSuggestion {
  /** Network in CIDR form, ready for `parseTargets`. */
  cidr: string;
  /** Addresses a sweep of it probes (network and broadcast skipped). */
  hostCount: number;
  /** True when the interface's own network was larger than a /24 and the /24 around the address is proposed. */
  narrowed: boolean;
}

/** Widest range proposed by default: a /24 sweeps in about 5 s at 50 probes/s; a /16 takes over 20 minutes. */
const WIDEST_SUGGESTED_PREFIX = 24;

/** The sweep range to propose for an interface; null for loopback, IPv6 and point-to-point links. */
export function suggestedSubnet(iface: InterfaceAddress): SubnetSuggestion | null {
  if (iface.internal || iface.family !== 'IPv4') return null;
  const address = parseIpv4(iface.address);
  const ownPrefix = prefixOfNetmask(iface.netmask);
  if (address === null || ownPrefix === null || ownPrefix > 30) return null;
  const prefix = Math.max(ownPrefix, WIDEST_SUGGESTED_PREFIX);
  return {
    cidr: `${formatIpv4(networkOf(address, prefix))}/${prefix}`,
    hostCount: 2 ** (32 - prefix) - 2,
    narrowed: prefix !== ownPrefix,
  };
}
