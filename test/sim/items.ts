/**
 * The item set of one simulated phone: its starting values, its identity, and how a `WriteItems`
 * item is judged (wpi-protocol.md §7.5, §9.16).
 */
import { readFileSync } from 'node:fs';
import { catalogueItem } from '../../shared/catalogue.js';
import { itemKey, type ItemStatus, type WpiItem } from '../../shared/protocol.js';
import { parseWorkpointMessage } from './wire.js';

const FIXTURE = new URL('../fixtures/readallitems-os60-v3r1.xml', import.meta.url);

let fixtureItems: readonly WpiItem[] | undefined;

/** The 329 items of a real OpenStage 60 V3 R1.41.1 `ReadAllItems` reply; parsed once per process. */
export function loadFixtureItems(): readonly WpiItem[] {
  fixtureItems ??= parseWorkpointMessage(readFileSync(FIXTURE, 'utf8')).items ?? [];
  return fixtureItems;
}

/** What makes one phone different from the fixture phone. */
export interface PhoneIdentity {
  mac: string;
  contactMeUri: string;
  e164: string;
  model: string;
  softwareVersion: string;
}

/** Items always sent in a phone's first message of a flow (§7.6, p. 27, 33, 35). */
export const BASIC_ITEM_NAMES = [
  'device-type',
  'related-device-type',
  'software-type',
  'related-software-type',
  'software-version',
  'related-software-version',
  'contact-me-uri',
  'mac-addr',
  'configuration-changed-flag',
  'part-number',
  'e164',
  'basic-e164',
  'mobility-enabled',
] as const;

/**
 * Replaces the fixture phone's identity with this phone's. `sip-user-id` and `basic-e164` follow
 * the number as well, so a fleet does not register 20 phones under one SIP account.
 */
export function withIdentity(base: readonly WpiItem[], id: PhoneIdentity): WpiItem[] {
  const identity: Record<string, string> = {
    'device-type': id.model,
    'related-device-type': id.model,
    'software-version': id.softwareVersion,
    'related-software-version': id.softwareVersion,
    'contact-me-uri': id.contactMeUri,
    'mac-addr': id.mac,
    e164: id.e164,
    'basic-e164': id.e164,
    'sip-user-id': id.e164,
  };
  const items = base.map((item) =>
    item.index === undefined && Object.hasOwn(identity, item.name) ? { ...item, value: identity[item.name] ?? '' } : { ...item },
  );
  for (const name of ['mac-addr', 'contact-me-uri', 'e164'] as const) {
    if (!items.some((i) => i.name === name)) items.push({ name, value: identity[name] ?? '' });
  }
  return items;
}

/** Items keyed by name and index, in the order the phone reports them. */
export class ItemStore {
  private readonly map = new Map<string, WpiItem>();

  constructor(items: Iterable<WpiItem>) {
    for (const item of items) this.set(item);
  }

  get entries(): ReadonlyMap<string, WpiItem> {
    return this.map;
  }

  get(name: string, index?: number): WpiItem | undefined {
    return this.map.get(itemKey({ name, index }));
  }

  /** Every instance of a (possibly multi-instance) item. */
  byName(name: string): WpiItem[] {
    return [...this.map.values()].filter((i) => i.name === name);
  }

  set(item: WpiItem): void {
    const stored: WpiItem = { name: item.name, value: item.value };
    if (item.index !== undefined) stored.index = item.index;
    this.map.set(itemKey(item), stored);
  }

  setValue(name: string, value: string): void {
    this.set({ name, value });
  }

  deleteName(name: string): void {
    for (const [key, item] of this.map) if (item.name === name) this.map.delete(key);
  }

  all(): WpiItem[] {
    return [...this.map.values()];
  }
}

/**
 * Applies one written item and returns the per-item problem, if any (p. 26, 78, 83). A name the
 * phone does not have is still accepted when the catalogue knows it: firmware has many items
 * that `ReadAllItems` leaves out until they are set.
 */
export function applyWrite(store: ItemStore, item: WpiItem, alsoKnown: ReadonlySet<string>): ItemStatus | undefined {
  const entry = catalogueItem(item.name);
  if (entry?.readOnly) return 'read only';
  if (!entry && !alsoKnown.has(item.name) && store.byName(item.name).length === 0) return 'unknown item';
  store.set(item);
  return undefined;
}

/** The trace-level indexes a simulated phone has (the catalogue's 0..41, spec §1.3). */
export const SIM_TRACE_LEVEL_INDEXES = 42;
/** "Off": the factory trace level of every component. */
export const SIM_TRACE_LEVEL_OFF = '0';

/**
 * An item the phone has although `ReadAllItems` does not list it until it was set (the V3R1
 * sample has no `trace-level[*]`, research-notes §1.4), with its factory value; else undefined.
 */
export function unlistedItem(name: string, index: number | undefined): WpiItem | undefined {
  if (name === 'trace-level' && index !== undefined && index >= 0 && index < SIM_TRACE_LEVEL_INDEXES) {
    return { name, index, value: SIM_TRACE_LEVEL_OFF };
  }
  return undefined;
}
