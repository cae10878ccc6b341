import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { SimPhone } from '../sim/phone.js';
import { png } from '../support/media-samples.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * The Files screen in Chromium against the real backend: a logo and a firmware image imported
 * through the file input (streamed by the upload route), a non-image refused with its reason.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const phones: SimPhone[] = [];
const byId = (id: string) => page.getByTestId(id);

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-files-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await browser?.close();
  await app?.stop();
});

describe('Files screen', () => {
  it('imports a logo and a firmware image, refuses a file phones cannot use', async () => {
    await byId('nav-files').click();
    await expect.poll(() => page.getByText('The library is empty').isVisible(), { timeout: 20_000 }).toBe(true);
    await byId('files-input').setInputFiles([
      { name: 'logo.png', mimeType: 'image/png', buffer: png(300, 100, 8000) },
      {
        name: 'OS60.img',
        mimeType: 'application/octet-stream',
        buffer: makeFirmwareImage({ model: 'OpenStage 60', version: 'V3 R5.12.0' }),
      },
      { name: 'notes.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 3, 4, 5, 0xff]) },
    ]);
    await expect.poll(() => byId('files-refused').textContent(), { timeout: 20_000 }).toContain('notes.bin');
    const files = await app.call('files.list', {});
    expect(files.map((f) => [f.name, f.kind]).sort()).toEqual([
      ['OS60.img', 'FIRMWARE'],
      ['logo.png', 'LOGO'],
    ]);
    const logo = files.find((f) => f.kind === 'LOGO');
    await expect.poll(() => byId(`file-row-${logo?.id ?? ''}`).textContent()).toContain('300×100');
    await expect.poll(() => byId(`file-check-${logo?.id ?? ''}-logo-size`).isVisible()).toBe(true);
    const firmware = files.find((f) => f.kind === 'FIRMWARE');
    await expect.poll(() => byId(`file-row-${firmware?.id ?? ''}`).textContent()).toContain('OpenStage 60 V3 R5.12.0');
    await screenshot(page, '20-files');
  });

  it('deploys the logo to two phones from the phones table and shows each download and result', async () => {
    const macs = ['00:1A:E8:47:00:01', '00:1A:E8:47:00:02'];
    for (const [i, mac] of macs.entries()) {
      const sim = new SimPhone({
        mac,
        ip: `127.0.71.${i + 1}`,
        server: { host: '127.0.0.1', port: app.phonePort },
        contactMePort: 0,
        contactGapMs: 0,
      });
      phones.push(sim);
      await sim.start();
    }
    await expect.poll(async () => (await app.call('phones.list', {})).length, { timeout: 20_000 }).toBe(2);
    await app.call('phones.adopt', { macs });

    await byId('nav-phones').click();
    for (const mac of macs) await byId(`select-phone-${mac}`).click();
    await byId('deploy-file-selected').click();
    await byId('deploy-files').click();
    await page.getByRole('option', { name: /logo\.png/ }).click();
    await expect.poll(() => byId('deploy-what-happens').textContent()).toContain('2 phone(s) fetch logo.png');
    await screenshot(page, '21-deploy-file');
    await byId('deploy-confirm').click();

    await expect
      .poll(async () => (await app.call('jobs.list', { states: ['done'] })).filter((j) => j.kind === 'file-deployment').length, {
        timeout: 30_000,
      })
      .toBe(2);
    for (const sim of phones) expect(sim.received.map((r) => r.name)).toEqual(['logo.png']);

    await byId(`phone-row-${macs[0]}`).click();
    await byId('tab-files').click();
    const [job] = (await app.call('jobs.list', { mac: macs[0] })).filter((j) => j.kind === 'file-deployment');
    await expect.poll(() => byId(`deployment-${job?.id ?? ''}`).textContent(), { timeout: 10_000 }).toContain('Fetched: 8.0 kB');
    await expect.poll(() => byId(`deployment-${job?.id ?? ''}`).textContent()).toContain('done');
    await expect.poll(() => byId('stored-file-logo.png').isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, '22-phone-files');
  });
});
