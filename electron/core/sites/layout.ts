import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../app/private-files.js';
import { TRACES_FOLDER } from '../traces/downloads.js';
import { SiteRegistry, type SiteRecord } from './registry.js';

/**
 * Where a site's data lives: `<root>/sites/<id>/` holds its fieldstage.db, files/, traces/ and
 * tls/. Settings and the secret key stay in `<root>` for the whole laptop.
 */
export const SITES_FOLDER = 'sites';
/** What a data folder from before sites held directly in its root, and a site folder holds now. */
export const SITE_DATA_ENTRIES = ['fieldstage.db', 'fieldstage.db-wal', 'fieldstage.db-shm', 'files', TRACES_FOLDER, 'tls'] as const;
/** The site an install from before sites becomes. */
export const UPGRADED_SITE = { id: 'site-1', name: 'Site 1' } as const;
/** The site a fresh install starts with. */
export const FIRST_SITE_NAME = 'Site 1';

export function siteDir(root: string, id: string): string {
  return join(root, SITES_FOLDER, id);
}

export function siteDatabase(root: string, id: string): string {
  return join(siteDir(root, id), 'fieldstage.db');
}

/**
 * The registry, made on the first start with sites. A root from before sites has its data moved
 * (renamed, on the same disk: nothing copied, nothing lost) into the first site; an interrupted
 * move is finished at the next start, since the registry is written only after it.
 */
export function loadOrUpgrade(root: string, now: number, newId: () => string): SiteRegistry {
  ensurePrivateDir(root);
  ensurePrivateDir(join(root, SITES_FOLDER));
  const existing = SiteRegistry.load(root);
  if (existing) return existing;
  const legacy = SITE_DATA_ENTRIES.filter((entry) => existsSync(join(root, entry)));
  const upgrading = legacy.length > 0 || existsSync(siteDir(root, UPGRADED_SITE.id));
  const first: SiteRecord = {
    id: upgrading ? UPGRADED_SITE.id : newId(),
    name: upgrading ? UPGRADED_SITE.name : FIRST_SITE_NAME,
    createdAt: now,
    archivedAt: null,
    lastOpenedAt: null,
  };
  const dir = siteDir(root, first.id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const entry of legacy) {
    // A half-finished earlier move may have taken this entry already.
    if (!existsSync(join(dir, entry))) renameSync(join(root, entry), join(dir, entry));
  }
  const registry = SiteRegistry.create(root, [first]);
  registry.setOpen(first.id, now);
  return registry;
}
