/**
 * Recognising Unify / Siemens phones by MAC address (spec diagnostics-certs-dhcp.md §4.3).
 * A matching OUI is a hint, not proof: the same vendors built other devices, and newer CP
 * hardware may carry Mitel OUIs. The contact-me answer (`Server: DlsClient`) is the real test.
 */

export const UNIFY_OUIS: readonly { oui: string; owner: string }[] = [
  { oui: '00:01:E3', owner: 'Siemens AG' },
  { oui: '00:1A:E8', owner: 'Unify Software and Solutions GmbH & Co. KG' },
  { oui: '60:DB:EF', owner: 'Unify Software and Solutions GmbH & Co. KG' },
];

// Accepted spellings: bare hex, colon or dash pairs (one separator throughout), Cisco dotted quads.
const MAC_FORMS = [
  /^[0-9a-f]{12}$/i,
  /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i,
  /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/i,
  /^[0-9a-f]{4}(\.[0-9a-f]{4}){2}$/i,
];

/** `001ae8123456`, `00-1a-e8-12-34-56`, `001a.e812.3456` → `00:1A:E8:12:34:56` (the phones' own `mac-addr` form). */
export function normalizeMac(text: string): string {
  const trimmed = text.trim();
  if (!MAC_FORMS.some((form) => form.test(trimmed))) {
    throw new Error(`invalid MAC address "${text}": expected 12 hex digits such as 00:1A:E8:12:34:56`);
  }
  const hex = trimmed.replace(/[:.-]/g, '').toUpperCase();
  return Array.from({ length: 6 }, (_, i) => hex.slice(2 * i, 2 * i + 2)).join(':');
}

/** True when the MAC's OUI belongs to Siemens/Unify; false for other vendors and for unreadable input. */
export function isUnifyMac(mac: string): boolean {
  let normalized: string;
  try {
    normalized = normalizeMac(mac);
  } catch {
    return false;
  }
  return UNIFY_OUIS.some(({ oui }) => normalized.startsWith(oui));
}
