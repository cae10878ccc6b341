import type { WpiItem } from '../../../shared/protocol.js';
import type { TraceLevelSetting } from '../../../shared/traces.js';
import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';

/** One phone's tracing session: raised until `until`, then its originals are written back. */
export interface TraceRecord {
  mac: string;
  levels: TraceLevelSetting[];
  /** The phone's trace-level items before the first start of this session; null until read. */
  originals: WpiItem[] | null;
  startedAt: number;
  until: number;
  startJob: string;
  stopJob: string | null;
}

interface TraceRow {
  mac: string;
  levels: string;
  originals: string | null;
  started_at: number;
  until: number;
  start_job: string;
  stop_job: string | null;
}

const COLUMNS = 'mac, levels, originals, started_at, until, start_job, stop_job';

/** Tracing sessions, one row per phone; gone with the phone (foreign key). */
export class TracesRepo {
  readonly #changes: ChangeTracker;
  readonly #get;
  readonly #between;
  readonly #all;
  readonly #due;
  readonly #upsert;
  readonly #keepOriginals;
  readonly #setStop;
  readonly #delete;

  constructor(db: Db, changes: ChangeTracker) {
    this.#changes = changes;
    this.#get = db.prepare<[string], TraceRow>(`SELECT ${COLUMNS} FROM traces WHERE mac = ?`);
    this.#all = db.prepare<[], TraceRow>(`SELECT ${COLUMNS} FROM traces ORDER BY mac`);
    this.#between = db.prepare<[string, string], TraceRow>(`SELECT ${COLUMNS} FROM traces WHERE mac BETWEEN ? AND ?`);
    this.#due = db.prepare<[number], TraceRow>(`SELECT ${COLUMNS} FROM traces WHERE until <= ? AND stop_job IS NULL ORDER BY mac`);
    this.#upsert = db.prepare<TraceRow>(`
      INSERT INTO traces (${COLUMNS}) VALUES (@mac, @levels, @originals, @started_at, @until, @start_job, @stop_job)
      ON CONFLICT (mac) DO UPDATE SET levels = @levels, originals = @originals, started_at = @started_at,
        until = @until, start_job = @start_job, stop_job = @stop_job`);
    // Only the first read of a session counts: later starts read levels Fieldstage raised itself.
    this.#keepOriginals = db.prepare<{ mac: string; job: string; originals: string }>(
      'UPDATE traces SET originals = @originals WHERE mac = @mac AND start_job = @job AND originals IS NULL',
    );
    this.#setStop = db.prepare<{ mac: string; job: string | null; until: number }>(
      'UPDATE traces SET stop_job = @job, until = min(until, @until) WHERE mac = @mac',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM traces WHERE mac = ?');
  }

  get(mac: string): TraceRecord | undefined {
    const row = this.#get.get(mac);
    return row && toRecord(row);
  }

  /** Sessions of the phones in the MAC range, by MAC. */
  between(from: string, to: string): Map<string, TraceRecord> {
    return new Map(this.#between.all(from, to).map((row) => [row.mac, toRecord(row)]));
  }

  all(): TraceRecord[] {
    return this.#all.all().map(toRecord);
  }

  /** Sessions whose time ran out at `now` and whose restore is not queued yet. */
  due(now: number): TraceRecord[] {
    return this.#due.all(now).map(toRecord);
  }

  save(record: TraceRecord): void {
    this.#upsert.run({
      mac: record.mac,
      levels: JSON.stringify(record.levels),
      originals: record.originals ? JSON.stringify(record.originals) : null,
      started_at: record.startedAt,
      until: record.until,
      start_job: record.startJob,
      stop_job: record.stopJob,
    });
    this.#changes.phone(record.mac);
  }

  /** From the trace-start job `jobId`'s read; false when the session has them already or is another's. */
  keepOriginals(mac: string, jobId: string, originals: readonly WpiItem[]): boolean {
    const kept = this.#keepOriginals.run({ mac, job: jobId, originals: JSON.stringify(originals) }).changes > 0;
    if (kept) this.#changes.phone(mac);
    return kept;
  }

  /** The restore job of the session (null: none queued); the session's end moves to `at` at the latest. */
  setStopJob(mac: string, jobId: string | null, at: number): void {
    this.#setStop.run({ mac, job: jobId, until: at });
    this.#changes.phone(mac);
  }

  delete(mac: string): boolean {
    const gone = this.#delete.run(mac).changes > 0;
    if (gone) this.#changes.phone(mac);
    return gone;
  }
}

function toRecord(row: TraceRow): TraceRecord {
  return {
    mac: row.mac,
    levels: JSON.parse(row.levels) as TraceLevelSetting[],
    originals: row.originals === null ? null : (JSON.parse(row.originals) as WpiItem[]),
    startedAt: row.started_at,
    until: row.until,
    startJob: row.start_job,
    stopJob: row.stop_job,
  };
}
