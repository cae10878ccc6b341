import { DCMP_POLL_INTERVAL_ITEM, DCMP_URL_ITEM, type WpiItem } from '../../../shared/protocol.js';

/** Poll intervals a technician may choose, in seconds. */
export const POLL_INTERVAL_RANGE = { min: 30, max: 86_400 } as const;

/**
 * Items that make a phone behind NAT poll us (wpi-protocol.md §5): the phone appends
 * `contact-me?device-id=<MAC>` to `dcmp-url` and GETs it over plain HTTP, so the URL points at
 * our plain-HTTP listener on the address the phone reached us on. Interval 0 switches it off.
 */
export function pollSettingsItems(serverAddress: string, httpPort: number, intervalS: number): WpiItem[] {
  if (intervalS === 0) {
    return [
      { name: DCMP_URL_ITEM, value: '' },
      { name: DCMP_POLL_INTERVAL_ITEM, value: '0' },
    ];
  }
  const host = plainAddress(serverAddress);
  return [
    { name: DCMP_URL_ITEM, value: `http://${host.includes(':') ? `[${host}]` : host}:${httpPort}/dcmp/` },
    { name: DCMP_POLL_INTERVAL_ITEM, value: String(intervalS) },
  ];
}

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) is the IPv4 address to hand out. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
