import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeOpensslFiles, type OpensslFiles } from '../support/openssl-files.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/** Importing and inspecting certificates in the real UI (browser mode, Debian Chromium), with files OpenSSL made. */

let app: RunningApp;
let browser: Browser;
let page: Page;
let files: OpensslFiles;

const byId = (id: string) => page.getByTestId(id);

beforeAll(async () => {
  files = makeOpensslFiles();
  app = await startApp();
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('certificates in browser mode', () => {
  it('refuses a PKCS#12 with the wrong password and stores nothing', async () => {
    await byId('nav-certificates').click();
    await expect.poll(() => byId('certificates-empty').isVisible(), { timeout: 20_000 }).toBe(true);
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'customer.p12', mimeType: 'application/x-pkcs12', buffer: files.read('legacy.p12') });
    await byId('certificate-password').fill('wrong');
    await byId('certificate-import').click();
    await expect
      .poll(
        () =>
          page
            .getByText(/password does not open/)
            .first()
            .isVisible(),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await app.call('certificates.list', {})).toEqual([]);
  });

  it('imports a legacy PKCS#12 with its password and shows what a technician checks', async () => {
    await byId('certificate-password').fill('secret');
    await byId('certificate-import').click();
    const name = byId('certificate-name').filter({ hasText: 'customer.p12' });
    await expect.poll(() => name.isVisible(), { timeout: 10_000 }).toBe(true);
    await name.click();
    await expect.poll(() => byId('certificate-details-0-subject').first().innerText()).toBe('CN=phone-wbm.test, O=Customer');
    await expect.poll(() => byId('certificate-details-0-sha256').first().innerText()).toBe(files.fingerprint('leaf.pem'));
    await expect.poll(() => byId('certificate-details-1-sha256').first().innerText()).toBe(files.fingerprint('ca.pem'));
    await screenshot(page, 'certificates-01-imported');
    const [stored] = await app.call('certificates.list', {});
    expect(stored).toMatchObject({ name: 'customer.p12', hasKey: true, chainComplete: true });
  });

  it('creates the local CA and shows its fingerprint', async () => {
    await byId('local-ca-create').click();
    await expect.poll(() => byId('local-ca-fingerprint').innerText(), { timeout: 20_000 }).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const ca = await app.call('certificates.localCa', {});
    expect(await byId('local-ca-fingerprint').innerText()).toBe(ca.certificates[0]?.sha256);
    await screenshot(page, 'certificates-02-local-ca');
  });
});
