import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimPhone } from '../sim/phone.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * Profiles in Chromium: built in the catalogue-driven editor with a {{display_name}} variable,
 * applied to two phones of the roll-out list with the diff per phone first, confirmed, done.
 * Phones on 127.0.136.x.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const phones: SimPhone[] = [];
const byId = (id: string) => page.getByTestId(id);
const MACS = ['00:1A:E8:74:00:01', '00:1A:E8:74:00:02'];
const NAMES = ['Jürgen Müller', 'Änne Groß'];
const LABEL_INDEX = 3;

beforeAll(async () => {
  app = await startApp();
  // The list gives each phone its name: {{display_name}} is resolved from its row.
  const csv = ['mac;extension;display_name', ...MACS.map((mac, i) => `${mac};${4001 + i};${NAMES[i]}`)].join('\r\n');
  await app.call('rollout.confirm', { csv });
  for (const [i, mac] of MACS.entries()) {
    const sim = new SimPhone({ mac, ip: `127.0.136.${i + 1}`, server: { host: '127.0.0.1', port: app.phonePort }, contactMePort: 0 });
    phones.push(sim);
    await sim.start();
  }
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await screenshot(page, `failed-profiles-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await browser?.close();
  await app?.stop();
});

describe('profiles', () => {
  it('builds a profile with {{display_name}} in the editor, previews the diff for two phones, applies it, phones done', async () => {
    await expect.poll(async () => (await app.call('rollout.status', {})).percent, { timeout: 30_000 }).toBe(100);

    await byId('nav-rollout').click();
    await byId('profile-new').click();
    await byId('profile-name').fill('Desk keys');
    await byId('editor-search').fill('key-label-unicode');
    await byId('add-index-function-key-def-input').fill(String(LABEL_INDEX));
    await byId('add-index-function-key-def').click();
    const label = byId(`item-key-label-unicode-${LABEL_INDEX}`);
    await label.fill('Desk {{display_name}}');
    await expect.poll(() => byId('profile-editor').textContent()).toContain('Resolved per phone: display_name');
    await screenshot(page, '40-profile-editor');
    await byId('profile-save').click();
    await expect.poll(() => byId('profile-row-Desk keys').textContent(), { timeout: 10_000 }).toContain('1 item(s)');

    await byId('nav-phones').click();
    await byId('select-all-phones').click();
    await byId('apply-profile-selected').click();
    await byId('apply-profile').click();
    await page.getByRole('option', { name: 'Desk keys' }).click();
    for (const [i, mac] of MACS.entries()) {
      const phone = byId(`apply-phone-${mac}`);
      await expect.poll(() => phone.getAttribute('data-state'), { timeout: 10_000 }).toBe('changes');
      const text = await phone.textContent();
      expect(text).toContain(`key-label-unicode [${LABEL_INDEX}]`);
      expect(text).toContain(`Desk ${NAMES[i]}`);
    }
    await screenshot(page, '41-profile-apply-diff');
    await byId('apply-confirm').click();
    await expect.poll(() => byId('apply-queued').textContent(), { timeout: 10_000 }).toContain('2 job(s) queued');

    await expect
      .poll(() => phones.map((p) => p.value('key-label-unicode', LABEL_INDEX)), { timeout: 30_000 })
      .toEqual(NAMES.map((name) => `Desk ${name}`));
    await byId('apply-progress').click();
    await expect
      .poll(async () => (await app.call('jobs.list', {})).filter((j) => j.kind === 'write-items' && j.state === 'done').length, {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(4);
  });
});
