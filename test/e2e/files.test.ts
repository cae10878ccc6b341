import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { png } from '../support/media-samples.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * The Files screen in Chromium against the real backend: a logo and a firmware image imported
 * through the file input (streamed by the upload route), a non-image refused with its reason.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
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
});
