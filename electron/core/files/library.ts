import { createHash, randomBytes } from 'node:crypto';
import { constants, mkdirSync, rmSync } from 'node:fs';
import { lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FileKind, FileView } from '../../../shared/model.js';
import type { FileRecord, Store } from '../store/index.js';
import { classify, FileRefusal, MAX_IMPORT_BYTES } from './checks.js';
import { FIRMWARE_HEADER_LAYOUT, readFirmwareHeader } from './firmware-header.js';
import { sniff, SNIFF_BYTES } from './sniff.js';

/** Longest file name kept; phones show names on their file list. */
export const MAX_FILE_NAME_LENGTH = 128;

/** Refused: a job that has not finished still needs the file. */
export class FileInUseError extends Error {
  readonly statusCode = 409;
  constructor(message: string) {
    super(message);
    this.name = 'FileInUseError';
  }
}

export class FileNotFoundError extends Error {
  readonly statusCode = 404;
  constructor(id: string) {
    super(`No library file ${id.slice(0, 40)}`);
    this.name = 'FileNotFoundError';
  }
}

export interface FileLibraryOptions {
  /** `<dataDir>/files`: one file per content hash, plus `.incoming` for imports in progress. */
  dir: string;
  store: Store;
  now: () => number;
  changed: (file: FileRecord) => void;
  removed: (id: string) => void;
  /** Largest import; default MAX_IMPORT_BYTES. */
  maxBytes?: number;
}

/**
 * The file library: content-addressed storage (SHA-256) with one SQLite record per distinct
 * content. Imports stream to a temporary file while hashing; nothing is kept unless the checks
 * pass, and the content is on disk (fsync) before its record is committed.
 */
export class FileLibrary {
  readonly #o: FileLibraryOptions;
  readonly #incoming: string;
  readonly #maxBytes: number;

