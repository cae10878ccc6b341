import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { Unzip, UnzipInflate, Zip, ZipDeflate } from 'fflate';
import { openDatabase } from '../store/database.js';
import { resealDatabase } from '../store/sealed-fields.js';
import type { SecretBox } from '../store/secrets.js';
import { PRIVATE_FILE_MODE } from '../app/private-files.js';
import { TRACES_FOLDER } from '../traces/downloads.js';
import { CLEAR_EXPORT_BOX, newKdfParams, passphraseBox, type KdfParams } from './passphrase.js';
import { SiteError } from './registry.js';

/**
 * One site as one file: a zip (fflate, streamed both ways) with the resealed database snapshot,
 * files/, traces/, tls/ (sealed with the passphrase, else left out) and `manifest.json` last,
 * which lists every entry with its size and SHA-256 (fflate checks no CRC while streaming).
 */
export const SITE_FORMAT = 'fieldstage-site';
export const SITE_FORMAT_VERSION = 1;
/** Deflate level of the database (compresses well); files (images, firmware) are stored (level 0). */
const DATABASE_LEVEL = 6;
/** What an import unpacks at most (a zip bomb must not fill the disk). */
export const MAX_SITE_UNPACKED_BYTES = 16 * 1024 ** 3;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Sealed with the passphrase box: opening it tells a wrong passphrase before anything is unpacked into place. */
const PASSPHRASE_CHECK = 'fieldstage-site passphrase check';
const DATABASE_ENTRY = 'fieldstage.db';
const MANIFEST_ENTRY = 'manifest.json';
const SEALED_SUFFIX = '.sealed';

export interface SiteManifest {
  format: typeof SITE_FORMAT;
  formatVersion: number;
  siteName: string;
  exportedAt: string;
  appVersion: string;
  secretsIncluded: boolean;
  kdf: KdfParams | null;
  passphraseCheck: string | null;
  leftOut: string[];
  entries: { name: string; size: number; sha256: string }[];
}

export interface Progress {
  signal: AbortSignal;
  progress: (doneBytes: number, totalBytes: number) => void;
}

export interface ExportInput extends Progress {
  siteDir: string;
  siteName: string;
  appVersion: string;
  now: number;
  laptopBox: SecretBox;
  passphrase?: string;
  /** The file to write (written as `<out>.part`, renamed when complete). */
  out: string;
  /** A folder for the snapshot while it is resealed (on the laptop's data disk, not next to `out`); removed after. */
  workDir: string;
}

export interface ExportResult {
  size: number;
  leftOut: string[];
  secretsIncluded: boolean;
}

export async function exportSite(input: ExportInput): Promise<ExportResult> {
  const work = input.workDir;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const part = `${input.out}.part`;
  try {
    const kdf = input.passphrase === undefined ? null : newKdfParams();
    const box = kdf && input.passphrase !== undefined ? await passphraseBox(input.passphrase, kdf) : CLEAR_EXPORT_BOX;
    const snapshot = join(work, DATABASE_ENTRY);
    await snapshotDatabase(join(input.siteDir, DATABASE_ENTRY), snapshot);
    const leftOut = resealSnapshot(snapshot, input.laptopBox, box, kdf !== null);

    const sources: { name: string; path: string; level: number }[] = [{ name: DATABASE_ENTRY, path: snapshot, level: DATABASE_LEVEL }];
    for (const path of filesUnder(join(input.siteDir, 'files'), (rel) => !rel.startsWith('.'))) {
      sources.push({ name: `files/${relative(join(input.siteDir, 'files'), path).split(sep).join('/')}`, path, level: 0 });
    }
    for (const path of filesUnder(join(input.siteDir, TRACES_FOLDER))) {
      sources.push({ name: `traces/${relative(join(input.siteDir, TRACES_FOLDER), path).split(sep).join('/')}`, path, level: 0 });
    }
    const tls = filesUnder(join(input.siteDir, 'tls'));
    if (kdf) {
      for (const path of tls) {
        const sealedPath = join(work, `tls-${sources.length}`);
        await writeFile(sealedPath, box.encrypt((await readFile(path)).toString('base64')), { mode: PRIVATE_FILE_MODE });
        sources.push({ name: `tls/${relative(join(input.siteDir, 'tls'), path)}${SEALED_SUFFIX}`, path: sealedPath, level: 0 });
      }
    } else if (tls.length) {
      leftOut.push('the server certificate and its key (tls/): the laptop that imports the site makes a new one');
    }

    const total = sources.reduce((n, s) => n + statSync(s.path).size, 0);
    const manifest: SiteManifest = {
      format: SITE_FORMAT,
      formatVersion: SITE_FORMAT_VERSION,
      siteName: input.siteName,
      exportedAt: new Date(input.now).toISOString(),
      appVersion: input.appVersion,
      secretsIncluded: kdf !== null,
      kdf,
      passphraseCheck: kdf ? box.encrypt(PASSPHRASE_CHECK).toString('base64') : null,
      leftOut,
      entries: [],
    };
    const size = await writeZip(part, sources, manifest, total, input);
    renameSync(part, input.out);
    return { size, leftOut, secretsIncluded: kdf !== null };
  } catch (error) {
    rmSync(part, { force: true });
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A consistent copy while the site may be open (SQLite's online backup over a second, read-only connection). */
async function snapshotDatabase(source: string, target: string): Promise<void> {
  if (!existsSync(source)) throw new SiteError(409, 'the site has no database yet (it was never opened)');
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
}

function resealSnapshot(file: string, from: SecretBox, to: SecretBox, keepSecrets: boolean): string[] {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    const leftOut = resealDatabase(db, { from, to, keepSecrets });
    // Pages freed by the reseal still hold the laptop-sealed values: they do not leave with the file.
    db.exec('VACUUM');
    return leftOut;
  } finally {
    db.close();
  }
}

function filesUnder(dir: string, keep: (relativePath: string) => boolean = () => true): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && keep(relative(dir, path))) found.push(path);
  }
  return found.sort();
}

