/**
 * Renderer benchmark, driven from its own process: a real core (throwaway data folder, 1,000 phones
 * stored directly) behind the real browser-mode UI server (startUiApi: token, static dist/renderer,
 * /api/*, SSE), and Debian's Chromium, headless, driven by playwright-core. All timings are taken
 * inside the page with performance.now() (origin = navigation start).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startUiApi } from '../electron/core/ui-api/server.js';
import type { PhoneSummary } from '../shared/model.js';
import { PHONES_PAGE_MAX } from '../shared/api.js';
import { CHROMIUM_PATH, launchChromium } from '../test/support/chromium.js';
import { startBenchCore } from './lib/bench-core.js';
import { serveParent } from './lib/ipc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_RENDERER_DIR = join(ROOT, 'dist', 'renderer');
const ROW = '[data-testid^="phone-row-"]';
const SEARCH = 'input[data-testid="phones-search"]';
const MODELS = ['OpenStage 60', 'OpenStage 40', 'OpenStage 80', 'OpenScape Desk Phone IP 55G'];
const VERSIONS = ['V3 R1.41.1', 'V3 R5.12.0', 'V3 R3.32.0'];

declare global {
  interface Window {
    __firstRowAt?: number;
    __filterDone?: Promise<{ dom: number; frame: number } | { timeout: true }>;
    __switchDone?: Promise<{ dom: number; frame: number } | { timeout: true }>;
  }
}

function mac(i: number): string {
  const hex = (0x200000 + i).toString(16).toUpperCase().padStart(6, '0');
  return `00:1A:E8:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** Same rule as the renderer's phoneMatches (renderer/src/features/phones/phoneColumns.tsx). */
function matches(phone: PhoneSummary, needle: string): boolean {
  if (needle === '') return true;
  return [phone.mac, phone.model, phone.e164, phone.displayName, phone.ip, phone.softwareVersion, phone.adoption].some((v) =>
    v?.toLowerCase().includes(needle),
  );
}

/** Resolves once no event was published for `quietMs` (or after `maxMs`). */
function quiet(events: { subscribe(listener: () => void): () => void }, quietMs: number, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(done, quietMs);
    const cap = setTimeout(done, maxMs);
    const unsubscribe = events.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    function done(): void {
      clearTimeout(timer);
      clearTimeout(cap);
      unsubscribe();
      resolve();
    }
  });
}

async function measureLoad(browser: Browser, url: string, cpuProfile?: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild keepNames) wraps named functions in __name(); functions handed to the page need it too.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid^="phone-row-"]')) {
        window.__firstRowAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  const cdp = cpuProfile ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector(ROW, { timeout: 30_000 });
  if (cdp && cpuProfile) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(cpuProfile, JSON.stringify(profile));
  }
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const list = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/phones.list')) as
      PerformanceResourceTiming | undefined;
    return {
      firstRowAt: window.__firstRowAt ?? NaN,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
      listRequestStart: list?.startTime ?? NaN,
      listResponseEnd: list?.responseEnd ?? NaN,
      listBytes: list?.encodedBodySize ?? NaN,
      rows: document.querySelectorAll('[data-testid^="phone-row-"]').length,
    };
  });
  return { page, context, timing };
}

/**
 * The table alone: from the Settings screen back to Phones, with the 1,000 phones already in the
 * store. Click on the nav link → first phone row in the DOM, and the next frame.
 */
async function measureScreenSwitch(page: Page) {
  await page.click('[data-testid="nav-settings"]');
  await page.waitForSelector(ROW, { state: 'detached', timeout: 10_000 });
  await page.evaluate(() => {
    window.__switchDone = new Promise((resolve) => {
      const link = document.querySelector('[data-testid="nav-phones"]');
      let t0 = NaN;
      link?.addEventListener('click', () => (t0 = performance.now()), { once: true, capture: true });
      const observer = new MutationObserver(() => {
        if (Number.isNaN(t0) || !document.querySelector('[data-testid^="phone-row-"]')) return;
        const dom = performance.now() - t0;
        observer.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => setTimeout(() => resolve({ dom, frame: performance.now() - t0 }), 0));
      });
      observer.observe(document.body, { childList: true, subtree: true });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve({ timeout: true });
      }, 10_000);
    });
  });
  await page.click('[data-testid="nav-phones"]');
  const result = await page.evaluate(() => window.__switchDone);
  if (!result || 'timeout' in result) throw new Error('the phones table did not come back after switching screens');
  return result;
}

