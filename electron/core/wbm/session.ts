import type { Egress } from '../egress/egress.js';
import { WbmFailure } from './failure.js';
import { wbmRequest, type WbmResponse } from './http.js';
import {
  DOWNLOAD_LINK_TEXT,
  FAULT_TRACE_LINK_TEXT,
  frameSources,
  pageLinks,
  WBM_ADMIN_START_PATH,
  WBM_ANONYMOUS_SESSION,
  WBM_AUTH_FAILED_TEXT,
  WBM_LOGIN_PATH,
  WBM_LOGIN_V2,
  WBM_LOGIN_V3,
  WBM_LOGOUT_PATH,
  WBM_SESSION_COOKIE,
  WBM_SUSPENDED_TEXT,
} from './pages.js';

/** Bounds of one download session (named so they can be listed and tuned). */
export interface WbmLimits {
  pageTimeoutMs: number;
  pageMaxBytes: number;
  /** Per trace file: the phone keeps at most a few MB (spec §1.2), so these are generous. */
  fileTimeoutMs: number;
  fileMaxBytes: number;
  /** Pages (and frames) searched for the fault-trace link. */
  maxMenuPages: number;
}

export const DEFAULT_WBM_LIMITS: WbmLimits = {
  pageTimeoutMs: 20_000,
  pageMaxBytes: 2 * 1024 * 1024,
  fileTimeoutMs: 5 * 60_000,
  fileMaxBytes: 64 * 1024 * 1024,
  maxMenuPages: 12,
};

export type LoginForm = 'v3' | 'v2';

export interface TraceDownloadRequest {
  host: string;
  port: number;
  /** Admin passwords to try, in order (the phone's or the site's, then the factory default if allowed). */
  passwords: readonly string[];
  /** The form to try first (V2 firmware: v2); the other one only if the first is not understood. */
  form: LoginForm;
  /** The certificate fingerprint seen before (TOFU); null on first use. */
  pinnedFingerprint: string | null;
  limits: WbmLimits;
  /** The fingerprint when none was pinned: trusted from now on (TOFU), whatever the session's outcome. */
  onFirstCertificate?: (fingerprint: string) => void;
  signal?: AbortSignal;
  onProgress?: (progress: { file: string; fileIndex: number; files: number; bytes: number; total: number | null }) => void;
}

export interface DownloadedTrace {
  /** A file name for the disk: the server's, else one made from the link text. */
  name: string;
  linkText: string;
  path: string;
  content: Buffer;
}

export interface TraceDownloadResult {
  files: DownloadedTrace[];
  /** The phone's certificate fingerprint as seen in this session (to pin on first use). */
  fingerprint: string | null;
  /** Links skipped (another host): worth a warning, not a failure. */
  skipped: string[];
}

/**
 * Logs into a phone's web interface, finds the fault-trace page by its link text, fetches every
 * "Download …" link as binary and logs out (diagnostics spec §1.9, research-notes §1.3). Throws
 * WbmFailure with a plain-words reason for every way this can end early.
 */
export async function downloadTraces(egress: Egress, request: TraceDownloadRequest): Promise<TraceDownloadResult> {
  const session = new WbmSession(egress, request);
  await session.login();
  try {
    const page = await session.faultTracePage();
    const links = pageLinks(page.body.toString('latin1')).filter((l) => DOWNLOAD_LINK_TEXT.test(l.text));
    const own = links.filter((l) => session.sameOrigin(new URL(l.href, page.url)));
    if (own.length === 0) {
      throw new WbmFailure(
        'no-files',
        'the fault trace page offers no "Download …" links: the phone has no trace files yet, or its page looks different',
      );
    }
    const files: DownloadedTrace[] = [];
    const names = new Set<string>();
    for (const [i, link] of own.entries()) {
      const url = new URL(link.href, page.url);
      const response = await session.get(url, `"${link.text}"`, 'file', (bytes, total) =>
        request.onProgress?.({ file: link.text, fileIndex: i, files: own.length, bytes, total }),
      );
      if (response.status !== 200) throw new WbmFailure('http-status', `the phone answered ${response.status} for "${link.text}"`);
      files.push({
        name: uniqueName(fileName(response, link.text), names),
        linkText: link.text,
        path: url.pathname + url.search,
        content: response.body,
      });
    }
    return { files, fingerprint: session.fingerprint, skipped: links.filter((l) => !own.includes(l)).map((l) => l.href) };
  } finally {
    await session.logout();
  }
}