async function writeZip(
  out: string,
  sources: readonly { name: string; path: string; level: number }[],
  manifest: SiteManifest,
  total: number,
  progress: Progress,
): Promise<number> {
  const fd = openSync(out, 'w', PRIVATE_FILE_MODE);
  let written = 0;
  let failed: Error | null = null;
  try {
    const zip = new Zip((error, chunk) => {
      if (error) failed = error;
      else {
        writeSync(fd, chunk);
        written += chunk.length;
      }
    });
    let done = 0;
    for (const source of sources) {
      const entry = new ZipDeflate(source.name, { level: source.level as 0 | 6 });
      zip.add(entry);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of createReadStream(source.path)) {
        if (progress.signal.aborted) throw new SiteError(409, 'the export was cancelled');
        const bytes = chunk as Buffer;
        hash.update(bytes);
        size += bytes.length;
        done += bytes.length;
        entry.push(bytes);
        if (failed) throw failed;
        progress.progress(done, total);
      }
      entry.push(new Uint8Array(0), true);
      manifest.entries.push({ name: source.name, size, sha256: hash.digest('hex') });
    }
    const last = new ZipDeflate(MANIFEST_ENTRY, { level: DATABASE_LEVEL });
    zip.add(last);
    last.push(Buffer.from(JSON.stringify(manifest, null, 2)), true);
    zip.end();
    if (failed) throw failed;
    return written;
  } finally {
    closeSync(fd);
  }
}

export interface ImportInput extends Progress {
  file: string;
  /** A folder that does not exist yet; filled with the site's data. The caller removes it on failure. */
  staging: string;
  passphrase?: string;
  laptopBox: SecretBox;
}

/**
 * Entries a site file may hold; anything else (absolute paths, backslashes, other names) is
 * refused, and so are `.`/`..` segments. Trace files keep the names the phone gave them.
 */
const ENTRY_NAME = /^(manifest\.json|fieldstage\.db|files\/[0-9a-f]{64}|traces(\/[^/\\\0]+)+|tls\/[A-Za-z0-9._-]+\.sealed)$/;

