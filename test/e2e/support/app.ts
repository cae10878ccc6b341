import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import type { ApiMethod, ApiReq, ApiRes } from '../../../shared/api.js';

export const SCREENSHOT_DIR = 'reports/screenshots';

export interface RunningApp {
  url: string;
  origin: string;
  token: string;
  phonePort: number;
  dataDir: string;
  call<M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>>;
  stop(): Promise<void>;
}

/** Starts `electron/serve.ts` (browser mode) on loopback with a fresh data folder. */
export async function startApp(): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstage-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/serve.ts'], {
    env: {
      ...process.env,
      FIELDSTAGE_DATA: dataDir,
      FIELDSTAGE_PHONE_PORT: '0',
      FIELDSTAGE_FILE_PORT: '0',
      FIELDSTAGE_SECURE_PORT: '0',
      FIELDSTAGE_BIND: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await readyUrl(child);
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const origin = parsed.origin;
  const call = async <M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(req),
    });
    if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`);
    return (await res.json()) as ApiRes<M>;
  };
  const info = await call('app.info', {});
  return {
    url,
    origin,
    token,
    phonePort: info.phonePort,
    dataDir,
    call,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`backend did not become ready:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /READY (\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code}:\n${output}`));
    });
  });
}

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** Console messages of every opened page that report a Content-Security-Policy violation. */
export const cspViolations: string[] = [];
const CSP_MESSAGE = /Content Security Policy|Refused to (load|execute|apply|connect|frame|send)/i;

export async function openApp(browser: Browser, app: RunningApp, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => {
    if (CSP_MESSAGE.test(message.text())) cspViolations.push(`${message.type()}: ${message.text()}`);
  });
  await page.goto(app.url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
