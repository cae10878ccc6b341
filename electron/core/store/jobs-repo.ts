import { randomUUID } from 'node:crypto';
import { SECRET_MASK } from '../../../shared/catalogue.js';
import { FINAL_JOB_STATES, type ItemResult, type JobKind, type JobState } from '../../../shared/jobs.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';
import type { RevealOption } from './inventory-repo.js';
import { isLoggedAsSecret, type SecretBox } from './secrets.js';
import type { JobRecord } from './types.js';

/** Fields a caller may change; `undefined` leaves a field as it is, `null` clears it. */
export type JobPatch = Partial<
  Pick<
    JobRecord,
    'state' | 'results' | 'reason' | 'awaiting' | 'expectVersion' | 'attempts' | 'startedAt' | 'finishedAt' | 'notBefore' | 'nextContactAt'
  >
> & {
  /** Count one more attempt (ignored if `attempts` is given). */
  incrementAttempts?: boolean;
  /** Time of the change; default now. */
  updatedAt?: number;
};

export type JobTransitionPatch = Omit<JobPatch, 'state'>;

export interface JobListQuery {
  /** Only this phone's jobs. */
  mac?: string;
  states?: readonly JobState[];
  /** Newest first; default 1000. */
  limit?: number;
  /** Stop before the jobs' stored payloads (items and results) exceed this many characters; the first job always comes. */
  maxChars?: number;
}

/** How many jobs of one phone are in one state (see `tallyByPhone`). */
export interface JobTally {
  mac: string;
  state: JobState;
  count: number;
}

/** States in which a job waits for its phone to call (it never ran, or must run again). */
const RUNNABLE_STATES: readonly JobState[] = ['queued', 'waiting-for-phone', 'waiting-busy'];
/** States in which a contact-me may be planned to wake the phone. */
const WAITING_STATES: readonly JobState[] = ['queued', 'waiting-for-phone'];
/** The same as a JSON array, the form the statements take state lists in. */
const RUNNABLE_STATES_JSON = JSON.stringify(RUNNABLE_STATES);
/** States of jobs that are not finished. */
const OPEN_STATES_JSON = JSON.stringify([...RUNNABLE_STATES, 'running']);
/**
 * The same as SQL literals, for the statements run on every phone message: a constant IN list
 * is a plain comparison, `json_each` a virtual table per call. Our own constants, never input.
 */
const RUNNABLE_STATES_SQL = RUNNABLE_STATES.map((state) => `'${state}'`).join(', ');
const OPEN_STATES_SQL = `${RUNNABLE_STATES_SQL}, 'running'`;

/** An item or result as kept in the JSON payload: secret values replaced by `sealed` (base64). */
type SealedEntry<T extends { value?: string }> = Omit<T, 'value'> & { value?: string; sealed?: string };

interface JobRow {
  id: string;
  mac: string;
  kind: JobKind;
  state: JobState;
  items: string;
  results: string;
  warnings: string;
  reason: string | null;
  awaiting: JobRecord['awaiting'];
  expect_version: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  not_before: number | null;
  next_contact_at: number | null;
}

type WriteParams = Omit<JobRow, 'mac' | 'kind' | 'items' | 'created_at' | 'warnings'>;

/** A job named without its payload. */
export type JobRef = Pick<JobRecord, 'id' | 'kind'>;

const COLUMNS = `id, mac, kind, state, items, results, warnings, reason, awaiting, expect_version, attempts,
                 created_at, updated_at, started_at, finished_at, not_before, next_contact_at`;

/**
 * The job queue. Item values and results of secret items are sealed inside the JSON payload,
 * so the database never holds a secret in clear. A job in a final state never changes again.
 */
export class JobsRepo {
  readonly #db: Db;
  readonly #secrets: SecretBox;
  readonly #changes: ChangeTracker;
  readonly #insert;
  readonly #get;
  readonly #update;
  readonly #forPhone;
  readonly #list;
  readonly #runnable;
  readonly #runnableRefs;
  readonly #awaited;
  readonly #allAwaiting;
  readonly #phonesWithRunnable;
  readonly #cancel;
  readonly #requeue;
  readonly #tally;
  readonly #tallyOne;
  readonly #deleteForPhone;
  readonly #warn;

