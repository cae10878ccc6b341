import { SECRET_MASK } from '../../../shared/catalogue.js';
import { checkItem } from '../../../shared/item-rules.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { ProfileView, RolloutPreviewRow, RolloutProblem } from '../../../shared/rollout.js';
import { violationMessage } from '../../../shared/validation.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import { isLoggedAsSecret } from '../store/index.js';
import type { ExtensionList } from './extension-list.js';

/**
 * What a row gives its phone without a profile saying otherwise: the number, the SIP login and
 * the name on the display. A profile item of the same name wins (it may use the variables too).
 */
export const DEFAULT_ROW_ITEMS: readonly { column: string; item: string }[] = [
  { column: 'extension', item: 'e164' },
  { column: 'sip_user', item: 'sip-user-id' },
  { column: 'sip_password', item: 'sip-pwd' },
  { column: 'display_name', item: 'display-id-unicode' },
];

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
/** The same without the global flag: `test` keeps no state between calls. */
const HAS_VARIABLE = /\{\{\s*[A-Za-z0-9_]+\s*\}\}/;

/** Phone facts a profile may use besides the row's columns. */
export interface PhoneFacts {
  mac: string;
  model: string | null;
}

/** `{{key}}` replaced from `vars`; the keys that had no value are returned, the text keeps them. */
export function resolveTemplate(value: string, vars: Readonly<Record<string, string>>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const resolved = value.replace(VARIABLE, (whole, key: string) => {
    const found = vars[key];
    if (found === undefined) {
      missing.push(key);
      return whole;
    }
    return found;
  });
  return { value: resolved, missing };
}

/** The items one row's phone gets: the profile resolved with the row and the phone, plus the row's own. */
export function rowItems(
  values: Readonly<Record<string, string>>,
  profile: ProfileView | null,
  phone: PhoneFacts | null,
): { items: WpiItem[]; problems: { column: string | null; message: string }[] } {
  // {{model}} only once the phone reported it: an empty model must not be written into a value.
  const vars: Record<string, string> = { ...values, ...(phone ? { mac: phone.mac } : {}), ...(phone?.model ? { model: phone.model } : {}) };
  const problems: { column: string | null; message: string }[] = [];
  const items = new Map<string, WpiItem & { column: string | null }>();
  for (const { column, item } of DEFAULT_ROW_ITEMS) {
    const value = values[column];
    if (value) items.set(item, { name: item, value, column });
  }
  for (const template of profile?.items ?? []) {
    const { value, missing } = resolveTemplate(template.value, vars);
    const key = template.index === undefined ? template.name : `${template.name}#${template.index}`;
    for (const name of missing) {
      // Phone facts are known once the phone called; until then {{mac}}/{{model}} wait for it.
      if (!phone && (name === 'mac' || name === 'model')) continue;
      problems.push({ column: null, message: `${key}: {{${name}}} has no value (no such column in the list)` });
    }
    items.set(key, { ...template, value, column: null });
  }
  const result: WpiItem[] = [];
  for (const [key, { column, ...item }] of items) {
    if (!HAS_VARIABLE.test(item.value)) {
      const violation = checkItem(item);
      if (violation) problems.push({ column, message: `${key} = "${shown(item)}": ${violationMessage(violation)}` });
    }
    result.push(item);
  }
  return { items: result, problems };
}

/**
 * Every row checked before anything is applied: a MAC in any common spelling (normalised), an
 * extension, no MAC or extension twice, and every item the row's phone would get valid.
 */
export function planRows(list: ExtensionList, profile: ProfileView | null): { rows: RolloutPreviewRow[]; problems: RolloutProblem[] } {
  const problems: RolloutProblem[] = [...list.problems];
  const header = (key: string): string | null => list.columns.find((c) => c.key === key)?.header ?? null;
  const macs = new Map<string, number>();
  const extensions = new Map<string, number>();
  const rows = list.rows.map(({ line, values }) => {
    let mac: string | null = null;
    const rawMac = values.mac?.trim() ?? '';
    if (rawMac) {
      try {
        mac = normalizeMac(rawMac);
      } catch {
        problems.push({ line, column: header('mac'), message: `"${rawMac}" is not a MAC address (12 hex digits, e.g. 00:1A:E8:12:34:56)` });
      }
    }
    if (mac) {
      const first = macs.get(mac);
      if (first !== undefined) problems.push({ line, column: header('mac'), message: `MAC ${mac} is on line ${first} already` });
      else macs.set(mac, line);
    }
    const extension = values.extension?.trim() ?? '';
    if (!extension) problems.push({ line, column: header('extension'), message: 'no extension' });
    else {
      const first = extensions.get(extension);
      if (first !== undefined)
        problems.push({ line, column: header('extension'), message: `extension ${extension} is on line ${first} already` });
      else extensions.set(extension, line);
    }
    const planned = rowItems(values, profile, null);
    for (const p of planned.problems) problems.push({ line, column: p.column ? header(p.column) : null, message: p.message });
    return { line, mac, values: maskedValues(values), items: planned.items.map(masked) };
  });
  return { rows, problems };
}

function maskedValues(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k === 'sip_password' && v ? SECRET_MASK : v]));
}

const masked = (item: WpiItem): WpiItem => (isLoggedAsSecret(item.name) ? { ...item, value: SECRET_MASK } : item);
const shown = (item: WpiItem): string => (isLoggedAsSecret(item.name) ? SECRET_MASK : item.value);
