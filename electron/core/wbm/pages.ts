/**
 * What Fieldstage reads in the phone's web pages (WBM). Real pages were not recorded yet
 * (diagnostics spec §1.9, research-notes §1.2–1.3): everything here is matched loosely, by link
 * text rather than by page names, and each pattern is a named constant to correct after a lab
 * phone's pages are saved.
 */

/** The V3 (and later) login form (spec §1.9). */
export const WBM_LOGIN_V3 = { page: 'WEBMp_Admin_Login', passwordField: 'AdminPassword' } as const;
/** The older V2 login form (spec §1.9; some V2 builds take `AdminPassword` too). */
export const WBM_LOGIN_V2 = { page: 'WEBMp_AdminLogin', passwordField: 'WEBMv-Admin-Password' } as const;
export const WBM_LOGIN_PATH = '/page.cmd';
/** Logout as one tool does it (spec §1.9), with the English UI. */
export const WBM_LOGOUT_PATH = '/page.cmd?user=none&lang=en';
/** The admin start page; `lang=en` keeps link texts stable (research-notes §1.3). */
export const WBM_ADMIN_START_PATH = '/page.cmd?lang=en';
/** Unauthenticated; `td.part_4` holds the model (research-notes §1.2). */
export const WBM_BANNER_PATH = '/main_banner.cmd';
export const WBM_SESSION_COOKIE = 'webm';
/** The cookie value that means "not logged in" (spec §1.9). */
export const WBM_ANONYMOUS_SESSION = '0000|0000';
export const WBM_AUTH_FAILED_TEXT = /Authentication failed/i;
export const WBM_SUSPENDED_TEXT = /Password is suspended/i;
/** The admin-menu link to the fault-trace page ("Fault trace configuration"). */
export const FAULT_TRACE_LINK_TEXT = /fault\s*trace/i;
/** Links on the fault-trace page whose text starts so are the trace files (spec §1.2). */
export const DOWNLOAD_LINK_TEXT = /^\s*Download\b/i;
/** The factory admin password (spec §1.9); tried only when the technician allows it. */
export const FACTORY_DEFAULT_ADMIN_PASSWORD = '123456';

export interface PageLink {
  href: string;
  text: string;
}

/** `<a href>` links with their visible text (tags inside removed, entities decoded). */
export function pageLinks(html: string): PageLink[] {
  const links: PageLink[] = [];
  for (const match of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const href = attribute(match[1] ?? '', 'href');
    if (href) links.push({ href, text: textOf(match[2] ?? '') });
  }
  return links;
}

/** Frames and iframes: the admin menu of the WBM sits in one. */
export function frameSources(html: string): string[] {
  const sources: string[] = [];
  for (const match of html.matchAll(/<i?frame\b([^>]*)>/gi)) {
    const src = attribute(match[1] ?? '', 'src');
    if (src) sources.push(src);
  }
  return sources;
}

/** The model string from `/main_banner.cmd` (`td.part_4`), or null. */
export function bannerModel(html: string): string | null {
  const match = /<td\b[^>]*class\s*=\s*["']?[^"'>]*\bpart_4\b[^>]*>([\s\S]*?)<\/td\s*>/i.exec(html);
  const model = match ? textOf(match[1] ?? '') : '';
  return model === '' ? null : model;
}

function attribute(attributes: string, name: string): string | null {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attributes);
  const value = match ? (match[1] ?? match[2] ?? match[3] ?? '') : '';
  return value === '' ? null : decodeEntities(value);
}

function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n < 0x110000 ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}
