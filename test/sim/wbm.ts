/**
 * A simulated phone's web interface (WBM): HTTPS on the phone's own loopback address and a
 * configurable port, with login (V3 or V2 form), the `webm` cookie, wrong-password suspension,
 * the admin menu, the fault-trace page and trace files that follow the phone's trace levels
 * and grow while tracing is on. Pages come from ./wbm-pages.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  adminFrameset,
  adminMenu,
  adminStart,
  authFailedPage,
  bannerPage,
  faultTracePage,
  loginPage,
  SIM_TRACE_FILES,
  SIM_WBM_PAGES,
  suspendedPage,
  type SimTraceFileKind,
} from './wbm-pages.js';

/** Wrong logins before the phone suspends its admin password (the real number is unknown). */
export const SIM_WBM_SUSPEND_AFTER = 3;
/** Lines a raised component adds to the trace file per fetch while tracing is on. */
const LINES_PER_FETCH = 20;

export type SimWbmFault = 'none' | 'no-fault-trace-link' | 'no-download-links' | 'slow-file' | 'huge-file';

export interface SimWbmOptions {
  ip: string;
  /** 0: any free port. */
  port: number;
  tls: { key: string; cert: string };
  mac: string;
  model: string;
  /** Firmware major version: below 3 the login form is the V2 one. */
  firmwareMajor: number;
  /** The phone's current trace levels (index = component). */
  levels: () => string[];
  password?: string;
  fault?: SimWbmFault;
}

export class SimWbm {
  readonly served = new Map<SimTraceFileKind, Buffer>();
  logins = 0;
  logouts = 0;
  wrongTries = 0;
  fault: SimWbmFault;
  password: string;
  readonly #options: SimWbmOptions;
  readonly #sessions = new Set<string>();
  readonly #trace: string[] = [];
  #server: Server | null = null;
  #tls: { key: string; cert: string };

  constructor(options: SimWbmOptions) {
    this.#options = options;
    this.#tls = options.tls;
    this.fault = options.fault ?? 'none';
    this.password = options.password ?? '123456';
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(port = this.#options.port): Promise<void> {
    const server = createServer({ key: this.#tls.key, cert: this.#tls.cert }, (req, res) => this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#options.ip, () => resolve());
    });
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A new web certificate (as after a factory reset): the server restarts on the same port. */
  async replaceCertificate(tls: { key: string; cert: string }): Promise<void> {
    const port = this.port;
    await this.stop();
    this.#tls = tls;
    await this.start(port);
  }

  get v2(): boolean {
    return this.#options.firmwareMajor < 3;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://phone');
    if (url.pathname === '/main_banner.cmd') return html(res, bannerPage(this.#options.model));
    if (req.method === 'POST' && url.pathname === '/page.cmd') {
      readForm(req, (form) => this.#login(form, res));
      return;
    }
    const session = cookieOf(req);
    if (url.searchParams.get('user') === 'none') {
      if (session && this.#sessions.delete(session)) this.logouts += 1;
      return html(res, loginPage(this.v2), ['webm=0000|0000; path=/']);
    }
    if (!session || !this.#sessions.has(session)) return html(res, loginPage(this.v2));
    const path = url.pathname + url.search;
    if (path === '/page.cmd?lang=en') return html(res, adminFrameset());
    if (path === SIM_WBM_PAGES.menu) return html(res, adminMenu(this.fault !== 'no-fault-trace-link'));
    if (path === SIM_WBM_PAGES.start) return html(res, adminStart());
    if (path === SIM_WBM_PAGES.faultTrace) {
      const files = this.fault === 'no-download-links' ? [] : SIM_TRACE_FILES;
      return html(res, faultTracePage(this.#options.levels(), files));
    }
    const file = SIM_TRACE_FILES.find((f) => f.href === path);
    if (file) return this.#sendFile(file.kind, res);
    res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not found</body></html>');
  }

  #login(form: URLSearchParams, res: ServerResponse): void {
    const [page, field] = this.v2 ? ['WEBMp_AdminLogin', 'WEBMv-Admin-Password'] : ['WEBMp_Admin_Login', 'AdminPassword'];
    // The other firmware generation's form is not understood: the login page comes back.
    if (form.get('page_submit') !== page || !form.has(field)) return html(res, loginPage(this.v2));
    if (this.wrongTries >= SIM_WBM_SUSPEND_AFTER) return html(res, suspendedPage(this.v2), ['webm=0000|0000; path=/']);
    if (form.get(field) !== this.password) {
      this.wrongTries += 1;
      return html(res, this.wrongTries >= SIM_WBM_SUSPEND_AFTER ? suspendedPage(this.v2) : authFailedPage(this.v2), [
        'webm=0000|0000; path=/',
      ]);
    }
    this.wrongTries = 0;
    this.logins += 1;
    const session = `${randomBytes(8).toString('hex')}|${randomBytes(8).toString('hex')}`;
    this.#sessions.add(session);
    html(res, adminFrameset(), [`webm=${session}; path=/`]);
  }

  #sendFile(kind: SimTraceFileKind, res: ServerResponse): void {
    if (this.fault === 'slow-file') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const dribble = setInterval(() => res.write('.'), 100);
      res.once('close', () => clearInterval(dribble));
      return;
    }
    if (this.fault === 'huge-file') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.once('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
    const content = Buffer.from(this.#content(kind), 'utf8');
    this.served.set(kind, content);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': content.length,
      'Content-Disposition': `attachment; filename="${kind}.txt"`,
    });
    res.end(content);
  }

  /** The trace file grows with every fetch by lines for each raised component. */
  #content(kind: SimTraceFileKind): string {
    const { mac, model } = this.#options;
    if (kind === 'boot') return `boot log of ${model} ${mac}\nkernel up\nservices started\n`;
    if (kind === 'syslog') return `syslog of ${mac}\nSvcConfig: configuration loaded\n`;
    const levels = this.#options.levels();
    for (const [index, value] of levels.entries()) {
      if (value === '0') continue;
      for (let n = 0; n < LINES_PER_FETCH; n += 1)
        this.#trace.push(`component ${index} level ${value}: trace line ${this.#trace.length + 1}`);
    }
    return [`trace of ${model} ${mac}`, ...this.#trace, ''].join('\n');
  }
}

function html(res: ServerResponse, body: string, cookies: string[] = []): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=iso-8859-1', ...(cookies.length ? { 'Set-Cookie': cookies } : {}) });
  res.end(body);
}

function cookieOf(req: IncomingMessage): string | null {
  const match = /(?:^|;\s*)webm=([^;]*)/.exec(req.headers.cookie ?? '');
  return match?.[1] ?? null;
}

function readForm(req: IncomingMessage, then: (form: URLSearchParams) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 64 * 1024) chunks.push(chunk);
  });
  req.on('end', () => then(new URLSearchParams(Buffer.concat(chunks).toString('latin1'))));
}
