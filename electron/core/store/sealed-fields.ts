import { DEFAULT_ROW_ITEMS } from '../rollout/plan.js';
import { FINAL_JOB_STATES, type JobState } from '../../../shared/jobs.js';
import type { Db } from './database.js';
import { isLoggedAsSecret, type SecretBox } from './secrets.js';

/**
 * Every place the database keeps a value sealed with the laptop's SecretBox, in one list, and the
 * walk that reseals a copy of the database for another box (a site export and import). A new
 * sealed column must be added here: test/unit/sealed-fields.test.ts fails for any `sealed` or
 * `*_sealed` column this list does not name.
 */
export const SEALED_FIELDS = [
  { table: 'inventory', column: 'sealed', holds: 'one secret item value (raw blob)' },
  { table: 'jobs', column: 'items', holds: 'JSON entries whose secret values are in `sealed` (base64)' },
  { table: 'jobs', column: 'results', holds: 'JSON entries whose secret values are in `sealed` (base64)' },
  { table: 'certificates', column: 'key_sealed', holds: 'a private key (PKCS#8 PEM, raw blob)' },
  { table: 'rollout_rows', column: 'values_sealed', holds: 'the row values as sealed JSON (passwords among them)' },
  { table: 'profiles', column: 'items_sealed', holds: 'the profile items as sealed JSON' },
] as const;

export interface ResealOptions {
  /** The box the copy's values are sealed with now. */
  from: SecretBox;
  /** The box they are sealed with afterwards. */
  to: SecretBox;
  /**
   * false: secret values are removed instead of resealed (an export without passphrase); the
   * non-secret parts of sealed JSON (a row's extension, a profile's registrar) stay, sealed with `to`.
   */
  keepSecrets: boolean;
}

/** Runs over a copy of a site database (never the live one), in one transaction. Returns what was left out, in words. */
export function resealDatabase(db: Db, options: ResealOptions): string[] {
  const leftOut: string[] = [];
  db.transaction(() => {
    for (const field of SEALED_FIELDS) {
      const note = RESEALERS[`${field.table}.${field.column}` as FieldKey](db, options);
      if (note) leftOut.push(note);
    }
  })();
  return leftOut;
}

type Resealer = (db: Db, options: ResealOptions) => string | null;

const reseal = (blob: Buffer, { from, to }: ResealOptions): Buffer => to.encrypt(from.decrypt(blob));
const resealBase64 = (sealed: string, options: ResealOptions): string => reseal(Buffer.from(sealed, 'base64'), options).toString('base64');

interface SealedEntry {
  name: string;
  value?: string;
  sealed?: string;
}

/** A roll-out column holds a secret when the item it fills is one, or its own name reads like a credential. */
export function isSecretRowColumn(column: string): boolean {
  const item = DEFAULT_ROW_ITEMS.find((d) => d.column === column)?.item;
  return (item !== undefined && isLoggedAsSecret(item)) || isLoggedAsSecret(column.replace(/_/g, '-'));
}

/** A profile's secret item that only names a variable (`{{sip_password}}`) holds no secret itself. */
const isTemplateOnly = (value: string): boolean => /^\s*\{\{\s*[A-Za-z0-9_]+\s*\}\}\s*$/.test(value);

type SealedField = (typeof SEALED_FIELDS)[number];
type FieldKey = SealedField extends infer F ? (F extends SealedField ? `${F['table']}.${F['column']}` : never) : never;

