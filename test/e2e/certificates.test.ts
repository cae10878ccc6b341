import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimPhone } from '../sim/phone.js';
import { makeOpensslFiles, type OpensslFiles } from '../support/openssl-files.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/** Importing and inspecting certificates in the real UI (browser mode, Debian Chromium), with files OpenSSL made. */

let app: RunningApp;
let browser: Browser;
let page: Page;
let files: OpensslFiles;
let phone: SimPhone | null = null;
const MAC = '00:1A:E8:72:00:01';

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
  await phone?.stop();
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

  it('deploys the imported certificate to a phone and shows what the phone reads back', async () => {
    phone = new SimPhone({
      mac: MAC,
      ip: '127.0.72.1',
      server: { host: '127.0.0.1', port: app.phonePort },
      contactMePort: 0,
      contactGapMs: 0,
    });
    await phone.start();
    await expect.poll(async () => (await app.call('phones.list', {})).length, { timeout: 20_000 }).toBe(1);
    await app.call('phones.adopt', { macs: [MAC] });
    await phone.waitForIdle();

    await byId('nav-phones').click();
    await byId(`phone-row-${MAC}`).click();
    await byId('tab-actions').click();
    await byId('action-deploy-certificate').click();
    await byId('certificate-deploy-certificate').click();
    await page.getByRole('option', { name: /customer\.p12/ }).click();
    await expect.poll(() => byId('certificate-pkcs12-note').isVisible()).toBe(true);
    await screenshot(page, 'certificates-03-deploy');
    await byId('certificate-deploy-confirm').click();
    await expect
      .poll(async () => (await app.call('jobs.list', { mac: MAC, states: ['done'] })).filter((j) => j.kind === 'certificate').length, {
        timeout: 30_000,
      })
      .toBe(1);
    expect(phone.certificates.get('wbm-server-certificate')?.chain[0]?.fingerprint256).toBe(files.fingerprint('leaf.pem'));

    await byId('tab-overview').click();
    const reported = byId('phone-certificate-reported-wbm-server-certificate');
    await expect.poll(() => reported.innerText(), { timeout: 10_000 }).toContain('matches the certificate sent');
    expect(await reported.innerText()).toContain(`Serial: ${phone.certificates.get('wbm-server-certificate')?.chain[0]?.serialNumber}`);
    await screenshot(page, 'certificates-04-read-back');
  });

  it('bootstraps the phone into Secure Mode and marks it', async () => {
    await byId('tab-actions').click();
    await byId('action-secure-mode').click();
    await expect.poll(() => page.getByText(/Only a factory reset returns a phone to default mode/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/Secure Mode with PIN is not offered/).isVisible()).toBe(true);
    await byId('confirm-button').click();
    // The first bootstrap creates the local CA, the secure port's certificate and the phone's (RSA keys): seconds on a busy machine.
    await expect
      .poll(async () => (await app.call('jobs.list', { mac: MAC })).some((j) => j.kind === 'secure-mode'), { timeout: 20_000 })
      .toBe(true);
    // The phone was woken for the certificate job a moment ago (one contact-me a minute): it calls on its own.
    await phone?.boot();
    await expect.poll(async () => (await app.call('phones.get', { mac: MAC })).secureSince, { timeout: 30_000 }).not.toBeNull();
    await expect.poll(() => byId(`secure-mode-badge-${MAC}`).isVisible(), { timeout: 10_000 }).toBe(true);
    await byId('tab-overview').click();
    await expect.poll(() => byId('phone-secure-mode').isVisible()).toBe(true);
    expect(phone?.secureServer?.port).toBe((await app.call('app.info', {})).securePort);
    await byId('nav-phones').click();
    await expect.poll(() => byId(`secure-mode-badge-${MAC}`).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'certificates-05-secure-mode');
  });
});
