import { catalogueItem } from '../../../shared/catalogue.js';
import { MAX_MESSAGE_BYTES, type WpiItem } from '../../../shared/protocol.js';

/** Bytes of a DLSMessage around its items (declaration, namespaces, Message, Action, ItemList). */
const ENVELOPE_BYTES = 400;

/**
 * Items that belong together must travel in one WriteItems (p. 71): every indexed item of one
 * catalogue category with the same index (a key's function + label + extras, one XML-app slot,
 * one file). Unindexed items stand alone.
 */
export function groupKey(item: WpiItem): string {
  if (item.index === undefined) return `single:${item.name}`;
  const category = catalogueItem(item.name)?.category ?? `unknown:${item.name}`;
  return `${category}#${item.index}`;
}

export function itemBytes(item: WpiItem): number {
  const index = item.index === undefined ? 0 : String(item.index).length + 9;
  return Buffer.byteLength(item.value, 'utf8') + item.name.length + index + 22;
}

/**
 * Splits items into WriteItems messages of at most `maxItems` items (-1 = no limit) and
 * `maxBytes`, keeping groups whole. A single group larger than the item limit is split
 * anyway: the phone's limit is hard, the grouping is a preference.
 */
export function splitForPhone(items: readonly WpiItem[], maxItems: number, maxBytes = MAX_MESSAGE_BYTES): WpiItem[][] {
  const limit = maxItems > 0 ? maxItems : Number.POSITIVE_INFINITY;
  const budget = maxBytes - ENVELOPE_BYTES;
  const groups = new Map<string, WpiItem[]>();
  for (const item of items) {
    const key = groupKey(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const batches: WpiItem[][] = [];
  let current: WpiItem[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (current.length) batches.push(current);
    current = [];
    bytes = 0;
  };
  for (const group of groups.values()) {
    const groupBytes = group.reduce((n, i) => n + itemBytes(i), 0);
    if (current.length + group.length > limit || bytes + groupBytes > budget) flush();
    if (group.length <= limit && groupBytes <= budget) {
      current.push(...group);
      bytes += groupBytes;
      continue;
    }
    for (const item of group) {
      const size = itemBytes(item);
      if (current.length + 1 > limit || bytes + size > budget) flush();
      current.push(item);
      bytes += size;
    }
  }
  flush();
  return batches;
}
