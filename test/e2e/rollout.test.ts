import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimPhone } from '../sim/phone.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * The roll-out screen in Chromium: a German extension list with a broken MAC is refused in the
 * preview with its line, the fixed file is applied, three phones call in and reach 100 %, and the
 * hand-over report prints to an A4 PDF whose text lists them.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const phones: SimPhone[] = [];
const byId = (id: string) => page.getByTestId(id);
const MACS = ['00:1A:E8:73:00:01', '00:1A:E8:73:00:02', '00:1A:E8:73:00:03'];

const list = (firstMac: string): Buffer =>
  Buffer.from(
    [
      'MAC;Rufnummer;Anzeigename;Passwort',
      `${firstMac};3001;Jürgen Müller;a1`,
      `${MACS[1]};3002;Änne Groß;a2`,
      `${MACS[2]};3003;Zoë Weiß;a3`,
    ].join('\r\n'),
    'latin1',
  );

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await screenshot(page, `failed-rollout-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await browser?.close();
  await app?.stop();
});

describe('roll-out screen', () => {
  it('previews a list with an error, applies the fixed one, reaches 100 % and prints the report', async () => {
    await byId('nav-rollout').click();
    await byId('rollout-file').setInputFiles({ name: 'liste.csv', mimeType: 'text/csv', buffer: list('00:1A:E8:73:00:0Z') });
    await expect.poll(() => byId('rollout-problem-2').textContent(), { timeout: 10_000 }).toContain('is not a MAC address');
    expect(await byId('rollout-confirm').isDisabled()).toBe(true);
    await screenshot(page, '30-rollout-problems');

    await byId('rollout-file').setInputFiles({ name: 'liste.csv', mimeType: 'text/csv', buffer: list(MACS[0]!) });
    await expect.poll(() => byId('rollout-preview').textContent(), { timeout: 10_000 }).toContain('No problems found');
    await byId('rollout-confirm').click();
    await expect.poll(() => byId('rollout-row-2').getAttribute('data-state'), { timeout: 10_000 }).toBe('not-seen');

    for (const [i, mac] of MACS.entries()) {
      const sim = new SimPhone({ mac, ip: `127.0.72.${i + 1}`, server: { host: '127.0.0.1', port: app.phonePort }, contactMePort: 0 });
      phones.push(sim);
      await sim.start();
    }
    await expect.poll(() => byId('rollout-progress').getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    expect(phones.map((p) => p.value('display-id-unicode'))).toEqual(['Jürgen Müller', 'Änne Groß', 'Zoë Weiß']);
    await screenshot(page, '31-rollout-done');

    const { html } = await app.call('report.html', { site: 'Muster GmbH', technician: 'E2E', language: 'de' });
    const printed = await browser.newPage();
    await printed.setContent(html);
    const pdf = await printed.pdf({ format: 'A4', landscape: true, printBackground: true });
    await printed.close();
    const dir = mkdtempSync(join(tmpdir(), 'fieldstage-report-'));
    try {
      writeFileSync(join(dir, 'report.pdf'), pdf);
      const text = spawnSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toContain('Übergabeprotokoll');
      expect(text.stdout).toContain('Muster GmbH');
      for (const mac of MACS) expect(text.stdout).toContain(mac);
      expect(text.stdout).toContain('Jürgen Müller');
      expect(text.stdout.match(/fertig/g)?.length).toBeGreaterThanOrEqual(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
