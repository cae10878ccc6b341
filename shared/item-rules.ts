import { catalogueItem, type CatalogueItem, type ItemType } from './catalogue.js';
import { MAX_MESSAGE_BYTES, UNSAFE_VALUE_CHARS } from './protocol.js';

/**
 * The one rule set for item values, used by the main process (before anything is queued or
 * sent) and by the renderer (while the technician types). It answers with the broken rule as
 * data; each side turns that into its own words (main: English, renderer: en/de).
 */

/** Item names as wpi.xsd allows them (`ItemName`): anything else cannot be sent valid. */
export const ITEM_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Largest value (UTF-8 bytes) of one item: alone in a message it must still fit the 50 kB every
 * message is limited to (p. 69), with room for the envelope, the longest echoed nonce, a long
 * name and an index (about 2 kB at most). A value above it could only go out oversized.
 */
export const MAX_VALUE_BYTES = MAX_MESSAGE_BYTES - 2 * 1024;

/**
 * Catalogue items marked indexed whose unindexed form is documented, so an index is optional:
 * the `file-*` items of a single-file FileDeployment / SoftwareDeployment (guide p. 53, 57; the
 * index is for several files in one message, p. 55) and the items all known code sends without
 * one (items-README.md §3). An index, when given, is still checked.
 */
export const INDEX_OPTIONAL_ITEMS: ReadonlySet<string> = new Set([
  'file-action',
  'file-name',
  'file-path',
  'file-port',
  'file-pwd',
  'file-server',
  'file-type',
  'file-username',
  'ldap-server-address',
  'locked-config-menus',
]);

/**
 * Catalogue items marked unindexed that still take an index in a multi-file FileDeployment:
 * there "all file items carry index" (p. 55), and the HTTPS URL of each file is one of them (the
 * catalogue's entry comes from the single-file example, p. 53). Assumed; unconfirmed on a phone.
 */
export const INDEX_ALLOWED_ITEMS: ReadonlySet<string> = new Set(['file-https-base-url']);

/**
 * Values that clear an address-like item (ip, hostname, uri) or a reported time: GS3 writes the
 * empty string, GS5 the literal `NULL` (items-README "Empty values"); which one a firmware wants
 * is not confirmed, so both are accepted.
 */
export const CLEARED_VALUES: ReadonlySet<string> = new Set(['', 'NULL']);

export type CheckedType = Extract<ItemType, 'boolean' | 'integer' | 'ip' | 'hostname' | 'uri' | 'e164' | 'mac' | 'time' | 'base64'>;

/** The rule an item breaks, with what is needed to say so. */
export type ItemViolation =
  | { rule: 'name' }
  | { rule: 'index' }
  | { rule: 'indexForbidden' }
  | { rule: 'indexRequired' }
  | { rule: 'indexRange'; min: number; max: number }
  | { rule: 'characters' }
  | { rule: 'control' }
  | { rule: 'bytes'; max: number }
  | { rule: 'readOnly' }
  | { rule: 'type'; type: CheckedType }
  | { rule: 'enum'; values: string[]; labels: Record<string, string> }
  | { rule: 'range'; min: number; max: number }
  | { rule: 'excluded'; value: string }
  | { rule: 'maxLength'; max: number; length: number }
  | { rule: 'maxLengthForFunction'; max: number; length: number; keyFunction: string };

export type ItemRule = ItemViolation['rule'];

export interface ItemToCheck {
  name: string;
  index?: number | undefined;
  value: string;
}

/** Catalogue fields the shared type does not declare but items.json carries for a few items. */
type CatalogueExtras = { excludedValues?: unknown[]; maxLengthByFunction?: Record<string, number> };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
/** E.164 is digits with an optional leading + (ITU-T E.164); `*` and `#` are dial codes, not numbers. */
const E164 = /^(\+?\d+)?$/;
const MAC = /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/;
/** As the phone reports it (catalogue example `15:35:52`), seconds optional. */
const TIME = /^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

const utf8 = new TextEncoder();

function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label));
}

