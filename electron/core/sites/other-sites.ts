import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { siteDatabase } from './layout.js';
import type { SiteRecord } from './registry.js';

/**
 * Whether an archived site still claims its phones. Yes: an archived site is a finished
 * installation, and a phone must not be re-provisioned by another site's adopt-all by accident;
 * to move a phone, forget it in its old site (restore, forget, archive again).
 */
export const ARCHIVED_SITES_CLAIM_PHONES = true;

/**
 * MAC → id of the site that knows the phone, for every site but the open one. Read when a site
 * opens (only one core runs, so the other databases are at rest); a phone known to several other
 * sites names the first of them.
 */
export function phonesOfOtherSites(
  root: string,
  sites: readonly SiteRecord[],
  openId: string,
  warn: (message: string) => void,
): Map<string, string> {
  const owners = new Map<string, string>();
  for (const site of sites) {
    if (site.id === openId || (site.archivedAt !== null && !ARCHIVED_SITES_CLAIM_PHONES)) continue;
    const file = siteDatabase(root, site.id);
    if (!existsSync(file)) continue;
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        for (const { mac } of db.prepare('SELECT mac FROM phones').all() as { mac: string }[]) {
          if (!owners.has(mac)) owners.set(mac, site.id);
        }
      } finally {
        db.close();
      }
    } catch (error) {
      // A damaged other site must not keep this one from opening; its phones are then not recognised.
      warn(`the phones of site ${site.name} could not be read (${String(error)}): this site may take them as unknown`);
    }
  }
  return owners;
}
