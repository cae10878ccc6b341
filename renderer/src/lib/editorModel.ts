import { CATALOGUE, catalogueItem, type CatalogueItem } from '../../../shared/catalogue.js';
import type { ItemView } from '../../../shared/model.js';

/** Category order of the catalogue README: identity and network first, inventory facts last. */
export const CATEGORY_ORDER = [
  'identity',
  'network',
  'sip',
  'registration',
  'features',
  'keys',
  'audio',
  'display',
  'date-time',
  'ldap',
  'security',
  'certificates',
  'diagnostics',
  'maintenance',
  'provisioning',
  'files',
  'mobility',
  'inventory',
  'other',
] as const;
export type CatalogueCategory = (typeof CATEGORY_ORDER)[number];

/** Items the phone reports that the catalogue does not know: shown as plain text, never "invalid". */
export const NOT_IN_CATALOGUE = 'not-in-catalogue';
export type EditorCategory = CatalogueCategory | typeof NOT_IN_CATALOGUE;

/** One key index carries function-key-def, its label and the function's own items (item-notes §4). */
export const FUNCTION_KEYS_FAMILY = 'keys:function-keys';
const FUNCTION_KEY_COLUMNS = ['function-key-def', 'key-label-unicode', 'key-label'];

/** Catalogue-only indexed items get a row per index only for small numeric ranges. */
const MAX_GENERATED_INDEXES = 64;

export interface SingleEntry {
  name: string;
  entry: CatalogueItem | undefined;
}

/** Indexed items that share their index meaning, edited as one table: a row per index. */
export interface IndexedFamily {
  id: string;
  /** Shared name prefix (`codec-`), or the single member's name. */
  title: string;
  members: SingleEntry[];
  indexes: number[];
}

export interface EditorGroup {
  category: EditorCategory;
  singles: SingleEntry[];
  families: IndexedFamily[];
}

export interface EditorModelInput {
  items: readonly ItemView[];
  pending: readonly { name: string; index?: number | undefined }[];
  includeCatalogue: boolean;
  query: string;
}

function isCatalogueCategory(category: string): category is CatalogueCategory {
  return (CATEGORY_ORDER as readonly string[]).includes(category);
}

function categoryOf(entry: CatalogueItem | undefined): EditorCategory {
  if (!entry) return NOT_IN_CATALOGUE;
  return isCatalogueCategory(entry.category) ? entry.category : 'other';
}

function familyId(name: string, entry: CatalogueItem | undefined): string {
  if (!entry) return `unknown:${name}`;
  const range = entry.indexRange;
  const followsKeys = name === 'function-key-def' || range === null || (typeof range === 'string' && range.includes('function-key-def'));
  if (entry.category === 'keys' && followsKeys) return FUNCTION_KEYS_FAMILY;
  return `${entry.category}:${typeof range === 'string' ? range : JSON.stringify(range)}`;
}

