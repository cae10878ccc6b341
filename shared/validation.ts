import { catalogueItem, type CatalogueItem } from './catalogue.js';
import { MAX_MESSAGE_BYTES, UNSAFE_VALUE_CHARS } from './protocol.js';
import type { ValidationIssue } from './model.js';

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

const utf8 = new TextEncoder();

/**
 * Name and index as a message can carry them (wpi.xsd `ItemName`, `xs:nonNegativeInteger`);
 * the only checks a ReadItems request needs.
 */
export function validateItemRef(item: { name: string; index?: number | undefined }): string | null {
  if (!ITEM_NAME_PATTERN.test(item.name)) return 'is not a valid item name (a letter, then letters, digits, - or _)';
  if (item.index !== undefined && !(Number.isSafeInteger(item.index) && item.index >= 0))
    return 'index must be a whole number of 0 or more';
  return null;
}

/**
 * Checks a value against what the catalogue knows of its item (type, enum, range, length,
 * index) before anything is sent. Items the catalogue does not know pass as plain strings:
 * the phone's own ReadAllItems is the truth about which items exist (items-README.md §3).
 */
export function validateItem(item: { name: string; index?: number | undefined; value: string }): string | null {
  const refIssue = validateItemRef(item);
  if (refIssue) return refIssue;
  if (UNSAFE_VALUE_CHARS.test(item.value)) return 'must not contain <, > or &: phones do not decode them';
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(item.value)) return 'must not contain control characters';
  if (utf8.encode(item.value).length > MAX_VALUE_BYTES) {
    return `is too long: at most ${MAX_VALUE_BYTES} bytes, so that one message stays within 50 kB`;
  }
  const entry = catalogueItem(item.name);
  if (!entry) return null;
  if (entry.readOnly) return 'is read-only on the phone';
  const indexIssue = checkIndex(entry, item.index);
  if (indexIssue) return indexIssue;
  if (entry.maxLength !== null && [...item.value].length > entry.maxLength) return `must be at most ${entry.maxLength} characters`;
  return checkType(entry, item.value);
}

export function validateItems(items: readonly { name: string; index?: number | undefined; value: string }[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const item of items) {
    const message = validateItem(item) ?? lengthByFunction(item, items);
    if (message) issues.push({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message });
  }
  return issues;
}

/**
 * A key label's limit depends on the key's function (`maxLengthByFunction`, guide p. 120: 12
 * characters for BLF, AICS and server feature): checked when the same request sets the
 * function of that key index.
 */
function lengthByFunction(item: { name: string; index?: number | undefined; value: string }, all: readonly (typeof item)[]): string | null {
  const limits = (catalogueItem(item.name) as (CatalogueItem & { maxLengthByFunction?: Record<string, number> }) | undefined)
    ?.maxLengthByFunction;
  if (!limits || item.index === undefined) return null;
  const fn = all.find((i) => i.name === 'function-key-def' && i.index === item.index)?.value;
  const max = fn === undefined ? undefined : limits[fn];
  return max !== undefined && [...item.value].length > max ? `must be at most ${max} characters for key function ${fn}` : null;
}

function checkIndex(entry: CatalogueItem, index: number | undefined): string | null {
  if (!entry.indexed) return index === undefined ? null : 'takes no index';
  if (index === undefined) return INDEX_OPTIONAL_ITEMS.has(entry.name) ? null : 'needs an index';
  const range = entry.indexRange;
  if (range && typeof range === 'object' && 'min' in range && typeof range.min === 'number' && typeof range.max === 'number') {
    if (index < range.min || index > range.max) return `index must be between ${range.min} and ${range.max}`;
  }
  return null;
}

/** `excludedValues` of the catalogue (items.json): values inside the range the item does not take. */
function excludedValues(entry: CatalogueItem): readonly unknown[] {
  const list = (entry as CatalogueItem & { excludedValues?: unknown }).excludedValues;
  return Array.isArray(list) ? list : [];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAC = /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/;

function checkType(entry: CatalogueItem, value: string): string | null {
  switch (entry.type) {
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'must be true or false';
    case 'integer': {
      if (!/^-?\d+$/.test(value)) return 'must be a whole number';
      const n = Number(value);
      if (entry.range && (n < entry.range.min || n > entry.range.max)) return `must be between ${entry.range.min} and ${entry.range.max}`;
      if (excludedValues(entry).some((x) => Number(x) === n)) return `must not be ${n}`;
      return null;
    }
    case 'enum': {
      if (!entry.values || entry.valuesIncomplete || entry.values.includes(value)) return null;
      const labelled = entry.values.map((v) => (entry.valueLabels?.[v] ? `${v} (${entry.valueLabels[v]})` : v));
      return `must be one of ${labelled.join(', ')}`;
    }
    case 'ip':
      return value === '' || IPV4.test(value) || value.includes(':') ? null : 'must be an IPv4 address such as 192.168.1.10';
    case 'hostname':
      return value === '' || IPV4.test(value) || HOSTNAME.test(value) ? null : 'must be a host name or IP address';
    case 'e164':
      return value === '' || /^\+?[0-9*#]{1,32}$/.test(value) ? null : 'must be a phone number (digits, optional leading +)';
    case 'mac':
      return MAC.test(value) ? null : 'must be a MAC address such as 00:1A:E8:12:34:56';
    case 'uri':
      return value === '' || /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)
        ? null
        : 'must be a URI such as sip:user@host or https://host/path';
    default:
      return null;
  }
}
