import { catalogueItem } from '../../../shared/catalogue.js';
import { checkProfileItem } from '../../../shared/profile-rules.js';
import type { WpiItem } from '../../../shared/protocol.js';
import { violationMessage } from '../../../shared/validation.js';
import type { StoredItem } from '../store/index.js';
import { isLoggedAsSecret } from '../store/index.js';

/** Catalogue categories that are never copied from one phone to another, and why. */
export const NOT_COPIED_CATEGORIES: Readonly<Record<string, string>> = {
  identity: 'identity of this phone',
  inventory: 'reported by the phone',
  provisioning: 'how this phone reaches Fieldstage',
  files: 'a deployment order, not a setting',
  certificates: 'certificates are deployed as their own jobs',
};

/** Items of other categories that belong to one phone (its address, login, number) or are temporary. */
export const PER_PHONE_ITEMS: Readonly<Record<string, string>> = {
  ipaddress: 'address of this phone',
  hostname: 'name of this phone',
  'sip-user-id': 'login of this phone (use {{sip_user}})',
  'reg-number': 'number of this phone (use {{extension}})',
  'fully-qualified-phone-no': 'number of this phone',
  'trace-level': 'tracing is switched on per phone for a while',
};

/**
 * A profile's items from a configured phone's inventory: everything settable except identity and
 * per-phone items, secrets (never read back in clear), items the phone reports but rejects and
 * values the catalogue refuses (profiles.save would refuse them).
 * `leftOut` says what was not taken and why, so the technician can add it with a variable.
 */
export function profileItemsFromPhone(inventory: readonly StoredItem[]): { items: WpiItem[]; leftOut: { name: string; why: string }[] } {
  const items: WpiItem[] = [];
  const leftOut = new Map<string, string>();
  for (const stored of inventory) {
    const entry = catalogueItem(stored.name);
    const why = !entry
      ? 'not in the catalogue'
      : entry.readOnly
        ? 'read-only'
        : (NOT_COPIED_CATEGORIES[entry.category] ??
          PER_PHONE_ITEMS[stored.name] ??
          (isLoggedAsSecret(stored.name)
            ? 'secret: not read back in clear, set it in the profile'
            : stored.status
              ? `the phone reports ${stored.status}`
              : null));
    const item: WpiItem =
      stored.index === undefined
        ? { name: stored.name, value: stored.value }
        : { name: stored.name, index: stored.index, value: stored.value };
    // profiles.save checks every value: one the phone holds but the catalogue refuses is left out, not the profile.
    const violation = why ? null : checkProfileItem(item);
    const reason = why ?? (violation ? `the phone's value ${violationMessage(violation)}` : null);
    if (reason) {
      leftOut.set(stored.name, reason);
      continue;
    }
    items.push(item);
  }
  return { items, leftOut: [...leftOut].map(([name, why]) => ({ name, why })) };
}
