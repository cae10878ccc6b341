import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds the phones' inventory, sealed secrets, the TLS key and the settings:
 * readable by the technician's account only. Modes are tightened at every start as well, since
 * a folder created by an older version (0755, files 0644) or copied around keeps its old modes.
 * Only Fieldstage's own files are touched: in Electron the folder is also Chromium's profile.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Windows has no POSIX modes (stat reports 0o666 whatever the ACL says); the profile ACL protects it there. */
const POSIX = process.platform !== 'win32';

/** Creates the folder (0700) if needed and tightens it if it exists with looser modes. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates an empty file (0600) if it does not exist yet, so that whoever fills it later (SQLite,
 * which gives its -wal and -shm files the mode of the database file) never makes it 0644.
 */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}

/** Tightens these files and folders (a folder with the files directly in it) where they exist. */
export function tightenPrivate(paths: readonly string[]): void {
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) {
      tighten(path, PRIVATE_FILE_MODE);
      continue;
    }
    tighten(path, PRIVATE_DIR_MODE);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isFile()) tighten(join(path, entry.name), PRIVATE_FILE_MODE);
    }
  }
}

function tighten(path: string, mode: number): void {
  if (POSIX && (statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
}