  constructor(db: Db, secrets: SecretBox, changes: ChangeTracker) {
    this.#db = db;
    this.#secrets = secrets;
    this.#changes = changes;
    this.#insert = db.prepare<JobRow>(`
      INSERT INTO jobs (${COLUMNS})
      VALUES (@id, @mac, @kind, @state, @items, @results, @warnings, @reason, @awaiting, @expect_version, @attempts,
              @created_at, @updated_at, @started_at, @finished_at, @not_before, @next_contact_at)`);
    this.#get = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
    this.#update = db.prepare<WriteParams>(`
      UPDATE jobs SET state = @state, results = @results, reason = @reason, awaiting = @awaiting,
        expect_version = @expect_version, attempts = @attempts, updated_at = @updated_at,
        started_at = @started_at, finished_at = @finished_at, not_before = @not_before,
        next_contact_at = @next_contact_at
      WHERE id = @id`);
    this.#forPhone = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE mac = ? ORDER BY created_at DESC, rowid DESC`);
    // One statement for any state filter: the states travel as a JSON array (NULL = all).
    this.#list = db.prepare<{ mac: string | null; states: string | null; limit: number }, JobRow>(`
      SELECT ${COLUMNS} FROM jobs
      WHERE (@mac IS NULL OR mac = @mac) AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
      ORDER BY created_at DESC, rowid DESC LIMIT @limit`);
    this.#runnable = db.prepare<{ mac: string; now: number }, JobRow>(`
      SELECT ${COLUMNS} FROM jobs
      WHERE mac = @mac AND state IN (${RUNNABLE_STATES_SQL})
        AND (not_before IS NULL OR not_before <= @now)
      ORDER BY created_at, rowid`);
    this.#runnableRefs = db.prepare<{ mac: string; now: number }, JobRef>(`
      SELECT id, kind FROM jobs
      WHERE mac = @mac AND state IN (${RUNNABLE_STATES_SQL})
        AND (not_before IS NULL OR not_before <= @now)
      ORDER BY created_at, rowid`);
    this.#awaited = db.prepare<[string], JobRow>(
      // By phone, not by state: in a burst hundreds of jobs are running at once.
      `SELECT ${COLUMNS} FROM jobs INDEXED BY jobs_by_phone
       WHERE mac = ? AND state = 'running' AND awaiting IS NOT NULL ORDER BY created_at, rowid`,
    );
    this.#allAwaiting = db.prepare<[], JobRow>(
      `SELECT ${COLUMNS} FROM jobs WHERE state = 'running' AND awaiting IS NOT NULL ORDER BY created_at, rowid`,
    );
    this.#phonesWithRunnable = db.prepare<{ now: number; states: string; kinds: string }, { mac: string }>(`
      SELECT DISTINCT mac FROM jobs
      WHERE state IN (SELECT value FROM json_each(@states)) AND (not_before IS NULL OR not_before <= @now)
        AND kind IN (SELECT value FROM json_each(@kinds))`);
    this.#cancel = db.prepare<{ id: string; at: number; states: string }>(`
      UPDATE jobs SET state = 'cancelled', awaiting = NULL, next_contact_at = NULL, finished_at = @at, updated_at = @at
      WHERE id = @id AND state IN (SELECT value FROM json_each(@states))`);
    this.#requeue = db.prepare<{ mac: string | null; reason: string; at: number }, { id: string }>(`
      UPDATE jobs SET state = 'waiting-for-phone', reason = @reason, updated_at = @at
      WHERE state = 'running' AND awaiting IS NULL AND (@mac IS NULL OR mac = @mac)
      RETURNING id`);
    this.#tally = db.prepare<{ mac: string | null; failedSince: number; from: string; to: string; states: string }, JobTally>(`
      SELECT mac, state, count(*) AS count FROM jobs
      WHERE (state IN (SELECT value FROM json_each(@states)) OR (state = 'failed' AND updated_at >= @failedSince))
        AND (@mac IS NULL OR mac = @mac) AND mac BETWEEN @from AND @to
      GROUP BY mac, state`);
    // One phone's tally on its own statement: with `@mac IS NULL OR …` the planner scans every
    // open job of the site by state, once per phone summary (quadratic in a burst).
    this.#tallyOne = db.prepare<{ mac: string; failedSince: number }, JobTally>(`
      SELECT mac, state, count(*) AS count FROM jobs INDEXED BY jobs_by_phone
      WHERE mac = @mac AND (state IN (${OPEN_STATES_SQL}) OR (state = 'failed' AND updated_at >= @failedSince))
      GROUP BY state`);
    this.#deleteForPhone = db.prepare<[string]>('DELETE FROM jobs WHERE mac = ?');
    this.#warn = db.prepare<{ id: string; message: string; at: number }>(`
      UPDATE jobs SET warnings = json_insert(warnings, '$[#]', @message), updated_at = @at WHERE id = @id`);
  }

  /**
   * Jobs counted per phone and state: unfinished ones, and failed ones updated at `failedSince`
   * or later; for one phone or (`mac` null) for the phones in the MAC range given. No payload is read.
   */
  tallyByPhone(failedSince: number, mac: string | null, range: { from: string; to: string } = { from: '', to: '\uffff' }): JobTally[] {
    if (mac !== null) return this.#tallyOne.all({ mac, failedSince });
    return this.#tally.all({ mac, failedSince, from: range.from, to: range.to, states: OPEN_STATES_JSON });
  }

  /** Removes every job of the phone (forgetting it); returns how many. */
  deleteForPhone(mac: string): number {
    return this.#deleteForPhone.run(mac).changes;
  }

  /** A new job in state `queued`. The returned record has secret values masked. */
  create(mac: string, kind: JobKind, items: readonly WpiItem[], at: number = Date.now()): JobRecord {
    const row: JobRow = {
      id: randomUUID(),
      mac,
      kind,
      state: 'queued',
      items: JSON.stringify(this.#seal(items)),
      results: '[]',
      warnings: '[]',
      reason: null,
      awaiting: null,
      expect_version: null,
      attempts: 0,
      created_at: at,
      updated_at: at,
      started_at: null,
      finished_at: null,
      not_before: null,
      next_contact_at: null,
    };
    this.#insert.run(row);
    this.#changes.job(row.id);
    return this.#toRecord(row, false);
  }

  get(id: string, options: RevealOption = {}): JobRecord | undefined {
    const row = this.#get.get(id);
    return row && this.#toRecord(row, options.reveal === true);
  }

  /** All jobs of one phone, newest first, secrets masked. */
  listForPhone(mac: string): JobRecord[] {
    return this.#forPhone.all(mac).map((row) => this.#toRecord(row, false));
  }

  /** Jobs of all phones, newest first, secrets masked. */
  list(query: JobListQuery = {}): JobRecord[] {
    const states = query.states ? JSON.stringify(query.states) : null;
    const jobs: JobRecord[] = [];
    let chars = 0;
    // Row by row, so a size budget stops reading before the payloads pile up in memory.
    for (const row of this.#list.iterate({ mac: query.mac ?? null, states, limit: query.limit ?? 1000 })) {
      chars += row.items.length + row.results.length;
      if (query.maxChars !== undefined && chars > query.maxChars && jobs.length > 0) break;
      jobs.push(this.#toRecord(row, false));
    }
    return jobs;
  }

  /** Jobs waiting for `mac` whose back-off (notBefore) has passed at `now`, oldest first; secrets masked. */
  runnableFor(mac: string, now: number): JobRecord[] {
    return this.#runnable.all({ mac, now }).map((row) => this.#toRecord(row, false));
  }

  /**
   * The same jobs as `runnableFor`, as id and kind only: nothing parsed or decrypted. For each
   * message of a phone, which mostly starts none of them (items: `itemsForSending`).
   */
  runnableRefsFor(mac: string, now: number): JobRef[] {
    return this.#runnableRefs.all({ mac, now });
  }

  /**
   * The job's items with secret values in clear, to be sent to the phone. The only reading
   * path that reveals besides `get(id, { reveal: true })`, named so that nothing else does.
   */
  itemsForSending(id: string): WpiItem[] {
    const row = this.#get.get(id);
    if (!row) throw new Error(`job ${id} does not exist`);
    return this.#open<WpiItem>(row.items, true);
  }

  /** Whether the job's items hold a sealed (secret) value; nothing is decrypted. */
  carriesSecrets(id: string): boolean {
    const row = this.#get.get(id);
    return row !== undefined && JSON.parse(row.items).some((entry: SealedEntry<WpiItem>) => entry.sealed !== undefined);
  }

  /** Sent jobs whose outcome the phone reports in a later message, oldest first. */
  awaitedFor(mac: string): JobRecord[] {
    return this.#awaited.all(mac).map((row) => this.#toRecord(row, false));
  }

  /** Sent jobs of every phone still waiting for the phone's report (to time them out). */
  awaiting(): JobRecord[] {
    return this.#allAwaiting.all().map((row) => this.#toRecord(row, false));
  }

  /** Phones that have work of one of `kinds` whose back-off has passed at `now`: the ones to wake. */
  phonesWithRunnable(now: number, kinds: readonly JobKind[]): string[] {
    return this.#phonesWithRunnable.all({ now, states: RUNNABLE_STATES_JSON, kinds: JSON.stringify(kinds) }).map((r) => r.mac);
  }

  /**
   * Applies `patch`; false if the job is unknown or already final (done/failed/cancelled).
   * Bookkeeping that follows from a state change is filled in unless the patch sets it:
   * entering `running` stamps startedAt, entering a final state stamps finishedAt, and
   * leaving `running` clears `awaiting` (it only means something while running), and entering
   * any state but a waiting one clears `nextContactAt`.
   */
  update(id: string, patch: JobPatch): boolean {
    const at = patch.updatedAt ?? Date.now();
    return this.#db.transaction(() => {
      const row = this.#get.get(id);
      if (!row || isFinal(row.state)) return false;
      const state = patch.state ?? row.state;
      const entering = state !== row.state ? state : null;
      this.#update.run({
        id,
        state,
        results: patch.results ? JSON.stringify(this.#seal(patch.results)) : row.results,
        reason: pick(patch.reason, row.reason),
        awaiting: pick(patch.awaiting, entering && entering !== 'running' ? null : row.awaiting),
        expect_version: pick(patch.expectVersion, row.expect_version),
        attempts: pick(patch.attempts, patch.incrementAttempts ? row.attempts + 1 : row.attempts),
        updated_at: at,
        started_at: pick(patch.startedAt, entering === 'running' ? at : row.started_at),
        finished_at: pick(patch.finishedAt, entering && isFinal(entering) ? at : row.finished_at),
        not_before: pick(patch.notBefore, row.not_before),
        next_contact_at: pick(patch.nextContactAt, entering && !WAITING_STATES.includes(entering) ? null : row.next_contact_at),
      });
      this.#changes.job(id);
      return true;
    })();
  }

  /** `update` with the new state spelled out; same guard and bookkeeping. */
  transition(id: string, state: JobState, patch: JobTransitionPatch = {}): boolean {
    return this.update(id, { ...patch, state });
  }

  /** Adds a warning to the job (whatever its state): something it did that did not make it fail. */
  warn(id: string, message: string, at: number = Date.now()): boolean {
    return this.#warn.run({ id, message, at }).changes > 0;
  }

  /** Cancels a job that has not started (queued or waiting); false for running, final or unknown jobs. */
  cancel(id: string, at: number = Date.now()): boolean {
    const cancelled = this.#cancel.run({ id, at, states: RUNNABLE_STATES_JSON }).changes > 0;
    if (cancelled) this.#changes.job(id);
    return cancelled;
  }

  /**
   * At startup: jobs left `running` without `awaiting` were cut off mid-interaction by a crash
   * or restart; they go back to waiting for their phone (attempts are kept). Jobs awaiting a
   * later report stay running: the phone will still send it. Returns their ids.
   */
  requeueInterrupted(at: number = Date.now()): string[] {
    return this.#requeued(this.#requeue.all({ mac: null, reason: 'interrupted: Fieldstage stopped while the job ran', at }));
  }

  /** The same for one phone whose interaction broke off (it stopped answering, or started anew). */
  requeueRunningFor(mac: string, reason: string, at: number = Date.now()): string[] {
    return this.#requeued(this.#requeue.all({ mac, reason, at }));
  }

  #requeued(rows: readonly { id: string }[]): string[] {
    const ids = rows.map((r) => r.id);
    for (const id of ids) this.#changes.job(id);
    return ids;
  }

  #seal<T extends { name: string; value?: string }>(entries: readonly T[]): SealedEntry<T>[] {
    return entries.map((entry) => {
      if (!entry.value || !isLoggedAsSecret(entry.name)) return entry;
      const { value, ...rest } = entry;
      return { ...rest, sealed: this.#secrets.encrypt(value).toString('base64') };
    });
  }

  #open<T extends { name: string; value?: string }>(json: string, reveal: boolean): T[] {
    const entries = JSON.parse(json) as SealedEntry<T>[];
    return entries.map((entry) => {
      // Most entries hold no secret: returned as parsed, without a copy.
      if (entry.sealed === undefined) return entry as T;
      const { sealed, ...rest } = entry;
      const value = reveal ? this.#secrets.decrypt(Buffer.from(sealed, 'base64')) : SECRET_MASK;
      return { ...rest, value } as T;
    });
  }

  #toRecord(row: JobRow, reveal: boolean): JobRecord {
    return {
      id: row.id,
      mac: row.mac,
      kind: row.kind,
      state: row.state,
      items: this.#open<WpiItem>(row.items, reveal),
      results: this.#open<ItemResult>(row.results, reveal),
      warnings: JSON.parse(row.warnings) as string[],
      reason: row.reason,
      awaiting: row.awaiting,
      expectVersion: row.expect_version,
      attempts: row.attempts,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      notBefore: row.not_before,
      nextContactAt: row.next_contact_at,
    };
  }
}

function isFinal(state: JobState): boolean {
  return FINAL_JOB_STATES.includes(state);
}

function pick<T>(patched: T | undefined, current: T): T {
  return patched === undefined ? current : patched;
}
