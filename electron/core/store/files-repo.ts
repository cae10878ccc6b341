import type { FileCheck, FileFormat, FileKind, FirmwareHeaderView } from '../../../shared/model.js';
import { FINAL_JOB_STATES } from '../../../shared/jobs.js';
import type { Db } from './database.js';

/** A library file as stored; the content lives at `<library>/<sha256>`. */
export interface FileRecord {
  id: string;
  sha256: string;
  name: string;
  kind: FileKind;
  format: FileFormat;
  size: number;
  /** Secret path segment under which the file server hands the file out. */
  serveToken: string;
  details: FileDetails;
  addedAt: number;
}

export interface FileDetails {
  width?: number;
  height?: number;
  firmware?: FirmwareHeaderView;
  checks: FileCheck[];
}

export interface FileUse {
  jobId: string;
  mac: string;
  state: string;
}

export interface DownloadRecord {
  fileId: string;
  jobId?: string;
  peer: string;
  bytes: number;
  expected: number;
  startedAt: number;
  durationMs: number;
  complete: boolean;
}

/** The logged downloads of one job's URL, summed up. */
export interface JobDownloads {
  attempts: number;
  complete: boolean;
  /** Most bytes one attempt got, and what it asked for. */
  bytes: number;
  expected: number;
}

/** Download log entries kept; older ones are pruned as new ones arrive. */
export const FILE_DOWNLOAD_LOG_LIMIT = 20_000;

interface FileRow {
  id: string;
  sha256: string;
  name: string;
  kind: FileKind;
  format: FileFormat;
  size: number;
  serve_token: string;
  details: string;
  added_at: number;
}

const FINAL_STATES_JSON = JSON.stringify(FINAL_JOB_STATES);

export class FilesRepo {
  readonly #insert;
  readonly #byId;
  readonly #bySha;
  readonly #byToken;
  readonly #list;
  readonly #remove;
  readonly #setKind;
  readonly #uses;
  readonly #link;
  readonly #logDownload;
  readonly #prune;
  readonly #downloadsForPeer;
  readonly #downloadsForJob;
  readonly #filesOfJob;

