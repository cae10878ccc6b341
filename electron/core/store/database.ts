import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Schema migrations, one entry per `user_version` step (entry 0 takes a fresh file to version 1).
 * Append only: a released entry never changes, a change is a new entry.
 *
 * Enumerations (job kind/state, adoption) are not CHECK-constrained: SQLite can only change a
 * CHECK by rebuilding the table, and the TypeScript types already guard every write.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE phones (
    mac                TEXT PRIMARY KEY,
    model              TEXT,
    software_version   TEXT,
    part_number        TEXT,
    e164               TEXT,
    ip                 TEXT,
    contact_me_uri     TEXT,
    adoption           TEXT NOT NULL,
    max_items          INTEGER NOT NULL,
    inventory_complete INTEGER NOT NULL DEFAULT 0,
    first_contact      INTEGER NOT NULL,
    last_contact       INTEGER NOT NULL,
    last_reason        TEXT
  ) STRICT;

  -- idx = -1 for single (non-indexed) items: NULL is never equal to NULL, so a nullable
  -- column would let the primary key hold the same single item twice.
  CREATE TABLE inventory (
    mac        TEXT NOT NULL REFERENCES phones (mac) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    idx        INTEGER NOT NULL CHECK (idx >= -1),
    value      TEXT,
    sealed     BLOB,
    status     TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (mac, name, idx),
    -- exactly one of clear value (ordinary item) and sealed value (secret item)
    CHECK ((value IS NULL) <> (sealed IS NULL))
  ) STRICT, WITHOUT ROWID;

  -- No foreign key to phones: jobs may be staged (CSV import) for phones that have not called yet.
  -- Ordering ties on created_at are broken by rowid (insertion order).
  CREATE TABLE jobs (
    id             TEXT PRIMARY KEY,
    mac            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    state          TEXT NOT NULL,
    items          TEXT NOT NULL,
    results        TEXT NOT NULL,
    reason         TEXT,
    awaiting       TEXT,
    expect_version TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    started_at     INTEGER,
    finished_at    INTEGER,
    not_before     INTEGER
  ) STRICT;
  CREATE INDEX jobs_by_phone ON jobs (mac, created_at);
  CREATE INDEX jobs_by_state ON jobs (state, created_at);

  -- No foreign key either: the log keeps exchanges of unidentified and forgotten phones.
  -- AUTOINCREMENT so an id is never reused after pruning (UI paging holds ids).
  CREATE TABLE exchanges (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    mac           TEXT,
    peer          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    reason        TEXT,
    action        TEXT,
    request_xml   TEXT NOT NULL,
    response_xml  TEXT NOT NULL,
    http_status   INTEGER NOT NULL,
    note          TEXT
  ) STRICT;
  CREATE INDEX exchanges_by_phone ON exchanges (mac, id);
  `,
  // Polling (DCMP) for phones behind NAT, and the laptop address each phone reaches us on.
  `
  ALTER TABLE phones ADD COLUMN poll_interval_s INTEGER;
  ALTER TABLE phones ADD COLUMN server_address TEXT;
  `,
  // When the reacher means to wake the phone again for a waiting job (shown with the job).
  `
  ALTER TABLE jobs ADD COLUMN next_contact_at INTEGER;
  `,
  // The exchange log is bounded by bytes too; the covering index lets pruning sum sizes
  // without reading the documents.
  `
  ALTER TABLE exchanges ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE exchanges SET bytes = length(CAST(request_xml AS BLOB)) + length(CAST(response_xml AS BLOB));
  CREATE INDEX exchanges_bytes ON exchanges (id, bytes);
  `,
  // Certificate store (issue 9): imported files, the local CA and what it issued. Private keys only sealed.
  `
  CREATE TABLE certificates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    origin      TEXT NOT NULL,
    format      TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    certs_pem   TEXT NOT NULL,
    key_sealed  BLOB,
    mac         TEXT,
    revoked_at  INTEGER,
    created_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX certificates_by_mac ON certificates (mac) WHERE mac IS NOT NULL;
  `,
  // Warnings of a job: things the technician should know that did not make it fail.
  `
  ALTER TABLE jobs ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
  `,
  // The file library (issue 8): content-addressed files, the jobs using them, the download log.
  `
  CREATE TABLE files (
    id          TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    format      TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size > 0),
    serve_token TEXT NOT NULL UNIQUE,
    details     TEXT NOT NULL,
    added_at    INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE job_files (
    job_id  TEXT NOT NULL,
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, file_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX job_files_by_file ON job_files (file_id);
  -- No foreign key: the log outlives a removed file.
  CREATE TABLE file_downloads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id     TEXT NOT NULL,
    peer        TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    expected    INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    complete    INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX file_downloads_by_file ON file_downloads (file_id, id);
  CREATE INDEX file_downloads_by_peer ON file_downloads (peer, id);
  `,
  // A changed identity that holds the phone's writing jobs (JSON), until the technician confirms.
  `
  ALTER TABLE phones ADD COLUMN identity_hold TEXT;
  `,
  // 0 for a MAC the technician pre-staged (jobs.create) that has never called in yet.
  `
  ALTER TABLE phones ADD COLUMN seen INTEGER NOT NULL DEFAULT 1;
  `,
  // Tracing sessions (issue 10): the levels raised, the originals read before, when to restore.
  `
  CREATE TABLE traces (
    mac        TEXT PRIMARY KEY REFERENCES phones (mac) ON DELETE CASCADE,
    levels     TEXT NOT NULL,
    originals  TEXT,
    started_at INTEGER NOT NULL,
    until      INTEGER NOT NULL,
    start_job  TEXT NOT NULL,
    stop_job   TEXT
  ) STRICT;
  `,
  // Downloads credited to the job whose URL was fetched (issue 8: firmware outcomes, progress).
  `
  ALTER TABLE file_downloads ADD COLUMN job_id TEXT;
  CREATE INDEX file_downloads_by_job ON file_downloads (job_id, id) WHERE job_id IS NOT NULL;
  `,
  // The web certificate first seen per phone (trust on first use, issue 10).
  `
  CREATE TABLE wbm_pins (
    mac         TEXT PRIMARY KEY REFERENCES phones (mac) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    pinned_at   INTEGER NOT NULL
  ) STRICT;
  `,
  // Secure Mode (issue 9): when the phone's first verified mutual-TLS message arrived; NULL = default mode.
  `
  ALTER TABLE phones ADD COLUMN secure_since INTEGER;
  `,
  // Roll-out (issue 11): the extension list (values sealed), its settings, the profiles.
  `
  CREATE TABLE rollout_rows (
    id            TEXT PRIMARY KEY,
    line          INTEGER NOT NULL,
    mac           TEXT UNIQUE,
    extension     TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    values_sealed BLOB NOT NULL,
    job_id        TEXT,
    assigned_by   TEXT,
    updated_at    INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE rollout_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    profile_id TEXT,
    bench_since INTEGER
  ) STRICT;
  CREATE TABLE profiles (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    model        TEXT,
    items_sealed BLOB NOT NULL,
    updated_at   INTEGER NOT NULL
  ) STRICT;
  `,
  // Phone lists (issue 12): every phone's display name in one range read, not two point reads each.
  `
  CREATE INDEX inventory_display_names ON inventory (mac, name, value)
    WHERE name IN ('display-id-unicode', 'display-id') AND idx = -1;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed) and migrates the database.
 * synchronous=FULL: with WAL, NORMAL may lose the last commits on power loss, and a job or
 * inventory the phone was told about (acknowledged) must survive that.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  try {
    // In-memory databases answer 'memory' and keep it; that is fine for tests.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // A second connection (e.g. a backup or an inspection tool) must not make writes fail at once.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this app supports (${MIGRATIONS.length})`);
  }
  for (const [version, sql] of MIGRATIONS.entries()) {
    if (version < current) continue;
    // Each step commits with its version number, so an interrupted upgrade resumes where it stopped.
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

export interface IntegrityReport {
  ok: boolean;
  /** SQLite's own findings plus foreign-key violations; empty when ok. */
  problems: string[];
}

export function integrityCheck(db: Db): IntegrityReport {
  const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
    .map((row) => row.integrity_check)
    .filter((line) => line !== 'ok');
  for (const row of db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>) {
    problems.push(`${row.table} row ${row.rowid} refers to a missing ${row.parent} row`);
  }
  return { ok: problems.length === 0, problems };
}
