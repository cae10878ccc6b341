import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';
import type { IdentityHold, PhoneAdoption, PhoneRecord } from './types.js';

/**
 * What one contact from a phone tells about it. `undefined`/`null` means "not reported this
 * time" and keeps the stored value; an empty string is a reported empty value and is stored.
 */
export interface PhoneContact {
  mac: string;
  model?: string | null;
  softwareVersion?: string | null;
  partNumber?: string | null;
  e164?: string | null;
  ip?: string | null;
  contactMeUri?: string | null;
  serverAddress?: string | null;
  maxItems: number;
  lastReason: string | null;
  at: number;
}

interface PhoneRow {
  mac: string;
  model: string | null;
  software_version: string | null;
  part_number: string | null;
  e164: string | null;
  ip: string | null;
  contact_me_uri: string | null;
  adoption: PhoneAdoption;
  max_items: number;
  inventory_complete: number;
  first_contact: number;
  last_contact: number;
  last_reason: string | null;
  poll_interval_s: number | null;
  server_address: string | null;
  identity_hold: string | null;
  seen: number;
  secure_since: number | null;
}

interface UpsertParams {
  mac: string;
  model: string | null;
  softwareVersion: string | null;
  partNumber: string | null;
  e164: string | null;
  ip: string | null;
  contactMeUri: string | null;
  serverAddress: string | null;
  adoption: PhoneAdoption;
  maxItems: number;
  at: number;
  lastReason: string | null;
}

/** One row per phone ever seen, keyed by the MAC as the caller normalised it. */
export class PhonesRepo {
  readonly #db: Db;
  readonly #changes: ChangeTracker;
  readonly #get;
  readonly #list;
  readonly #page;
  readonly #quarantinedToForget;
  readonly #upsert;
  readonly #setAdoption;
  readonly #setInventoryComplete;
  readonly #setPolling;
  readonly #delete;
  readonly #setHold;
  readonly #setSecure;
  readonly #confirm;
  readonly #preStage;

