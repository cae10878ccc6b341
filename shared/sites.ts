/** Sites (issue 11): a customer's installation, each with its own data folder. What both processes see. */

export interface SiteView {
  id: string;
  name: string;
  createdAt: number;
  /** When it was archived; null while active. Archived sites are kept, not opened, and can be restored. */
  archivedAt: number | null;
  lastOpenedAt: number | null;
  /** The site whose core is running now. */
  open: boolean;
}

export interface SitesListView {
  sites: SiteView[];
  openId: string;
}

/** What an export wrote, and what it left out (secrets without a passphrase). */
export interface SiteExportView {
  name: string;
  size: number;
  secretsIncluded: boolean;
  /** Plain-words list of what is not in the file (empty with a passphrase). */
  leftOut: string[];
  /** Browser mode: GET it with the API token (kept for a few minutes). */
  url: string | null;
  /** Where the file is on this laptop (Electron: the chosen place; browser mode: the exports folder). */
  savedTo: string | null;
  /** Electron: the save dialog was closed without saving. */
  cancelled: boolean;
}

export interface SiteImportView {
  /** null when the Electron open dialog was closed without choosing a file. */
  site: SiteView | null;
  /** What the exporting laptop left out (secrets exported without a passphrase). */
  leftOut: string[];
}

/** Progress of a long site operation (site.progress events). */
export interface SiteProgress {
  operation: 'export' | 'import';
  doneBytes: number;
  totalBytes: number;
}

/** File name ending of an exported site. */
export const SITE_FILE_EXTENSION = '.fieldstage-site';
/** Shortest passphrase that protects an export's secrets. */
export const MIN_SITE_PASSPHRASE_CHARS = 8;
