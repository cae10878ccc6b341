import { catalogueItem, type CatalogueItem } from './catalogue.js';
import { UNSAFE_VALUE_CHARS } from './protocol.js';
import type { ValidationIssue } from './model.js';

/**
 * Checks a value against what the catalogue knows of its item (type, enum, range, length,
 * index) before anything is sent. Items the catalogue does not know pass as plain strings:
 * the phone's own ReadAllItems is the truth about which items exist (items-README.md §3).
 */
export function validateItem(item: { name: string; index?: number | undefined; value: string }): string | null {
  if (UNSAFE_VALUE_CHARS.test(item.value)) return 'must not contain <, > or &: phones do not decode them';
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(item.value)) return 'must not contain control characters';
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
    const message = validateItem(item);
    if (message) issues.push({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message });
  }
  return issues;
}

function checkIndex(entry: CatalogueItem, index: number | undefined): string | null {
  if (!entry.indexed) return index === undefined ? null : 'takes no index';
  if (index === undefined) return 'needs an index';
  const range = entry.indexRange;
  if (range && typeof range === 'object' && 'min' in range && typeof range.min === 'number' && typeof range.max === 'number') {
    if (index < range.min || index > range.max) return `index must be between ${range.min} and ${range.max}`;
  }
  return null;
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