class WbmSession {
  fingerprint: string | null = null;
  readonly #origin: URL;
  #cookie: string | null = null;
  #afterLogin: { url: URL; body: Buffer } | null = null;

  constructor(
    private readonly egress: Egress,
    private readonly request: TraceDownloadRequest,
  ) {
    this.#origin = new URL(`https://${request.host.includes(':') ? `[${request.host}]` : request.host}:${request.port}/`);
  }

  sameOrigin(url: URL): boolean {
    return url.origin === this.#origin.origin;
  }

  async login(): Promise<void> {
    const { passwords } = this.request;
    if (passwords.length === 0) {
      throw new WbmFailure(
        'no-password',
        'no admin password for this phone: set the site password in Settings, or allow the factory default',
      );
    }
    const forms: LoginForm[] = this.request.form === 'v2' ? ['v2', 'v3'] : ['v3', 'v2'];
    let refused = 0;
    for (const password of passwords) {
      let understood = false;
      for (const form of forms) {
        const outcome = await this.#tryLogin(form, password);
        if (outcome === 'in') return;
        if (outcome === 'refused') {
          understood = true;
          refused += 1;
          break;
        }
      }
      if (!understood)
        throw new WbmFailure(
          'layout',
          "the phone's answer to the login is not understood (no session, no failure text): unknown page layout",
        );
    }
    throw new WbmFailure(
      'wrong-password',
      `the phone refused the admin password (Authentication failed${refused > 1 ? `, ${refused} passwords tried` : ''})`,
    );
  }

  async #tryLogin(form: LoginForm, password: string): Promise<'in' | 'refused' | 'not-understood'> {
    const fields = form === 'v3' ? WBM_LOGIN_V3 : WBM_LOGIN_V2;
    const url = new URL(WBM_LOGIN_PATH, this.#origin);
    const body = new URLSearchParams({ page_submit: fields.page, [fields.passwordField]: password, lang: 'en' }).toString();
    const response = await this.#send(url, 'the login', 'page', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const text = response.body.toString('latin1');
    if (WBM_SUSPENDED_TEXT.test(text)) {
      throw new WbmFailure(
        'suspended',
        "the phone's admin password is suspended after too many wrong tries: wait until the phone lifts it, then try again",
      );
    }
    if (WBM_AUTH_FAILED_TEXT.test(text)) return 'refused';
    const cookie = sessionCookie(response);
    if (cookie && cookie !== WBM_ANONYMOUS_SESSION) {
      this.#cookie = cookie;
      this.#afterLogin = { url, body: response.body };
      return 'in';
    }
    return 'not-understood';
  }

