/**
 * Dotted-quad IPv4 helpers shared by the sweep, the interface list and the option-43 builder.
 * Addresses are handled as unsigned 32-bit numbers so ranges and masks are plain arithmetic.
 */

const OCTET = /^(0|[1-9]\d{0,2})$/;

/**
 * Parses strict dotted-quad IPv4 (`192.168.2.19`). Leading zeros are refused because tools
 * disagree on them (`010` is 8 for inet_aton, 10 for most people).
 */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== null;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Network address of `address` for a prefix length 0..32. */
export function networkOf(address: number, prefix: number): number {
  return prefix === 0 ? 0 : (address & (0xffffffff << (32 - prefix))) >>> 0;
}

/** Prefix length of a contiguous netmask (`255.255.255.0` → 24); null when not contiguous. */
export function prefixOfNetmask(netmask: string): number | null {
  const mask = parseIpv4(netmask);
  if (mask === null) return null;
  const inverted = ~mask >>> 0;
  // A contiguous mask inverted is 2^k - 1, so adding one leaves a single bit set.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}
