import type { WpiItem } from '../../../shared/protocol.js';
import { identityValue } from '../limits/phone-input.js';
import type { PhonesRepo } from '../store/phones-repo.js';
import type { IdentityFacts, IdentityHold } from '../store/types.js';
import { identityChanges } from './compare.js';

/**
 * Keeps the identity hold of adopted phones: observes what each first message reports, records
 * a hold when the identity changed, and lifts it when the technician confirms. The hold itself
 * lives in the phone's row, so it survives a restart and is written in the request's unit.
 */
export class IdentityGuard {
  constructor(private readonly phones: PhonesRepo) {}

  /**
   * The hold after this report: a new or updated one when the report does not fit the trusted
   * identity, the standing one otherwise (a device going back to the old facts does not lift it:
   * only the technician does). Quarantined and unknown phones are never held (nothing is written
   * to them anyway).
   */
  observe(mac: string, reported: IdentityFacts, at: number): { hold: IdentityHold | null; fresh: boolean } {
    const phone = this.phones.get(mac);
    if (!phone || phone.adoption !== 'adopted') return { hold: null, fresh: false };
    const trusted: IdentityFacts = {
      ip: phone.ip,
      model: phone.model,
      partNumber: phone.partNumber,
      e164: phone.e164,
      contactMeUri: phone.contactMeUri,
    };
    const changes = identityChanges(trusted, reported);
    if (!changes) return { hold: phone.identityHold, fresh: false };
    const hold: IdentityHold = { at, changes, reported };
    this.phones.setIdentityHold(mac, hold);
    const known = phone.identityHold && JSON.stringify(phone.identityHold.changes) === JSON.stringify(changes);
    return { hold, fresh: !known };
  }

  /** The standing hold, if any. */
  holdOf(mac: string): IdentityHold | null {
    return this.phones.get(mac)?.identityHold ?? null;
  }

  /** Takes the reported identity as the trusted one; false when nothing was held. */
  confirm(mac: string): boolean {
    const hold = this.holdOf(mac);
    return hold !== null && this.phones.confirmIdentity(mac, hold);
  }
}

/** The identity facts a first message reports; `contactMeUri` as accepted (see contact-me-uri.ts). */
export function reportedIdentity(items: readonly WpiItem[], ip: string, contactMeUri: string | null): IdentityFacts {
  // Bounded like the stored identity (limits/phone-input.ts): a hold never keeps what the phone row would not.
  const value = (name: string): string | null =>
    identityValue(items.find((i) => i.name === name && !i.status && i.index === undefined)?.value ?? null);
  return { ip, model: value('device-type'), partNumber: value('part-number'), e164: value('e164'), contactMeUri };
}