/** One resealer per listed field: a field without one does not compile. */
const RESEALERS: Record<FieldKey, Resealer> = {
  'inventory.sealed': (db, options) => {
    if (options.keepSecrets) {
      // WITHOUT ROWID table: the primary key addresses the row.
      const rows = db.prepare('SELECT mac, name, idx, sealed FROM inventory WHERE sealed IS NOT NULL').all() as {
        mac: string;
        name: string;
        idx: number;
        sealed: Buffer;
      }[];
      const byKey = db.prepare('UPDATE inventory SET sealed = ? WHERE mac = ? AND name = ? AND idx = ?');
      for (const r of rows) byKey.run(reseal(r.sealed, options), r.mac, r.name, r.idx);
      return null;
    }
    // The phone reports its values again: its inventory is read anew at the next contact.
    const macs = db.prepare('SELECT DISTINCT mac FROM inventory WHERE sealed IS NOT NULL').all() as { mac: string }[];
    const removed = db.prepare('DELETE FROM inventory WHERE sealed IS NOT NULL').run().changes;
    const incomplete = db.prepare('UPDATE phones SET inventory_complete = 0 WHERE mac = ?');
    for (const { mac } of macs) incomplete.run(mac);
    return removed ? `${removed} secret value(s) the phones reported (read again at their next contact)` : null;
  },
  'jobs.items': (db, options) => resealJobs(db, options, 'items'),
  'jobs.results': (db, options) => resealJobs(db, options, 'results'),
  'certificates.key_sealed': (db, options) => {
    const rows = db.prepare('SELECT id, key_sealed FROM certificates WHERE key_sealed IS NOT NULL').all() as {
      id: string;
      key_sealed: Buffer;
    }[];
    if (options.keepSecrets) {
      const update = db.prepare('UPDATE certificates SET key_sealed = ? WHERE id = ?');
      for (const r of rows) update.run(reseal(r.key_sealed, options), r.id);
      return null;
    }
    db.prepare('UPDATE certificates SET key_sealed = NULL WHERE key_sealed IS NOT NULL').run();
    return rows.length ? `the private keys of ${rows.length} certificate(s) (the local CA among them, if made)` : null;
  },
  'rollout_rows.values_sealed': (db, options) => {
    const rows = db.prepare('SELECT id, values_sealed FROM rollout_rows').all() as { id: string; values_sealed: Buffer }[];
    const update = db.prepare('UPDATE rollout_rows SET values_sealed = ? WHERE id = ?');
    const dropped = new Set<string>();
    let rowsTouched = 0;
    for (const r of rows) {
      const values = JSON.parse(options.from.decrypt(r.values_sealed)) as Record<string, string>;
      if (!options.keepSecrets) {
        const secret = Object.keys(values).filter((column) => values[column] && isSecretRowColumn(column));
        for (const column of secret) {
          dropped.add(column);
          delete values[column];
        }
        if (secret.length) rowsTouched++;
      }
      update.run(options.to.encrypt(JSON.stringify(values)), r.id);
    }
    return dropped.size ? `${[...dropped].sort().join(', ')} of ${rowsTouched} roll-out row(s)` : null;
  },
  'profiles.items_sealed': (db, options) => {
    const rows = db.prepare('SELECT id, name, items_sealed FROM profiles').all() as { id: string; name: string; items_sealed: Buffer }[];
    const update = db.prepare('UPDATE profiles SET items_sealed = ? WHERE id = ?');
    const notes: string[] = [];
    for (const r of rows) {
      let items = JSON.parse(options.from.decrypt(r.items_sealed)) as SealedEntry[];
      if (!options.keepSecrets) {
        const secret = items.filter((i) => i.value && isLoggedAsSecret(i.name) && !isTemplateOnly(i.value));
        if (secret.length) notes.push(`${secret.map((i) => i.name).join(', ')} of profile "${r.name}"`);
        items = items.filter((i) => !secret.includes(i));
      }
      update.run(options.to.encrypt(JSON.stringify(items)), r.id);
    }
    return notes.length ? notes.join('; ') : null;
  },
};

/**
 * Job payloads: with secrets, every `sealed` entry resealed. Without, a secret entry of an
 * unfinished job is removed (it must not write an empty password) with a warning on the job, and
 * a job left with nothing to write is cancelled; finished jobs just lose the value.
 */
function resealJobs(db: Db, options: ResealOptions, column: 'items' | 'results'): string | null {
  const rows = db.prepare(`SELECT id, state, ${column} AS payload, warnings FROM jobs WHERE ${column} LIKE '%"sealed"%'`).all() as {
    id: string;
    state: JobState;
    payload: string;
    warnings: string;
  }[];
  const update = db.prepare(`UPDATE jobs SET ${column} = ? WHERE id = ?`);
  const warn = db.prepare('UPDATE jobs SET warnings = ? WHERE id = ?');
  const cancel = db.prepare("UPDATE jobs SET state = 'cancelled', reason = ? WHERE id = ?");
  let touched = 0;
  for (const r of rows) {
    const entries = JSON.parse(r.payload) as SealedEntry[];
    if (!entries.some((e) => e.sealed !== undefined)) continue;
    if (options.keepSecrets) {
      update.run(
        JSON.stringify(entries.map((e) => (e.sealed === undefined ? e : { ...e, sealed: resealBase64(e.sealed, options) }))),
        r.id,
      );
      continue;
    }
    touched++;
    const open = !FINAL_JOB_STATES.includes(r.state) && column === 'items';
    if (!open) {
      update.run(JSON.stringify(entries.map(({ sealed: _sealed, ...rest }) => rest)), r.id);
      continue;
    }
    const names = entries.filter((e) => e.sealed !== undefined).map((e) => e.name);
    const kept = entries.filter((e) => e.sealed === undefined);
    update.run(JSON.stringify(kept), r.id);
    const warnings = [...(JSON.parse(r.warnings) as string[]), `exported without passphrase: ${names.join(', ')} left out`];
    warn.run(JSON.stringify(warnings), r.id);
    if (kept.length === 0) cancel.run('its values were secrets, left out of a site export without passphrase', r.id);
  }
  if (!touched) return null;
  return column === 'items'
    ? `secret values in ${touched} job(s) (unfinished ones no longer write them)`
    : `secret values in the results of ${touched} job(s)`;
}
