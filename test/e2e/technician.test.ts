import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimPhone } from '../sim/phone.js';
import { cspViolations, launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * A technician's day in the real UI: browser mode backend, Debian Chromium, simulated phones on
 * loopback (subnet 127.0.70.x belongs to this file). Screenshots of every screen go to
 * reports/screenshots/.
 */

const MAC_A = '00:1A:E8:70:00:01';
const MAC_B = '00:1A:E8:70:00:02';
let app: RunningApp;
let browser: Browser;
let page: Page;
const phones: SimPhone[] = [];

function phone(ip: string, mac: string, options: Partial<ConstructorParameters<typeof SimPhone>[0]> = {}): SimPhone {
  const p = new SimPhone({
    mac,
    ip,
    server: { host: '127.0.0.1', port: app.phonePort },
    contactMePort: 0,
    contactGapMs: 0,
    rebootDelayMs: 100,
    ...options,
  });
  phones.push(p);
  return p;
}

const byId = (id: string) => page.getByTestId(id);

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

// A failing step leaves a picture of what the technician would have seen.
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await browser?.close();
  await app?.stop();
});

describe('technician journey in browser mode', () => {
  it('shows the empty phones screen, then phones appear live as they boot', async () => {
    await expect.poll(() => byId('phones-empty').isVisible(), { timeout: 20_000 }).toBe(true);
    await screenshot(page, '01-phones-empty');
    // The SNTP server comes from DHCP on this phone, so it refuses to change it (p. 16).
    await phone('127.0.70.1', MAC_A, { lockedItems: ['sntp-addr'] }).start();
    await phone('127.0.70.2', MAC_B).start();
    await expect.poll(() => byId(`phone-row-${MAC_A}`).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => byId(`phone-row-${MAC_B}`).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => byId('status-quarantined').innerText()).toContain('2');
    await screenshot(page, '02-phones-quarantined');
  });

  it('adopts the selected phones', async () => {
    await byId('select-all-phones').click();
    await byId('adopt-selected').click();
    await expect
      .poll(async () => (await app.call('phones.list', {})).every((p) => p.adoption === 'adopted'), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => byId('status-quarantined').innerText()).toContain('0');
  });

  it('edits three parameters of different types (one indexed), sees per-item results incl. a refused read-only one', async () => {
    await byId(`phone-row-${MAC_A}`).click();
    await expect.poll(() => byId('phone-title').isVisible()).toBe(true);
    await screenshot(page, '03-phone-overview');
    await byId('tab-parameters').click();

    // sntp-addr is not among the phone's reported items: show the catalogue's items too.
    await byId('editor-show-catalogue').check({ force: true });
    await byId('editor-search').fill('sntp-addr');
    await byId('item-sntp-addr').fill('ntp.customer.example');
    await byId('editor-search').fill('display-id-unicode');
    await byId('item-display-id-unicode').fill('Empfang Süd');
    await byId('editor-search').fill('feature-availability');
    await byId('item-feature-availability-1').uncheck({ force: true });
    await byId('editor-search').fill('');
    await expect.poll(() => byId('pending-changes').innerText()).toContain('Empfang Süd');
    await expect.poll(() => byId('pending-changes').innerText()).toContain('feature-availability');
    await screenshot(page, '04-parameters-pending');
    await byId('apply-changes').click();

    // The editor shows one category at a time; search brings each item (and its answer) into view.
    const resultOf = async (search: string, testId: string): Promise<string> => {
      await byId('editor-search').fill(search);
      return byId(testId).innerText();
    };
    await expect.poll(() => resultOf('display-id-unicode', 'result-display-id-unicode'), { timeout: 30_000 }).toMatch(/accepted/i);
    await expect.poll(() => resultOf('feature-availability', 'result-feature-availability-1')).toMatch(/accepted/i);
    await expect.poll(() => resultOf('sntp-addr', 'result-sntp-addr')).toMatch(/read.only/i);
    await screenshot(page, '05-parameters-results');
    const sim = phones[0]!;
    expect(sim.value('display-id-unicode')).toBe('Empfang Süd');
    expect(sim.value('feature-availability', 1)).toBe('false');
    expect(sim.value('sntp-addr')).toBeUndefined();
  });

  it('refuses a bad value in the form and names the rule', async () => {
    await byId('editor-search').fill('display-id-unicode');
    await byId('item-display-id-unicode').fill('R&D <lab>');
    await expect.poll(() => page.getByText(/< > &/).first().isVisible()).toBe(true);
    await expect.poll(() => byId('apply-blocked').isVisible()).toBe(true);
    await screenshot(page, '06-parameters-refused');
    await byId('discard-all').click();
    await byId('editor-search').fill('');
  });

  it('shows the protocol log with both XML documents', async () => {
    await byId('tab-log').click();
    const firstRow = page.locator('[data-testid^="exchange-row-"]').first();
    await expect.poll(() => firstRow.isVisible(), { timeout: 10_000 }).toBe(true);
    await firstRow.click();
    await expect.poll(() => byId('exchange-request').innerText()).toContain('WorkpointMessage');
    await expect.poll(() => byId('exchange-response').innerText()).toContain('DLSMessage');
    await screenshot(page, '07-protocol-log');
  });

  it('restarts and factory-resets the phone after confirmation', async () => {
    const sim = phones[0]!;
    await byId('tab-actions').click();
    await screenshot(page, '08-actions');
    await byId('action-restart').click();
    await byId('confirm-button').click();
    // Each job waits out the once-a-minute contact-me limit at most (real time: this is the
    // product's own backend); the phone may also call first.
    await expect.poll(() => sim.stats.restarts, { timeout: 75_000, interval: 500 }).toBe(1);

    await byId('action-factory-reset').click();
    await expect(await byId('confirm-button').isDisabled()).toBe(true);
    await byId('confirm-input').fill('00:1A:E8:70:00:99');
    await expect(await byId('confirm-button').isDisabled()).toBe(true);
    await byId('confirm-input').fill(MAC_A);
    await screenshot(page, '09-factory-reset-confirm');
    await byId('confirm-button').click();
    await expect.poll(() => sim.stats.factoryResets, { timeout: 75_000, interval: 500 }).toBe(1);
  }, 180_000);

  it('runs a sweep and shows the DHCP helper', async () => {
    await byId('nav-discovery').click();
    await byId('dhcp-host').fill('192.168.2.19');
    await byId('dhcp-port').fill('18443');
    await byId('dhcp-build').click();
    await expect
      .poll(() => byId('dhcp-hex').innerText())
      .toContain('01075369656d656e73031973646c703a2f2f3139322e3136382e322e31393a3138343433ff');
    await byId('sweep-targets').fill('127.0.71.0/28');
    await byId('sweep-start').click();
    await expect.poll(() => byId('sweep-status').innerText(), { timeout: 20_000 }).toMatch(/14/);
    await screenshot(page, '10-discovery');
  });

  it('lists jobs and settings, in light and dark', async () => {
    await byId('nav-jobs').click();
    await expect.poll(() => page.locator('[data-testid^="job-row-"]').count()).toBeGreaterThan(0);
    await screenshot(page, '11-jobs');
    await byId('nav-settings').click();
    await expect.poll(() => byId('settings-fingerprint').innerText()).toMatch(/[0-9A-F]{2}:/);
    await screenshot(page, '12-settings');
    const dark = await openApp(browser, app, 'dark');
    await dark.getByTestId('nav-phones').click();
    await screenshot(dark, '13-phones-dark');
    await dark.close();
  });

  it('ran the whole journey without a Content-Security-Policy violation', async () => {
    // The policy is really in force: an inline script is refused, and that refusal is seen here.
    const probe = await openApp(browser, app);
    await probe.getByTestId('nav-phones').waitFor();
    const before = cspViolations.length;
    await probe.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.name = "inline ran"';
      document.head.append(script);
    });
    await expect.poll(() => cspViolations.length).toBeGreaterThan(before);
    expect(cspViolations.slice(before).join('\n')).toMatch(/script/i);
    expect(await probe.evaluate(() => window.name)).not.toBe('inline ran');
    await probe.close();
    expect(cspViolations.slice(0, before)).toEqual([]);
  });
});