  constructor(db: Db, changes: ChangeTracker) {
    this.#db = db;
    this.#changes = changes;
    this.#get = db.prepare<[string], PhoneRow>('SELECT * FROM phones WHERE mac = ?');
    this.#list = db.prepare<[], PhoneRow>('SELECT * FROM phones ORDER BY mac');
    // `mac > ''` for the first page: an `@after IS NULL OR …` would make every page scan from the start.
    this.#page = db.prepare<{ after: string; limit: number }, PhoneRow>(
      'SELECT * FROM phones WHERE mac > @after ORDER BY mac LIMIT @limit',
    );
    this.#quarantinedToForget = db.prepare<{ keep: number; before: number }, { mac: string }>(`
      SELECT mac FROM phones WHERE adoption = 'quarantined' AND last_contact < @before
      UNION
      SELECT mac FROM (SELECT mac FROM phones WHERE adoption = 'quarantined' ORDER BY last_contact DESC, mac LIMIT -1 OFFSET @keep)`);
    // adoption and first_contact are only written for a new row: an existing phone keeps
    // the technician's decision and its history.
    this.#upsert = db.prepare<UpsertParams>(`
      INSERT INTO phones (mac, model, software_version, part_number, e164, ip, contact_me_uri, server_address,
                          adoption, max_items, inventory_complete, first_contact, last_contact, last_reason, seen)
      VALUES (@mac, @model, @softwareVersion, @partNumber, @e164, @ip, @contactMeUri, @serverAddress,
              @adoption, @maxItems, 0, @at, @at, @lastReason, 1)
      ON CONFLICT (mac) DO UPDATE SET
        -- A pre-staged phone's first contact: its history starts now.
        first_contact    = CASE WHEN seen = 0 THEN excluded.first_contact ELSE first_contact END,
        seen             = 1,
        model            = coalesce(excluded.model, model),
        software_version = coalesce(excluded.software_version, software_version),
        part_number      = coalesce(excluded.part_number, part_number),
        e164             = coalesce(excluded.e164, e164),
        ip               = coalesce(excluded.ip, ip),
        contact_me_uri   = coalesce(excluded.contact_me_uri, contact_me_uri),
        server_address   = coalesce(excluded.server_address, server_address),
        -- A contact that announces no limit (-1) leaves the one announced earlier (p. 33 has none).
        max_items        = CASE WHEN excluded.max_items > 0 THEN excluded.max_items ELSE max_items END,
        last_contact     = excluded.last_contact,
        last_reason      = excluded.last_reason`);
    // The technician named this MAC: it is adopted and its jobs wait for its first contact.
    this.#preStage = db.prepare<{ mac: string; at: number }>(`
      INSERT INTO phones (mac, adoption, max_items, inventory_complete, first_contact, last_contact, seen)
      VALUES (@mac, 'adopted', -1, 0, @at, @at, 0)
      ON CONFLICT (mac) DO NOTHING`);
    this.#setAdoption = db.prepare<[PhoneAdoption, string]>('UPDATE phones SET adoption = ? WHERE mac = ?');
    this.#setInventoryComplete = db.prepare<[number, string]>('UPDATE phones SET inventory_complete = ? WHERE mac = ?');
    this.#setPolling = db.prepare<[number | null, string]>('UPDATE phones SET poll_interval_s = ? WHERE mac = ?');
    this.#delete = db.prepare<[string]>('DELETE FROM phones WHERE mac = ?');
    this.#setHold = db.prepare<[string | null, string]>('UPDATE phones SET identity_hold = ? WHERE mac = ?');
    this.#setSecure = db.prepare<[number | null, string]>('UPDATE phones SET secure_since = ? WHERE mac = ?');
    this.#confirm = db.prepare<{ mac: string } & IdentityHold['reported']>(`
      UPDATE phones SET identity_hold = NULL,
        ip             = coalesce(@ip, ip),
        model          = coalesce(@model, model),
        part_number    = coalesce(@partNumber, part_number),
        e164           = coalesce(@e164, e164),
        contact_me_uri = coalesce(@contactMeUri, contact_me_uri)
      WHERE mac = @mac`);
  }

  /** Records a contact. `adoption` applies only if the phone is new; `created` says whether it was. */
  upsertContact(contact: PhoneContact, adoption: PhoneAdoption): { phone: PhoneRecord; created: boolean } {
    return this.#db.transaction(() => {
      const created = this.#get.get(contact.mac) === undefined;
      this.#upsert.run({
        mac: contact.mac,
        model: contact.model ?? null,
        softwareVersion: contact.softwareVersion ?? null,
        partNumber: contact.partNumber ?? null,
        e164: contact.e164 ?? null,
        ip: contact.ip ?? null,
        contactMeUri: contact.contactMeUri ?? null,
        serverAddress: contact.serverAddress ?? null,
        adoption,
        maxItems: contact.maxItems,
        at: contact.at,
        lastReason: contact.lastReason,
      });
      const row = this.#get.get(contact.mac);
      if (!row) throw new Error(`phone ${contact.mac} vanished during upsert`);
      this.#changes.phone(contact.mac);
      return { phone: toRecord(row), created };
    })();
  }

  /** Secure Mode since `at` (its first verified mutual-TLS message), or back to default mode (null). */
  setSecureMode(mac: string, at: number | null): boolean {
    const changed = this.#setSecure.run(at, mac).changes > 0;
    if (changed) this.#changes.phone(mac);
    return changed;
  }

  /** A record for a MAC never seen, so jobs can wait for it; an existing phone is left as it is. */
  preStage(mac: string, at: number): PhoneRecord {
    if (this.#preStage.run({ mac, at }).changes > 0) this.#changes.phone(mac);
    const row = this.#get.get(mac);
    if (!row) throw new Error(`phone ${mac} vanished while pre-staging`);
    return toRecord(row);
  }

  get(mac: string): PhoneRecord | undefined {
    const row = this.#get.get(mac);
    return row && toRecord(row);
  }

  list(): PhoneRecord[] {
    return this.#list.all().map(toRecord);
  }

  /** Up to `limit` phones in MAC order, after `after` (exclusive; null = from the start). */
  page(after: string | null, limit: number): PhoneRecord[] {
    return this.#page.all({ after: after ?? '', limit }).map(toRecord);
  }

  /** Quarantined phones last seen before `before`, and those beyond the `keep` most recently seen. */
  quarantinedToForget(keep: number, before: number): string[] {
    return this.#quarantinedToForget.all({ keep, before }).map((row) => row.mac);
  }

  /** false if the phone is unknown. */
  setAdoption(mac: string, adoption: PhoneAdoption): boolean {
    return this.#changed(mac, this.#setAdoption.run(adoption, mac).changes > 0);
  }

  /** false if the phone is unknown. */
  markInventoryComplete(mac: string, complete: boolean): boolean {
    return this.#changed(mac, this.#setInventoryComplete.run(complete ? 1 : 0, mac).changes > 0);
  }

  /** DCMP polling on (interval in seconds) or off (null); false if the phone is unknown. */
  setPolling(mac: string, intervalS: number | null): boolean {
    return this.#changed(mac, this.#setPolling.run(intervalS, mac).changes > 0);
  }

  /** Records (or with null clears) the hold of a changed identity; false if the phone is unknown. */
  setIdentityHold(mac: string, hold: IdentityHold | null): boolean {
    return this.#setHold.run(hold && JSON.stringify(hold), mac).changes > 0;
  }

  /** The technician confirmed the phone: its reported identity becomes the trusted one. */
  confirmIdentity(mac: string, hold: IdentityHold): boolean {
    return this.#confirm.run({ mac, ...hold.reported }).changes > 0;
  }

  /** Deletes the phone and (by cascade) its inventory; jobs and exchange log are the caller's (see retention/forget.ts). */
  delete(mac: string): boolean {
    return this.#changed(mac, this.#delete.run(mac).changes > 0);
  }

  #changed(mac: string, changed: boolean): boolean {
    if (changed) this.#changes.phone(mac);
    return changed;
  }
}

function toRecord(row: PhoneRow): PhoneRecord {
  return {
    mac: row.mac,
    model: row.model,
    softwareVersion: row.software_version,
    partNumber: row.part_number,
    e164: row.e164,
    ip: row.ip,
    contactMeUri: row.contact_me_uri,
    adoption: row.adoption,
    maxItems: row.max_items,
    inventoryComplete: row.inventory_complete === 1,
    firstContact: row.first_contact,
    lastContact: row.last_contact,
    lastReason: row.last_reason,
    pollIntervalS: row.poll_interval_s,
    serverAddress: row.server_address,
    identityHold: row.identity_hold === null ? null : (JSON.parse(row.identity_hold) as IdentityHold),
    seen: row.seen === 1,
    secureSince: row.secure_since,
  };
}