/** Unpacks, checks and reseals a site file into `staging`; throws a SiteError (400) naming the problem. */
export async function importSite(input: ImportInput): Promise<SiteManifest> {
  mkdirSync(input.staging, { recursive: false, mode: 0o700 });
  const found = await unpack(input);
  const manifest = checkManifest(found);
  let box: SecretBox = CLEAR_EXPORT_BOX;
  if (manifest.secretsIncluded) {
    if (!manifest.kdf || !manifest.passphraseCheck) throw damaged('its manifest names no key derivation');
    if (!input.passphrase) throw new SiteError(400, 'this site file holds secrets: give the passphrase it was exported with');
    box = await passphraseBox(input.passphrase, manifest.kdf);
    try {
      box.decrypt(Buffer.from(manifest.passphraseCheck, 'base64'));
    } catch {
      throw new SiteError(400, 'wrong passphrase: it is not the one this site was exported with');
    }
  }
  for (const entry of manifest.entries.filter((e) => e.name.startsWith('tls/'))) {
    const sealedPath = join(input.staging, ...entry.name.split('/'));
    const pem = Buffer.from(box.decrypt(await readFile(sealedPath)), 'base64');
    await writeFile(sealedPath.slice(0, -SEALED_SUFFIX.length), pem, { mode: PRIVATE_FILE_MODE });
    rmSync(sealedPath);
  }
  let db;
  try {
    // Migrated to this app's schema (an export of an older version), refused if newer.
    db = openDatabase(join(input.staging, DATABASE_ENTRY));
  } catch (error) {
    throw damaged(`its database cannot be opened (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).filter((r) => r.integrity_check !== 'ok');
    if (problems.length) throw damaged(`its database is damaged (${problems[0]?.integrity_check ?? ''})`);
    try {
      resealDatabase(db, { from: box, to: input.laptopBox, keepSecrets: true });
    } catch (error) {
      throw damaged(`a sealed value cannot be opened (${error instanceof Error ? error.message : String(error)})`);
    }
  } finally {
    db.close();
  }
  return manifest;
}

interface Unpacked {
  manifest: Buffer | null;
  /** Entry name → size and SHA-256 of what was written. */
  written: Map<string, { size: number; sha256: string }>;
}

async function unpack(input: ImportInput): Promise<Unpacked> {
  const found: Unpacked = { manifest: null, written: new Map() };
  const total = statSync(input.file).size;
  let failure: Error | null = null;
  let unpacked = 0;
  // Closed at the end whatever happened: a broken file leaves no descriptor open.
  const open = new Set<number>();
  const fail = (error: Error): void => {
    failure ??= error;
  };
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (!ENTRY_NAME.test(file.name) || file.name.split('/').some((part) => part === '..' || part === '.')) {
      fail(damaged(`it holds an unexpected entry "${file.name.slice(0, 200)}"`));
      return;
    }
    if (found.written.has(file.name) || (file.name === MANIFEST_ENTRY && found.manifest)) {
      fail(damaged(`it holds "${file.name}" twice`));
      return;
    }
    const isManifest = file.name === MANIFEST_ENTRY;
    const chunks: Buffer[] = [];
    let fd: number | null = null;
    if (!isManifest) {
      const path = join(input.staging, ...file.name.split('/'));
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
      open.add(fd);
    }
    const hash = createHash('sha256');
    let size = 0;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) return fail(damaged(`"${file.name}" cannot be unpacked (${error.message})`));
      size += data.length;
      unpacked += data.length;
      if (unpacked > MAX_SITE_UNPACKED_BYTES) return fail(damaged(`it unpacks to more than ${MAX_SITE_UNPACKED_BYTES} bytes`));
      if (isManifest) {
        if (size > MAX_MANIFEST_BYTES) return fail(damaged('its manifest is too large'));
        chunks.push(Buffer.from(data));
      } else if (fd !== null) {
        writeSync(fd, data);
        hash.update(data);
      }
      if (!final) return;
      if (fd !== null) {
        closeSync(fd);
        open.delete(fd);
      }
      if (isManifest) found.manifest = Buffer.concat(chunks);
      else found.written.set(file.name, { size, sha256: hash.digest('hex') });
    };
    try {
      file.start();
    } catch (error) {
      fail(damaged(`"${file.name}" cannot be unpacked (${error instanceof Error ? error.message : String(error)})`));
    }
  });
  unzip.register(UnzipInflate);
  let read = 0;
  try {
    for await (const chunk of createReadStream(input.file)) {
      if (input.signal.aborted) throw new SiteError(409, 'the import was cancelled');
      unzip.push(chunk as Buffer);
      read += (chunk as Buffer).length;
      if (failure) throw failure;
      input.progress(read, total);
    }
    unzip.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof SiteError) throw error;
    throw damaged(`it cannot be unpacked (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    for (const fd of open) closeSync(fd);
  }
  if (failure) throw failure;
  return found;
}

function checkManifest(found: Unpacked): SiteManifest {
  if (!found.manifest) throw damaged('it has no manifest (not a Fieldstage site file, or cut off)');
  let manifest: SiteManifest;
  try {
    manifest = JSON.parse(found.manifest.toString('utf8')) as SiteManifest;
  } catch {
    throw damaged('its manifest is not JSON');
  }
  if (manifest.format !== SITE_FORMAT) throw damaged('it is not a Fieldstage site file');
  if (manifest.formatVersion !== SITE_FORMAT_VERSION) {
    throw new SiteError(
      400,
      `this site file has format version ${String(manifest.formatVersion)}; this app reads version ${SITE_FORMAT_VERSION}`,
    );
  }
  if (!Array.isArray(manifest.entries) || typeof manifest.siteName !== 'string' || !Array.isArray(manifest.leftOut)) {
    throw damaged('its manifest is incomplete');
  }
  if (!manifest.entries.some((e) => e.name === DATABASE_ENTRY)) throw damaged('it holds no database');
  for (const entry of manifest.entries) {
    const got = found.written.get(entry.name);
    if (!got) throw damaged(`"${entry.name}" is missing`);
    if (got.size !== entry.size || got.sha256 !== entry.sha256) throw damaged(`"${entry.name}" is not what was exported`);
  }
  if (found.written.size !== manifest.entries.length) throw damaged('it holds entries its manifest does not list');
  return manifest;
}

function damaged(what: string): SiteError {
  return new SiteError(400, `the site file cannot be imported: ${what}; nothing was created`);
}
