import type { WpiItem } from '../../../shared/protocol.js';
import type { ProfileView } from '../../../shared/rollout.js';
import type { Db } from './database.js';
import type { SecretBox } from './secrets.js';

/** One row of the site's extension list; its values (passwords among them) are kept sealed. */
export interface RolloutRowRecord {
  id: string;
  line: number;
  mac: string | null;
  extension: string;
  displayName: string;
  values: Record<string, string>;
  /** The write job that provisions the phone with the profile and this row; null until assigned. */
  jobId: string | null;
  /** `list`: the MAC came with the list; `bench`: the next unknown phone took it; `technician`: picked by hand. */
  assignedBy: 'list' | 'bench' | 'technician' | null;
  updatedAt: number;
}

interface RowRow {
  id: string;
  line: number;
  mac: string | null;
  extension: string;
  display_name: string;
  values_sealed: Buffer;
  job_id: string | null;
  assigned_by: RolloutRowRecord['assignedBy'];
  updated_at: number;
}

interface ProfileRow {
  id: string;
  name: string;
  model: string | null;
  items_sealed: Buffer;
  updated_at: number;
}

/** The roll-out's extension list, its settings and the profiles (tables of migration 11). */
export class RolloutRepo {
  readonly #rows;
  readonly #byMac;
  readonly #refByMac;
  readonly #byId;
  readonly #insert;
  readonly #clear;
  readonly #assign;
  readonly #nextUnassigned;
  readonly #meta;
  readonly #setMeta;
  readonly #profiles;
  readonly #profile;
  readonly #saveProfile;
  readonly #removeProfile;

  constructor(
    db: Db,
    private readonly secrets: SecretBox,
  ) {
    this.#rows = db.prepare<[], RowRow>('SELECT * FROM rollout_rows ORDER BY line, rowid');
    this.#byMac = db.prepare<[string], RowRow>('SELECT * FROM rollout_rows WHERE mac = ?');
    this.#refByMac = db.prepare<[string], { id: string; job_id: string | null }>('SELECT id, job_id FROM rollout_rows WHERE mac = ?');
    this.#byId = db.prepare<[string], RowRow>('SELECT * FROM rollout_rows WHERE id = ?');
    this.#insert = db.prepare<[RowRow]>(
      `INSERT INTO rollout_rows (id, line, mac, extension, display_name, values_sealed, job_id, assigned_by, updated_at)
       VALUES (@id, @line, @mac, @extension, @display_name, @values_sealed, @job_id, @assigned_by, @updated_at)`,
    );
    this.#clear = db.prepare('DELETE FROM rollout_rows');
    this.#assign = db.prepare<{ id: string; mac: string | null; job: string | null; by: string | null; at: number }>(
      'UPDATE rollout_rows SET mac = @mac, job_id = @job, assigned_by = @by, updated_at = @at WHERE id = @id',
    );
    this.#nextUnassigned = db.prepare<[], RowRow>('SELECT * FROM rollout_rows WHERE mac IS NULL ORDER BY line, rowid LIMIT 1');
    this.#meta = db.prepare<[], { profile_id: string | null; bench_since: number | null }>(
      'SELECT profile_id, bench_since FROM rollout_meta WHERE id = 1',
    );
    this.#setMeta = db.prepare<{ profile: string | null; bench: number | null }>(
      `INSERT INTO rollout_meta (id, profile_id, bench_since) VALUES (1, @profile, @bench)
       ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, bench_since = excluded.bench_since`,
    );
    this.#profiles = db.prepare<[], ProfileRow>('SELECT * FROM profiles ORDER BY name');
    this.#profile = db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE id = ?');
    this.#saveProfile = db.prepare<[ProfileRow]>(
      `INSERT INTO profiles (id, name, model, items_sealed, updated_at) VALUES (@id, @name, @model, @items_sealed, @updated_at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, model = excluded.model, items_sealed = excluded.items_sealed,
       updated_at = excluded.updated_at`,
    );
    this.#removeProfile = db.prepare<[string]>('DELETE FROM profiles WHERE id = ?');
  }

  rows(): RolloutRowRecord[] {
    return this.#rows.all().map((r) => this.#toRecord(r));
  }

  byMac(mac: string): RolloutRowRecord | undefined {
    const row = this.#byMac.get(mac);
    return row && this.#toRecord(row);
  }

  /** The row of a phone without unsealing its values: for the check every phone contact makes. */
  refByMac(mac: string): { id: string; jobId: string | null } | undefined {
    const row = this.#refByMac.get(mac);
    return row && { id: row.id, jobId: row.job_id };
  }

  byId(id: string): RolloutRowRecord | undefined {
    const row = this.#byId.get(id);
    return row && this.#toRecord(row);
  }

  nextUnassigned(): RolloutRowRecord | undefined {
    const row = this.#nextUnassigned.get();
    return row && this.#toRecord(row);
  }

  /** The list is replaced as a whole: it is the site's current list. */
  replaceRows(rows: readonly RolloutRowRecord[]): void {
    this.#clear.run();
    for (const r of rows) {
      this.#insert.run({
        id: r.id,
        line: r.line,
        mac: r.mac,
        extension: r.extension,
        display_name: r.displayName,
        values_sealed: this.secrets.encrypt(JSON.stringify(r.values)),
        job_id: r.jobId,
        assigned_by: r.assignedBy,
        updated_at: r.updatedAt,
      });
    }
  }

  assign(id: string, mac: string | null, jobId: string | null, by: RolloutRowRecord['assignedBy'], at: number): void {
    this.#assign.run({ id, mac, job: jobId, by, at });
  }

  /** `benchSince`: when bench mode was switched on (phones first seen since then take rows); null: off. */
  meta(): { profileId: string | null; benchSince: number | null } {
    const row = this.#meta.get();
    return { profileId: row?.profile_id ?? null, benchSince: row?.bench_since ?? null };
  }

  setMeta(meta: { profileId: string | null; benchSince: number | null }): void {
    this.#setMeta.run({ profile: meta.profileId, bench: meta.benchSince });
  }

  profiles(): ProfileView[] {
    return this.#profiles.all().map((r) => this.#toProfile(r));
  }

  profile(id: string): ProfileView | undefined {
    const row = this.#profile.get(id);
    return row && this.#toProfile(row);
  }

  /** Profiles may hold passwords (sip-pwd): their items are sealed like the list's values. */
  saveProfile(profile: ProfileView): void {
    this.#saveProfile.run({
      id: profile.id,
      name: profile.name,
      model: profile.model,
      items_sealed: this.secrets.encrypt(JSON.stringify(profile.items)),
      updated_at: profile.updatedAt,
    });
  }

  removeProfile(id: string): boolean {
    return this.#removeProfile.run(id).changes > 0;
  }

  #toRecord(r: RowRow): RolloutRowRecord {
    return {
      id: r.id,
      line: r.line,
      mac: r.mac,
      extension: r.extension,
      displayName: r.display_name,
      values: JSON.parse(this.secrets.decrypt(r.values_sealed)) as Record<string, string>,
      jobId: r.job_id,
      assignedBy: r.assigned_by,
      updatedAt: r.updated_at,
    };
  }

  #toProfile(r: ProfileRow): ProfileView {
    return {
      id: r.id,
      name: r.name,
      model: r.model,
      items: JSON.parse(this.secrets.decrypt(r.items_sealed)) as WpiItem[],
      updatedAt: r.updated_at,
    };
  }
}
