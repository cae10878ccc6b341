import { CATALOGUE, catalogueItem } from '../../../shared/catalogue.js';
import { MAX_MESSAGE_BYTES, type WpiItem } from '../../../shared/protocol.js';
import { MAX_NONCE_CHAR_BYTES, MAX_NONCE_CHARS } from './parse.js';

/**
 * Bytes of a DLSMessage around its items without the nonce: declaration, namespaces, Message,
 * the longest Action name and an open/close ItemList come to ~290 bytes.
 */
const SKELETON_BYTES = 320;
/**
 * The envelope including the echoed nonce at its largest. Each batch echoes the nonce of the
 * reply it answers, which the phone may change between messages (§3.5), so the budget is set
 * for the longest nonce the parser accepts, not for the one seen first.
 */
export const ENVELOPE_BYTES = SKELETON_BYTES + MAX_NONCE_CHARS * MAX_NONCE_CHAR_BYTES;

/**
 * Items that belong together must travel in one WriteItems (p. 71): every indexed item of one
 * catalogue category with the same index (a key's function + label + extras, one XML-app slot,
 * one file). Unindexed items stand alone.
 */
export function groupKey(item: WpiItem): string {
  if (item.index === undefined) return `single:${item.name}`;
  const category = catalogueItem(item.name)?.category ?? FAMILY_CATEGORY.get(family(item.name)) ?? `unknown:${item.name}`;
  return `${category}#${item.index}`;
}

/** `XML-app-name` → `XML`: indexed items of one family share their first name segment. */
function family(name: string): string {
  return name.split('-', 1)[0] ?? name;
}

/**
 * Category of each family of indexed catalogue items, so that an indexed item the catalogue does
 * not know (newer firmware, items-README §3) still travels with its family: `XML-app-foo` index 2
 * with the other `XML-app-*` items of slot 2. Families spread over several categories are left out.
 */
const FAMILY_CATEGORY: ReadonlyMap<string, string> = (() => {
  const seen = new Map<string, Set<string>>();
  for (const entry of CATALOGUE) {
    if (!entry.indexed) continue;
    const categories = seen.get(family(entry.name)) ?? new Set<string>();
    categories.add(entry.category);
    seen.set(family(entry.name), categories);
  }
  return new Map([...seen].flatMap(([prefix, categories]) => (categories.size === 1 ? [[prefix, [...categories][0] ?? '']] : [])));
})();

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
