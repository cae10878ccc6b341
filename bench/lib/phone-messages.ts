/**
 * One benchmark phone's identity and the three messages it sends in a burst (start-up, the
 * 329-item ReadAllItems reply, the WriteItems reply), exactly as the simulator writes them. The
 * service bench replays them, the prefilled bench stores them as a phone's past exchanges.
 */
import type { WpiItem } from '../../shared/protocol.js';
import { fleetIp, fleetMac } from '../../test/sim/fleet.js';
import { newNonce } from '../../test/sim/flow.js';
import { BASIC_ITEM_NAMES, loadFixtureItems, withIdentity } from '../../test/sim/items.js';
import { serializeMessage } from '../../test/sim/wire.js';

export interface BenchPhone {
  mac: string;
  ip: string;
  e164: string;
  contactMeUri: string;
  model: string;
  softwareVersion: string;
}

/** The i-th phone of a range: MAC from `firstMac`, loopback address from 127.0.`firstSubnet`.x. */
export function benchPhone(firstMac: number, firstSubnet: number, i: number): BenchPhone {
  const ip = fleetIp('127.0.', firstSubnet, i);
  return {
    mac: fleetMac(firstMac, i),
    ip,
    e164: `4930${String(i).padStart(8, '0')}`,
    contactMeUri: `http://${ip}:8085/contact_dls.html/ContactDLS`,
    model: 'OpenStage 60',
    softwareVersion: 'V3 R1.41.1',
  };
}

export interface PhoneMessages {
  nonce: string;
  /** The whole inventory (the fixture with this phone's identity). */
  items: WpiItem[];
  /** What the start-up carries (§7.6). */
  basic: WpiItem[];
  /** start-up, reply ReadAllItems, reply WriteItems. */
  bodies: [string, string, string];
}

export function phoneMessages(phone: BenchPhone, nonce: string = newNonce()): PhoneMessages {
  const items = withIdentity(loadFixtureItems(), phone);
  const basic: WpiItem[] = [];
  for (const name of BASIC_ITEM_NAMES) {
    const item = items.find((it) => it.name === name && it.index === undefined);
    if (item) basic.push(item);
    if (name === 'e164') basic.push({ name: 'user-pwd-unicode', value: '', status: 'failed' });
  }
  const readAll = serializeMessage(nonce, -1, { reason: 'reply-to', action: 'ReadAllItems', status: 'accepted', items });
  if (readAll.length !== 1) throw new Error('ReadAllItems reply unexpectedly fragmented');
  return {
    nonce,
    items,
    basic,
    bodies: [
      serializeMessage(nonce, -1, { reason: 'start-up', items: basic })[0],
      readAll[0],
      serializeMessage(nonce, -1, { reason: 'reply-to', action: 'WriteItems', status: 'accepted', items: [] })[0],
    ],
  };
}
