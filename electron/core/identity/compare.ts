import type { IdentityField, IdentityFieldChange } from '../../../shared/model.js';
import type { IdentityFacts } from '../store/types.js';

/**
 * Whether a phone that reports an adopted MAC is still the device the technician adopted. WPI
 * Default Mode cannot authenticate phones (Secure Mode will), so this only catches the obvious:
 * other hardware behind the MAC, or another address together with other identity facts. A plain
 * DHCP address change of an otherwise identical phone is normal and passes.
 */

/** Facts of the hardware itself: a change means another device answers for this MAC. */
const HARDWARE_FIELDS: readonly IdentityField[] = ['partNumber', 'model'];
/**
 * Facts that may change alone (the number is rewritten by a job or on the phone) but not together
 * with the address. contact-me-uri is not one: it names the address, and is only shown.
 */
const SOFT_FIELDS: readonly IdentityField[] = ['e164'];
/** Order in which changes are listed (and shown). */
const ALL_FIELDS: readonly IdentityField[] = ['partNumber', 'model', 'ip', 'e164', 'contactMeUri'];

/**
 * The changes that hold the phone's writing jobs, or null when the report fits the trusted
 * identity. A fact not reported (null) or never known is no change.
 */
export function identityChanges(trusted: IdentityFacts, reported: IdentityFacts): IdentityFieldChange[] | null {
  const differs = (field: IdentityField): boolean => {
    const before = trusted[field];
    const after = reported[field];
    return before !== null && after !== null && before !== after;
  };
  const hardware = HARDWARE_FIELDS.some(differs);
  const moved = differs('ip') && SOFT_FIELDS.some(differs);
  if (!hardware && !moved) return null;
  return ALL_FIELDS.filter((f) => trusted[f] !== null && reported[f] !== null && trusted[f] !== reported[f]).map((field) => ({
    field,
    from: trusted[field] as string,
    to: reported[field] as string,
  }));
}

/** The sentence the engine logs for a held interaction and the jobs carry. */
export function holdReason(changes: readonly IdentityFieldChange[]): string {
  const what = changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ');
  return `identity changed (${what}): writing jobs wait until the technician confirms the phone`;
}