function generatedIndexes(entry: CatalogueItem): number[] {
  const range = entry.indexRange;
  if (!range || typeof range === 'string' || typeof range.min !== 'number' || typeof range.max !== 'number') return [];
  const { min, max } = range as { min: number; max: number };
  if (max - min + 1 > MAX_GENERATED_INDEXES) return [];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function sharedPrefix(names: string[]): string {
  const first = names[0] ?? '';
  let length = first.length;
  for (const name of names) {
    while (length > 0 && !name.startsWith(first.slice(0, length))) length -= 1;
  }
  const prefix = first.slice(0, length);
  return prefix.slice(0, prefix.lastIndexOf('-') + 1);
}

function memberOrder(familyIdValue: string) {
  return (a: SingleEntry, b: SingleEntry): number => {
    if (familyIdValue === FUNCTION_KEYS_FAMILY) {
      const rank = (name: string) => {
        const at = FUNCTION_KEY_COLUMNS.indexOf(name);
        return at === -1 ? FUNCTION_KEY_COLUMNS.length : at;
      };
      const byRank = rank(a.name) - rank(b.name);
      if (byRank !== 0) return byRank;
    }
    return a.name.localeCompare(b.name);
  };
}

interface FamilyDraft {
  category: EditorCategory;
  members: Map<string, SingleEntry>;
  indexes: Set<number>;
}

function matchesQuery(entry: SingleEntry, values: string[], query: string): boolean {
  if (query === '') return true;
  const labels = entry.entry?.valueLabels ? Object.values(entry.entry.valueLabels) : [];
  const haystack = [entry.name, entry.entry?.summary ?? '', ...labels, ...values];
  return haystack.some((text) => text.toLowerCase().includes(query));
}

/**
 * Arranges the phone's items (plus, on request, the catalogue's) into categories of single items
 * and index tables. The phone's own list comes first: the catalogue is incomplete and firmware
 * versions differ (items-README §3), so what the phone reports is what exists.
 */
export function buildEditorModel({ items, pending, includeCatalogue, query }: EditorModelInput): EditorGroup[] {
  const singles = new Map<string, SingleEntry>();
  const families = new Map<string, FamilyDraft>();
  const valuesByName = new Map<string, string[]>();

  const addSingle = (name: string) => {
    if (!singles.has(name)) singles.set(name, { name, entry: catalogueItem(name) });
  };
  const addIndexed = (name: string, indexes: number[]) => {
    const entry = catalogueItem(name);
    const id = familyId(name, entry);
    let family = families.get(id);
    if (!family) {
      family = { category: categoryOf(entry), members: new Map(), indexes: new Set() };
      families.set(id, family);
    }
    family.members.set(name, { name, entry });
    for (const index of indexes) family.indexes.add(index);
  };
  const route = (item: { name: string; index?: number | undefined }) => {
    if (item.index === undefined) addSingle(item.name);
    else addIndexed(item.name, [item.index]);
  };

  for (const item of items) {
    route(item);
    if (!item.secret) valuesByName.set(item.name, [...(valuesByName.get(item.name) ?? []), item.value]);
  }
  for (const item of pending) route(item);
  if (includeCatalogue) {
    for (const entry of CATALOGUE) {
      if (entry.indexed) addIndexed(entry.name, generatedIndexes(entry));
      else addSingle(entry.name);
    }
  }

  const needle = query.trim().toLowerCase();
  const matches = (entry: SingleEntry) => matchesQuery(entry, valuesByName.get(entry.name) ?? [], needle);
  const groups = new Map<EditorCategory, EditorGroup>();
  const groupFor = (category: EditorCategory) => {
    let group = groups.get(category);
    if (!group) {
      group = { category, singles: [], families: [] };
      groups.set(category, group);
    }
    return group;
  };

  for (const single of singles.values()) {
    if (matches(single)) groupFor(categoryOf(single.entry)).singles.push(single);
  }
  for (const [id, draft] of families) {
    const members = [...draft.members.values()].sort(memberOrder(id));
    // A match on any column keeps the whole table: a key label is meaningless without its function.
    if (!members.some(matches)) continue;
    const names = members.map((member) => member.name);
    const prefix = sharedPrefix(names);
    groupFor(draft.category).families.push({
      id,
      title: names.length === 1 ? (names[0] ?? id) : prefix ? `${prefix}*` : names.join(', '),
      members,
      indexes: [...draft.indexes].sort((a, b) => a - b),
    });
  }

  const order: readonly EditorCategory[] = [...CATEGORY_ORDER, NOT_IN_CATALOGUE];
  return order.flatMap((category) => {
    const group = groups.get(category);
    if (!group) return [];
    group.singles.sort((a, b) => a.name.localeCompare(b.name));
    group.families.sort((a, b) => a.title.localeCompare(b.title));
    return [group];
  });
}

/** The category an item is listed under, for counting pending changes per category. */
export function editorCategoryOf(name: string): EditorCategory {
  return categoryOf(catalogueItem(name));
}
