import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * The site switcher in Chromium against the real backend: a new site opens and the page reloads
 * on it (header and title name it, the other site's phone is not listed), the first site opens
 * again from the menu, and an export without passphrase is downloaded with what it left out.
 * No simulated phones (browser mode with port 0 binds another port per site); 127.0.135.x is this file's.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const byId = (id: string) => page.getByTestId(id);
const MAC = '00:1A:E8:13:50:01';

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-sites-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('sites', () => {
  it('creates and switches sites from the header; exports the open one', async () => {
    await app.call('jobs.create', { macs: [MAC], kind: 'write-items', items: [{ name: 'sntp-addr', value: 'ntp.example' }] });
    await expect.poll(() => byId('site-switcher').textContent(), { timeout: 20_000 }).toBe('Site: Site 1');
    await expect.poll(() => page.title()).toBe('Fieldstage — Site 1');
    await expect.poll(() => byId(`phone-row-${MAC}`).isVisible(), { timeout: 20_000 }).toBe(true);

    await byId('site-switcher').click();
    await byId('site-new').click();
    await byId('site-name').fill('Baustelle Nord');
    await byId('site-name-ok').click();
    await expect.poll(() => byId('site-switcher').textContent(), { timeout: 30_000 }).toBe('Site: Baustelle Nord');
    await expect.poll(() => page.title()).toBe('Fieldstage — Baustelle Nord');
    expect(await byId(`phone-row-${MAC}`).count()).toBe(0);
    expect((await app.call('sites.list', {})).sites.map((s) => [s.name, s.open])).toEqual([
      ['Baustelle Nord', true],
      ['Site 1', false],
    ]);
    await screenshot(page, '60-sites-switched');

    await byId('site-switcher').click();
    await byId('site-open-Site 1').click();
    await expect.poll(() => byId('site-switcher').textContent(), { timeout: 30_000 }).toBe('Site: Site 1');
    await expect.poll(() => byId(`phone-row-${MAC}`).isVisible(), { timeout: 20_000 }).toBe(true);

    await byId('site-switcher').click();
    await byId('site-export').click();
    const download = page.waitForEvent('download');
    await byId('export-start').click();
    expect((await download).suggestedFilename()).toMatch(/^Site_1-\d{12}\.fieldstage-site$/);
    await expect.poll(() => byId('export-left-out').textContent(), { timeout: 20_000 }).toContain('server certificate');
    await screenshot(page, '61-sites-exported');
  }, 120_000);
});