/** Base64 as certificates and user data are pasted: line breaks allowed, padding only at the end. */
function isBase64(value: string): boolean {
  const compact = value.replace(/\s+/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

const TYPE_CHECKS: Record<CheckedType, (value: string) => boolean> = {
  boolean: (v) => v === 'true' || v === 'false',
  integer: (v) => /^-?\d+$/.test(v),
  ip: (v) => CLEARED_VALUES.has(v) || IPV4.test(v) || IPV6.test(v),
  hostname: (v) => CLEARED_VALUES.has(v) || IPV4.test(v) || IPV6.test(v) || isHostname(v),
  // URI items also hold plain call numbers and host:port forms (cfu-ext-address, park-server):
  // only what can never be one address is refused.
  uri: (v) => CLEARED_VALUES.has(v) || !/\s/.test(v),
  e164: (v) => E164.test(v),
  // The one MAC item (mac-addr) identifies the phone: it cannot be cleared.
  mac: (v) => MAC.test(v),
  time: (v) => CLEARED_VALUES.has(v) || TIME.test(v),
  base64: isBase64,
};

function isCheckedType(type: ItemType): type is CheckedType {
  return type in TYPE_CHECKS;
}

/** Whether `value` has the form of `type` (the catalogue's item types that have one). */
export function hasTypeForm(type: CheckedType, value: string): boolean {
  return TYPE_CHECKS[type](value);
}

/**
 * Name and index as a message can carry them (wpi.xsd `ItemName`, `xs:nonNegativeInteger`);
 * the only checks a ReadItems request needs.
 */
export function checkItemRef(item: { name: string; index?: number | undefined }): ItemViolation | null {
  if (!ITEM_NAME_PATTERN.test(item.name)) return { rule: 'name' };
  if (item.index !== undefined && !(Number.isSafeInteger(item.index) && item.index >= 0)) return { rule: 'index' };
  return null;
}

/**
 * Checks a value against what the catalogue knows of its item (type, enum, range, length,
 * index) and against what any message can carry. Items the catalogue does not know pass as
 * plain strings: the phone's own ReadAllItems is the truth about which items exist
 * (items-README.md §3), so "unknown" must not mean "invalid". `together` are the other items of
 * the same request: a key label's limit depends on the function set for that key.
 */
export function checkItem(item: ItemToCheck, together: readonly ItemToCheck[] = []): ItemViolation | null {
  const refIssue = checkItemRef(item);
  if (refIssue) return refIssue;
  if (UNSAFE_VALUE_CHARS.test(item.value)) return { rule: 'characters' };
  if (CONTROL_CHARS.test(item.value)) return { rule: 'control' };
  if (utf8.encode(item.value).length > MAX_VALUE_BYTES) return { rule: 'bytes', max: MAX_VALUE_BYTES };
  const entry = catalogueItem(item.name) as (CatalogueItem & CatalogueExtras) | undefined;
  if (!entry) return null;
  if (entry.readOnly) return { rule: 'readOnly' };
  const indexIssue = checkIndex(entry, item.index);
  if (indexIssue) return indexIssue;
  const length = Array.from(item.value).length;
  if (entry.maxLength !== null && length > entry.maxLength) return { rule: 'maxLength', max: entry.maxLength, length };
  return checkType(entry, item.value) ?? checkLengthByFunction(entry, item, length, together);
}

function checkIndex(entry: CatalogueItem, index: number | undefined): ItemViolation | null {
  if (!entry.indexed) return index === undefined || INDEX_ALLOWED_ITEMS.has(entry.name) ? null : { rule: 'indexForbidden' };
  if (index === undefined) return INDEX_OPTIONAL_ITEMS.has(entry.name) ? null : { rule: 'indexRequired' };
  const range = entry.indexRange;
  if (range && typeof range === 'object' && 'min' in range && typeof range.min === 'number' && typeof range.max === 'number') {
    if (index < range.min || index > range.max) return { rule: 'indexRange', min: range.min, max: range.max };
  }
  return null;
}

function checkType(entry: CatalogueItem & CatalogueExtras, value: string): ItemViolation | null {
  if (isCheckedType(entry.type) && !hasTypeForm(entry.type, value)) return { rule: 'type', type: entry.type };
  if (entry.type === 'enum' && entry.values && !entry.valuesIncomplete && !entry.values.includes(value)) {
    return { rule: 'enum', values: entry.values, labels: entry.valueLabels ?? {} };
  }
  if (entry.type === 'integer') {
    const n = Number(value);
    if (entry.range && (n < entry.range.min || n > entry.range.max)) return { rule: 'range', min: entry.range.min, max: entry.range.max };
    if ((entry.excludedValues ?? []).some((x) => Number(x) === n)) return { rule: 'excluded', value };
  }
  return null;
}

/**
 * A key label's limit depends on the key's function (`maxLengthByFunction`, guide p. 120: 12
 * characters for BLF, AICS and server feature): checked when the same request sets the
 * function of that key index.
 */
function checkLengthByFunction(
  entry: CatalogueExtras,
  item: ItemToCheck,
  length: number,
  together: readonly ItemToCheck[],
): ItemViolation | null {
  const limits = entry.maxLengthByFunction;
  if (!limits || item.index === undefined) return null;
  const keyFunction = together.find((i) => i.name === 'function-key-def' && i.index === item.index)?.value;
  const max = keyFunction === undefined ? undefined : limits[keyFunction];
  return max !== undefined && keyFunction !== undefined && length > max ? { rule: 'maxLengthForFunction', max, length, keyFunction } : null;
}