  /** The fault-trace page, found by its link text in the pages (and frames) after the login. */
  async faultTracePage(): Promise<{ url: URL; body: Buffer }> {
    const queue: { url: URL; body?: Buffer }[] = [];
    if (this.#afterLogin) queue.push(this.#afterLogin);
    queue.push({ url: new URL(WBM_ADMIN_START_PATH, this.#origin) });
    const seen = new Set<string>();
    let searched = 0;
    while (queue.length > 0 && searched < this.request.limits.maxMenuPages) {
      const next = queue.shift() as { url: URL; body?: Buffer };
      const key = next.body ? `posted:${next.url.href}` : next.url.href;
      if (seen.has(key)) continue;
      seen.add(key);
      searched += 1;
      const body = next.body ?? (await this.get(next.url, 'a menu page', 'page')).body;
      const html = body.toString('latin1');
      const link = pageLinks(html).find((l) => FAULT_TRACE_LINK_TEXT.test(l.text));
      if (link) {
        const url = new URL(link.href, next.url);
        if (!this.sameOrigin(url)) throw new WbmFailure('layout', 'the fault trace link points to another host: not followed');
        const page = await this.get(url, 'the fault trace page', 'page');
        if (page.status !== 200) throw new WbmFailure('http-status', `the phone answered ${page.status} for the fault trace page`);
        return { url, body: page.body };
      }
      // Only frames are followed: a menu link may change the phone (restart) or log out.
      for (const src of frameSources(html)) {
        const url = new URL(src, next.url);
        if (this.sameOrigin(url)) queue.push({ url });
      }
    }
    throw new WbmFailure('layout', 'unknown page layout: no "Fault trace" link in the admin menu');
  }

  get(url: URL, what: string, kind: 'page' | 'file', onProgress?: (bytes: number, total: number | null) => void): Promise<WbmResponse> {
    return this.#send(url, what, kind, { method: 'GET', ...(onProgress ? { onProgress } : {}) });
  }

  async logout(): Promise<void> {
    if (!this.#cookie) return;
    // Best effort: the phone ends idle sessions on its own as well.
    await this.get(new URL(WBM_LOGOUT_PATH, this.#origin), 'the logout', 'page').catch(() => undefined);
    this.#cookie = null;
  }

  #send(
    url: URL,
    what: string,
    kind: 'page' | 'file',
    options: {
      method: 'GET' | 'POST';
      body?: string;
      headers?: Record<string, string>;
      onProgress?: (bytes: number, total: number | null) => void;
    },
  ): Promise<WbmResponse> {
    const { limits } = this.request;
    return wbmRequest(this.egress, {
      url,
      method: options.method,
      headers: { ...options.headers, ...(this.#cookie ? { Cookie: `${WBM_SESSION_COOKIE}=${this.#cookie}` } : {}) },
      ...(options.body === undefined ? {} : { body: options.body }),
      timeoutMs: kind === 'file' ? limits.fileTimeoutMs : limits.pageTimeoutMs,
      maxBytes: kind === 'file' ? limits.fileMaxBytes : limits.pageMaxBytes,
      what,
      checkCertificate: (fingerprint) => this.#checkCertificate(fingerprint),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(this.request.signal ? { signal: this.request.signal } : {}),
    });
  }

  #checkCertificate(fingerprint: string): void {
    const pinned = this.request.pinnedFingerprint ?? this.fingerprint;
    if (pinned !== null && pinned !== fingerprint) {
      throw new WbmFailure(
        'certificate-changed',
        `the phone's web certificate changed (was ${pinned}, now ${fingerprint}): someone may be in between. If the phone was reset or got a new certificate, trust the new one and download again`,
      );
    }
    if (pinned === null) this.request.onFirstCertificate?.(fingerprint);
    this.fingerprint = fingerprint;
  }
}

function sessionCookie(response: WbmResponse): string | null {
  for (const header of response.headers['set-cookie'] ?? []) {
    const match = new RegExp(`^\\s*${WBM_SESSION_COOKIE}=([^;]*)`).exec(header);
    if (match) return match[1] ?? null;
  }
  return null;
}

/** The server's file name if it sends one, else one made from the link text ("Download trace file" → trace-file.txt). */
function fileName(response: WbmResponse, linkText: string): string {
  const disposition = response.headers['content-disposition'] ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const fromLink = `${
    linkText
      .replace(DOWNLOAD_LINK_TEXT, '')
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'trace'
  }.txt`;
  return safeName(named ? decoded(named) : fromLink);
}

/** No paths, no hidden files, nothing a file system refuses. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 120);
  return clean === '' ? 'trace.txt' : clean;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n += 1) candidate = name.replace(/(\.[^.]*)?$/, `-${n}$1`);
  taken.add(candidate);
  return candidate;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