  constructor(options: FileLibraryOptions) {
    this.#o = options;
    this.#maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
    this.#incoming = join(options.dir, '.incoming');
    mkdirSync(this.#incoming, { recursive: true });
    // Leftovers of imports a crash interrupted have no record and are never served.
    rmSync(this.#incoming, { recursive: true, force: true });
    mkdirSync(this.#incoming, { recursive: true });
  }

  /** Imports a stream (browser-mode upload). `name` is the technician's file name, used only as a label. */
  async importStream(source: AsyncIterable<Buffer | string>, name: string, wanted?: FileKind): Promise<FileRecord> {
    const label = cleanName(name);
    const temp = join(this.#incoming, randomBytes(12).toString('hex'));
    const handle = await open(temp, 'wx', 0o600);
    let kept = false;
    try {
      const content = await writeHashing(handle, source, this.#maxBytes);
      await handle.sync();
      await handle.close();
      const header = readFirmwareHeader(content.head, content.tail, content.size);
      const sniffed = sniff(content.head);
      const classified = classify(content.size, sniffed, header, wanted);
      const existing = this.#o.store.files.bySha256(content.sha256);
      if (existing) return existing;
      const record: FileRecord = {
        id: randomBytes(12).toString('hex'),
        sha256: content.sha256,
        name: label,
        kind: classified.kind,
        format: classified.format,
        size: content.size,
        // 128 random bits: the download path is the only thing guarding a file on the LAN.
        serveToken: randomBytes(16).toString('base64url'),
        details: {
          ...(sniffed.width !== undefined ? { width: sniffed.width } : {}),
          ...(sniffed.height !== undefined ? { height: sniffed.height } : {}),
          ...(header
            ? {
                firmware: {
                  model: header.model,
                  version: header.version,
                  swVersion: header.swVersion,
                  deviceType: header.deviceType,
                  swType: header.swType,
                },
              }
            : {}),
          checks: classified.checks,
        },
        addedAt: this.#o.now(),
      };
      await rename(temp, this.contentPath(record));
      kept = true;
      this.#o.store.transaction(() => this.#o.store.files.insert(record));
      this.#o.changed(record);
      return record;
    } finally {
      await handle.close().catch(() => undefined);
      if (!kept) await rm(temp, { force: true });
    }
  }

  /** Imports a file the main process picked (Electron dialog); symlinks and non-regular files are refused. */
  async importPath(path: string, wanted?: FileKind): Promise<FileRecord> {
    const info = await lstat(path);
    if (!info.isFile()) throw new FileRefusal('not-a-file', `${basename(path)} is not a regular file.`);
    if (info.size > this.#maxBytes) throw tooLarge(this.#maxBytes);
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    return this.importStream(handle.createReadStream({ highWaterMark: 256 * 1024 }), basename(path), wanted);
  }

  get(id: string): FileRecord {
    const record = this.#o.store.files.get(id);
    if (!record) throw new FileNotFoundError(id);
    return record;
  }

  /** Changes what the file is for; the checks of the new kind must pass. */
  async setKind(id: string, kind: FileKind): Promise<FileRecord> {
    const record = this.get(id);
    const content = await readEnds(this.contentPath(record), record.size);
    const sniffed = sniff(content.head);
    const classified = classify(record.size, sniffed, readFirmwareHeader(content.head, content.tail, record.size), kind);
    const details = { ...record.details, checks: classified.checks };
    this.#o.store.transaction(() => this.#o.store.files.setKind(id, kind, details));
    const next = { ...record, kind, details };
    this.#o.changed(next);
    return next;
  }

  async remove(id: string): Promise<void> {
    const record = this.get(id);
    const store = this.#o.store;
    store.transaction(() => {
      const uses = store.files.usedBy(id);
      if (uses.length) {
        throw new FileInUseError(`${record.name} is used by ${uses.length} unfinished job(s); cancel them or let them finish first.`);
      }
      store.files.remove(id);
    });
    await rm(this.contentPath(record), { force: true });
    this.#o.removed(id);
  }

  contentPath(record: Pick<FileRecord, 'sha256'>): string {
    if (!/^[0-9a-f]{64}$/.test(record.sha256)) throw new Error('not a SHA-256 digest');
    return join(this.#o.dir, record.sha256);
  }

  view(record: FileRecord): FileView {
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      format: record.format,
      size: record.size,
      sha256: record.sha256,
      addedAt: record.addedAt,
      ...(record.details.width !== undefined ? { width: record.details.width } : {}),
      ...(record.details.height !== undefined ? { height: record.details.height } : {}),
      ...(record.details.firmware ? { firmware: record.details.firmware } : {}),
      checks: record.details.checks,
      usedBy: this.#o.store.files.usedBy(record.id),
    };
  }
}

interface Written {
  sha256: string;
  size: number;
  head: Buffer;
  tail: Buffer;
}

const TAIL_BYTES = FIRMWARE_HEADER_LAYOUT.trailerFromEnd;

/** Copies `source` to `handle`, hashing it and keeping the first and last bytes the checks read. */
async function writeHashing(handle: FileHandle, source: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Written> {
  const hash = createHash('sha256');
  const heads: Buffer[] = [];
  let headLength = 0;
  let tail: Buffer = Buffer.alloc(0);
  let size = 0;
  for await (const piece of source) {
    const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    hash.update(chunk);
    if (headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - headLength);
      heads.push(part);
      headLength += part.length;
    }
    tail = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    let offset = 0;
    while (offset < chunk.length) offset += (await handle.write(chunk, offset)).bytesWritten;
  }
  // subarray views would pin the (possibly 64 kB) stream chunks; copies are small.
  return { sha256: hash.digest('hex'), size, head: Buffer.concat(heads), tail: Buffer.from(tail) };
}

function tooLarge(maxBytes: number): FileRefusal {
  return new FileRefusal('too-large', `Files over ${Math.floor(maxBytes / 1024 / 1024)} MB are not taken; this one is larger.`);
}

async function readEnds(path: string, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, size));
    await handle.read(tail, 0, tail.length, size - tail.length);
    return { head, tail };
  } finally {
    await handle.close();
  }
}

/** A label safe to show and to hand a phone as `file-name`: no path, no control characters. */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f<>&"]/g, '')
    .trim()
    .slice(0, MAX_FILE_NAME_LENGTH);
  if (!clean || clean === '.' || clean === '..') throw new FileRefusal('name', 'The file needs a name.');
  return clean;
}
