import type { CatalogueItem, ItemType } from '../../../shared/catalogue.js';
import { UNSAFE_VALUE_CHARS } from '../../../shared/protocol.js';

/** The rule a value breaks; the UI names it so the technician knows what to fix. */
export type RuleViolation =
  | { rule: 'readOnly' }
  | { rule: 'characters' }
  | { rule: 'type'; type: CheckedType }
  | { rule: 'enum'; values: string[] }
  | { rule: 'range'; min: number; max: number }
  | { rule: 'excluded'; value: string }
  | { rule: 'maxLength'; max: number; length: number };

export type CheckedType = Extract<ItemType, 'boolean' | 'integer' | 'ip' | 'hostname' | 'uri' | 'e164' | 'mac' | 'time' | 'base64'>;

/** Catalogue fields the shared type does not declare but items.json carries for a few items. */
type CatalogueExtras = { excludedValues?: number[] };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label));
}

/**
 * Address-like items may be cleared: GS3 writes the empty string, GS5 the literal `NULL`
 * (items-README "Empty values"), and which one a firmware wants is not known.
 */
const CLEARED = new Set(['', 'NULL']);

const TYPE_CHECKS: Record<CheckedType, (value: string) => boolean> = {
  boolean: (v) => v === 'true' || v === 'false',
  integer: (v) => /^-?\d+$/.test(v),
  ip: (v) => CLEARED.has(v) || IPV4.test(v) || IPV6.test(v),
  hostname: (v) => CLEARED.has(v) || IPV4.test(v) || IPV6.test(v) || isHostname(v),
  uri: (v) => CLEARED.has(v) || !/\s/.test(v),
  e164: (v) => /^\+?\d*$/.test(v),
  mac: (v) => v === '' || /^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/.test(v),
  time: (v) => v === '' || /^\d{1,2}:\d{2}(:\d{2})?$/.test(v),
  base64: (v) => /^[A-Za-z0-9+/=\s]*$/.test(v),
};

function isCheckedType(type: ItemType): type is CheckedType {
  return type in TYPE_CHECKS;
}

/**
 * Checks one value against what the phone accepts, as far as the catalogue knows it. Items the
 * catalogue does not list are only checked for characters phones cannot take: the catalogue is
 * incomplete, so "unknown" must not mean "invalid" (item-notes §0).
 */
export function checkItemValue(entry: CatalogueItem | undefined, value: string): RuleViolation | null {
  if (entry?.readOnly) return { rule: 'readOnly' };
  if (UNSAFE_VALUE_CHARS.test(value)) return { rule: 'characters' };
  if (!entry) return null;

  if (isCheckedType(entry.type) && !TYPE_CHECKS[entry.type](value)) return { rule: 'type', type: entry.type };
  if (entry.type === 'enum' && entry.values && !entry.valuesIncomplete && !entry.values.includes(value)) {
    return { rule: 'enum', values: entry.values };
  }
  if (entry.type === 'integer') {
    const number = Number(value);
    if (entry.range && (number < entry.range.min || number > entry.range.max)) {
      return { rule: 'range', min: entry.range.min, max: entry.range.max };
    }
    if ((entry as CatalogueItem & CatalogueExtras).excludedValues?.includes(number)) return { rule: 'excluded', value };
  }
  const length = Array.from(value).length;
  if (entry.maxLength !== null && length > entry.maxLength) return { rule: 'maxLength', max: entry.maxLength, length };
  return null;
}