async function measureFilter(page: Page, needle: string, expected: string[], cap: number) {
  await page.evaluate(
    ({ want, cap }) => {
      window.__filterDone = new Promise((resolve) => {
        const input = document.querySelector('input[data-testid="phones-search"]');
        const wanted = new Set(want);
        let t0 = NaN;
        input?.addEventListener('input', () => (t0 = performance.now()), { once: true, capture: true });
        const check = (): void => {
          if (Number.isNaN(t0)) return;
          const rows = Array.from(document.querySelectorAll('[data-testid^="phone-row-"]'), (r) =>
            (r.getAttribute('data-testid') ?? '').slice(10),
          );
          if (rows.length !== Math.min(wanted.size, cap) || !rows.every((m) => wanted.has(m))) return;
          const dom = performance.now() - t0;
          observer.disconnect();
          clearTimeout(timer);
          // The next frame: what the technician sees.
          requestAnimationFrame(() => setTimeout(() => resolve({ dom, frame: performance.now() - t0 }), 0));
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-testid'] });
        const timer = setTimeout(() => {
          observer.disconnect();
          resolve({ timeout: true });
        }, 10_000);
      });
    },
    { want: expected, cap },
  );
  await page.fill(SEARCH, needle);
  const result = await page.evaluate(() => window.__filterDone);
  if (!result || 'timeout' in result) throw new Error(`filter "${needle}" never showed the expected ${expected.length} row(s)`);
  return result;
}

interface UiRunOptions {
  phones: number;
  loads: number;
  /** Another build of the renderer (e.g. unminified, for profiling). */
  rendererDir?: string;
  /** Write a CPU profile of the first page load here. */
  cpuProfile?: string;
}

async function run({ phones: count, loads, rendererDir: dir, cpuProfile }: UiRunOptions) {
  const RENDERER_DIR = dir ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) return { skipped: `dist/renderer is missing (build it with npm run build:renderer)` };
  if (!existsSync(CHROMIUM_PATH)) return { skipped: `${CHROMIUM_PATH} is missing (apt-get install -y chromium)` };
  const bench = await startBenchCore('ui', {
    // The stored phones have made-up addresses: never send them anything, and do not let the
    // reacher push events into the page while it is being measured.
    sendContactMe: async () => ({ outcome: 'other', detail: 'bench: no contact-me from the UI benchmark' }),
    reachIntervalMs: 3_600_000,
  });
  const { core } = bench;
  const ui = await startUiApi({
    handlers: core.handlers,
    events: core.events,
    rendererDir: RENDERER_DIR,
    onInternalError: () => undefined,
  });
  let browser: Browser | null = null;
  try {
    // 1,000 phones as after a site roll-out: mixed models and firmware, names, some quarantined, some with work queued.
    const { store } = core;
    const now = Date.now();
    store.transaction(() => {
      for (let i = 0; i < count; i++) {
        const m = mac(i);
        store.phones.upsertContact(
          {
            mac: m,
            model: MODELS[i % MODELS.length] ?? null,
            softwareVersion: VERSIONS[i % VERSIONS.length] ?? null,
            partNumber: 'S30817-S7403-B104',
            e164: `4930${String(7000000 + i)}`,
            ip: `10.1.${Math.floor(i / 250)}.${(i % 250) + 2}`,
            contactMeUri: null,
            maxItems: -1,
            lastReason: 'start-up',
            at: now - i * 7_000,
          },
          i % 10 === 9 ? 'quarantined' : 'adopted',
        );
        store.phones.markInventoryComplete(m, true);
        store.inventory.merge(m, [{ name: 'display-id-unicode', value: `Raum ${String(i + 1).padStart(4, '0')}` }], now);
        if (i % 8 === 0) store.jobs.create(m, 'write-items', [{ name: 'sntp-addr', value: 'pool.ntp.org' }], now);
      }
    });
    // Started after the phones exist: the reacher's one pass (marking queued jobs as waiting) is over
    // before the first page loads, so no pushed event lands in the middle of a measurement.
    await core.start();
    await quiet(core.events, 500, 10_000);
    const t0 = performance.now();
    const summaries: PhoneSummary[] = [];
    for (let page: PhoneSummary[] | null = null; page === null || page.length === PHONES_PAGE_MAX;) {
      const afterMac = summaries.at(-1)?.mac;
      page = await core.handlers['phones.list']({ limit: PHONES_PAGE_MAX, ...(afterMac ? { afterMac } : {}) });
      summaries.push(...page);
    }
    const listHandlerMs = performance.now() - t0;
    if (summaries.length !== count) throw new Error(`phones.list returned ${summaries.length} phones`);

    browser = await launchChromium();
    const version = browser.version();
    const loadRuns: Awaited<ReturnType<typeof measureLoad>>['timing'][] = [];
    let kept: Awaited<ReturnType<typeof measureLoad>> | null = null;
    for (let i = 0; i < loads; i++) {
      const load = await measureLoad(browser, ui.url, i === 0 ? cpuProfile : undefined);
      loadRuns.push(load.timing);
      if (i === loads - 1) kept = load;
      else await load.context.close();
    }
    if (!kept) throw new Error('no page loaded');
    const { page } = kept;
    const cap = kept.timing.rows;

    const all = summaries.map((p) => p.mac);
    const needles = [
      mac(500).toLowerCase(), // one phone by MAC
      `4930${7000000 + 421}`, // one phone by number
      'raum 042', // ten rooms
      '10.1.3.17', // an address prefix: 10.1.3.17 and 10.1.3.170–179
      'v3 r5', // a firmware: a third of the site
      'openstage 40', // a model: a quarter of the site
      'quarantined', // adoption state
      'zzz', // nothing
    ];
    const switches: { dom: number; frame: number }[] = [];
    for (let i = 0; i < 7; i++) switches.push(await measureScreenSwitch(page));
    const filters: { needle: string; matches: number; dom: number; frame: number }[] = [];
    const clears: { dom: number; frame: number }[] = [];
    for (const needle of needles) {
      const expected = summaries.filter((p) => matches(p, needle.trim().toLowerCase())).map((p) => p.mac);
      const r = await measureFilter(page, needle, expected, cap);
      filters.push({ needle, matches: expected.length, ...r });
      clears.push(await measureFilter(page, '', all, cap));
    }
    await kept.context.close();
    return {
      pid: process.pid,
      chromium: version,
      rendererBuiltAt: statSync(join(RENDERER_DIR, 'index.html')).mtime.toISOString(),
      phones: count,
      renderedRows: cap,
      listHandlerMs,
      loads: loadRuns,
      switches,
      filters,
      clears,
    };
  } finally {
    await browser?.close();
    await ui.close();
    await bench.stop();
  }
}

serveParent({
  run,
  exit: () => ({ ok: true }),
});
