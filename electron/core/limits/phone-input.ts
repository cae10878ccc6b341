import { catalogueItem } from '../../../shared/catalogue.js';
import type { WpiItem } from '../../../shared/protocol.js';

/**
 * How much of what a phone reports is stored. A phone (or whatever claims to be one) may send
 * values of almost 1 MB; stored as they came, 600 of them made every phone list too large to
 * answer. Over-long values and names are refused one by one (logged), the rest is kept.
 */

/** Value length for items whose catalogue entry sets none (base64 certificates are well below). */
export const MAX_STORED_VALUE_CHARS = 32_768;
/** Item names longer than this are no item any firmware has. */
export const MAX_ITEM_NAME_CHARS = 128;
/** Items kept per phone; a real phone reports a few hundred. */
export const MAX_ITEMS_PER_PHONE = 5_000;
/** Identity facts kept in the phone's row and shown in every list (model, number, version, contact-me URI: the catalogue allows it 255). */
export const MAX_IDENTITY_CHARS = 255;

export interface RefusedValue {
  name: string;
  index?: number;
  length: number;
  limit: number;
}

/** The longest value stored for `name`: the catalogue's length where it sets one, else the general cap. */
export function valueLimit(name: string): number {
  return catalogueItem(name)?.maxLength ?? MAX_STORED_VALUE_CHARS;
}

/** Items (or item results) split into those stored and those refused for their name or value length. */
export function boundItems<T extends { name: string; index?: number; value?: string }>(
  items: readonly T[],
): { kept: T[]; refused: RefusedValue[] } {
  const kept: T[] = [];
  const refused: RefusedValue[] = [];
  for (const item of items) {
    const limit = item.name.length > MAX_ITEM_NAME_CHARS ? MAX_ITEM_NAME_CHARS : valueLimit(item.name);
    const length = item.name.length > MAX_ITEM_NAME_CHARS ? item.name.length : (item.value?.length ?? 0);
    if (length > limit) {
      refused.push({
        name: item.name.slice(0, MAX_ITEM_NAME_CHARS),
        ...(item.index === undefined ? {} : { index: item.index }),
        length,
        limit,
      });
    } else {
      kept.push(item);
    }
  }
  return { kept, refused };
}

/**
 * Items of a report that fit the phone's item budget. `stored` tells whether the phone already
 * has the item (an update costs nothing); `count` is how many items it has now (0 for a report
 * that replaces the inventory). Items past the budget are refused.
 */
export function withinItemBudget(
  items: readonly WpiItem[],
  count: number,
  stored: (item: WpiItem) => boolean,
): { kept: WpiItem[]; dropped: number } {
  // Even if every item were new they would fit: nothing to look up (the common case).
  if (count + items.length <= MAX_ITEMS_PER_PHONE) return { kept: [...items], dropped: 0 };
  const kept: WpiItem[] = [];
  const added = new Set<string>();
  let dropped = 0;
  for (const item of items) {
    const key = `${item.name}\u0000${item.index ?? ''}`;
    if (added.has(key) || stored(item)) {
      kept.push(item);
    } else if (count + added.size < MAX_ITEMS_PER_PHONE) {
      added.add(key);
      kept.push(item);
    } else {
      dropped++;
    }
  }
  return { kept, dropped };
}

/** An identity fact for the phone's row, or null (not stored) when it is too long. */
export function identityValue(value: string | null): string | null {
  return value !== null && value.length > MAX_IDENTITY_CHARS ? null : value;
}

/** One log line for refused values; names are cut to the name limit, values never appear. */
export function describeRefused(refused: readonly RefusedValue[]): string {
  const shown = refused
    .slice(0, 5)
    .map((r) => `${r.name}${r.index === undefined ? '' : `[${r.index}]`} (${r.length} > ${r.limit} characters)`)
    .join(', ');
  return `refused ${refused.length} over-long item(s), not stored: ${shown}${refused.length > 5 ? ', …' : ''}`;
}