  constructor(db: Db) {
    this.#insert = db.prepare<[FileRow]>(
      `INSERT INTO files (id, sha256, name, kind, format, size, serve_token, details, added_at)
       VALUES (@id, @sha256, @name, @kind, @format, @size, @serve_token, @details, @added_at)`,
    );
    this.#byId = db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?');
    this.#bySha = db.prepare<[string], FileRow>('SELECT * FROM files WHERE sha256 = ?');
    this.#byToken = db.prepare<[string], FileRow>('SELECT * FROM files WHERE serve_token = ?');
    this.#list = db.prepare<[], FileRow>('SELECT * FROM files ORDER BY added_at DESC, rowid DESC');
    this.#remove = db.prepare<[string]>('DELETE FROM files WHERE id = ?');
    this.#setKind = db.prepare<[string, string, string]>('UPDATE files SET kind = ?, details = ? WHERE id = ?');
    this.#uses = db.prepare<[string, string], FileUse>(
      `SELECT j.id AS jobId, j.mac AS mac, j.state AS state FROM job_files f JOIN jobs j ON j.id = f.job_id
       WHERE f.file_id = ? AND j.state NOT IN (SELECT value FROM json_each(?)) ORDER BY j.created_at`,
    );
    this.#link = db.prepare<[string, string]>('INSERT OR IGNORE INTO job_files (job_id, file_id) VALUES (?, ?)');
    this.#logDownload = db.prepare(
      `INSERT INTO file_downloads (file_id, job_id, peer, bytes, expected, started_at, duration_ms, complete)
       VALUES (@fileId, @jobId, @peer, @bytes, @expected, @startedAt, @durationMs, @complete)`,
    );
    this.#prune = db.prepare<[number]>('DELETE FROM file_downloads WHERE id <= ?');
    this.#downloadsForPeer = db.prepare<[string, string], { bytes: number; expected: number; complete: number }>(
      'SELECT bytes, expected, complete FROM file_downloads WHERE file_id = ? AND peer = ? ORDER BY id',
    );
    this.#downloadsForJob = db.prepare<[string], { attempts: number; complete: number; bytes: number | null; expected: number | null }>(
      `SELECT COUNT(*) AS attempts, COALESCE(MAX(complete), 0) AS complete, MAX(bytes) AS bytes, MAX(expected) AS expected
       FROM file_downloads WHERE job_id = ?`,
    );
    this.#filesOfJob = db.prepare<[string], FileRow>(
      'SELECT f.* FROM job_files j JOIN files f ON f.id = j.file_id WHERE j.job_id = ? ORDER BY f.added_at, f.rowid',
    );
  }

  insert(record: FileRecord): void {
    this.#insert.run(toRow(record));
  }

  get(id: string): FileRecord | undefined {
    const row = this.#byId.get(id);
    return row && fromRow(row);
  }

  bySha256(sha256: string): FileRecord | undefined {
    const row = this.#bySha.get(sha256);
    return row && fromRow(row);
  }

  byServeToken(token: string): FileRecord | undefined {
    const row = this.#byToken.get(token);
    return row && fromRow(row);
  }

  list(): FileRecord[] {
    return this.#list.all().map(fromRow);
  }

  setKind(id: string, kind: FileKind, details: FileDetails): void {
    this.#setKind.run(kind, JSON.stringify(details), id);
  }

  remove(id: string): boolean {
    return this.#remove.run(id).changes > 0;
  }

  /** Unfinished jobs that reference the file. */
  usedBy(id: string): FileUse[] {
    return this.#uses.all(id, FINAL_STATES_JSON);
  }

  /** Records that `jobId` uses `fileId` (the job row may be written in the same transaction). */
  link(jobId: string, fileId: string): void {
    this.#link.run(jobId, fileId);
  }

  logDownload(entry: DownloadRecord): void {
    const { lastInsertRowid } = this.#logDownload.run({ ...entry, jobId: entry.jobId ?? null, complete: entry.complete ? 1 : 0 });
    const id = Number(lastInsertRowid);
    if (id % 100 === 0) this.#prune.run(id - FILE_DOWNLOAD_LOG_LIMIT);
  }

  /** What was fetched through the job's URL: no attempt, broken off, or all of it (at least once). */
  downloadsForJob(jobId: string): JobDownloads {
    const row = this.#downloadsForJob.get(jobId);
    return { attempts: row?.attempts ?? 0, complete: row?.complete === 1, bytes: row?.bytes ?? 0, expected: row?.expected ?? 0 };
  }

  /** The library files a job uses (deleted files are gone from the answer). */
  filesOf(jobId: string): FileRecord[] {
    return this.#filesOfJob.all(jobId).map(fromRow);
  }

  /** What `peer` fetched of the file: for deciding whether a phone ever got an image. */
  downloadsBy(fileId: string, peer: string): { bytes: number; expected: number; complete: boolean }[] {
    return this.#downloadsForPeer.all(fileId, peer).map((r) => ({ bytes: r.bytes, expected: r.expected, complete: r.complete === 1 }));
  }
}

function toRow(r: FileRecord): FileRow {
  return {
    id: r.id,
    sha256: r.sha256,
    name: r.name,
    kind: r.kind,
    format: r.format,
    size: r.size,
    serve_token: r.serveToken,
    details: JSON.stringify(r.details),
    added_at: r.addedAt,
  };
}

function fromRow(row: FileRow): FileRecord {
  return {
    id: row.id,
    sha256: row.sha256,
    name: row.name,
    kind: row.kind,
    format: row.format,
    size: row.size,
    serveToken: row.serve_token,
    details: JSON.parse(row.details) as FileDetails,
    addedAt: row.added_at,
  };
}
