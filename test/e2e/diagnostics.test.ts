import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCertificate } from '../../electron/core/provisioning/certificate.js';
import { ASSUMED_TRACE_COMPONENTS, TRACE_LEVEL_INDEXES } from '../../shared/traces.js';
import { SimPhone } from '../sim/phone.js';
import { SimWbm } from '../sim/wbm.js';
import { freePort } from '../support/core-process.js';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from './support/app.js';

/**
 * Diagnostics in the real UI (browser mode, Debian Chromium): start tracing on a phone, see the
 * badge, download its traces from its (simulated) web interface, stop tracing. Subnet 127.0.72.x
 * belongs to this file.
 */

const MAC = '00:1A:E8:72:00:01';
const PASSWORD = '870011';
const SIP_SIGNALLING = ASSUMED_TRACE_COMPONENTS.indexOf('SIP signalling');

let app: RunningApp;
let browser: Browser;
let page: Page;
let phone: SimPhone;
let wbm: SimWbm;
let certDir = '';

const byId = (id: string) => page.getByTestId(id);

beforeAll(async () => {
  app = await startApp();
  await app.call('settings.update', { adoption: { adoptAll: true, macs: [], prefixes: [] } });
  phone = new SimPhone({
    mac: MAC,
    ip: '127.0.72.1',
    server: { host: '127.0.0.1', port: app.phonePort },
    contactMePort: 0,
    contactGapMs: 0,
  });
  await phone.start();
  await phone.waitForIdle();
  certDir = mkdtempSync(join(tmpdir(), 'fieldstage-e2e-wbm-'));
  wbm = new SimWbm({
    ip: phone.ip,
    port: await freePort(),
    tls: await createCertificate(certDir, []),
    mac: MAC,
    model: 'OpenStage 60',
    firmwareMajor: 3,
    levels: () => TRACE_LEVEL_INDEXES.map((i) => phone.value('trace-level', i) ?? '0'),
    password: PASSWORD,
  });
  await wbm.start();
  browser = await launchBrowser();
  page = await openApp(browser, app);
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await wbm?.stop();
  await phone?.stop();
  await browser?.close();
  await app?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

describe('diagnostics in browser mode', () => {
  it("sets the phones' web interface port and site password in Settings", async () => {
    await byId('nav-settings').click();
    await byId('wbm-port').fill(String(wbm.port));
    await byId('wbm-password').fill(PASSWORD);
    await byId('wbm-save').click();
    await expect
      .poll(async () => (await app.call('settings.get', {})).wbm, { timeout: 10_000 })
      .toMatchObject({ port: wbm.port, adminPasswordSet: true });
  });

  it('starts tracing on a phone and shows the badge until when', async () => {
    await byId('nav-phones').click();
    await byId(`phone-row-${MAC}`).click();
    await byId('tab-actions').click();
    await byId('action-start-tracing').click();
    await expect.poll(() => byId('tracing-reboot-hint').isVisible()).toBe(true);
    await screenshot(page, 'diagnostics-01-start-tracing');
    await byId('tracing-start-confirm').click();
    await expect.poll(() => phone.value('trace-level', SIP_SIGNALLING), { timeout: 20_000 }).toBe('6');
    await expect.poll(() => byId(`tracing-badge-${MAC}`).first().innerText(), { timeout: 10_000 }).toMatch(/^tracing until \d/);
    await screenshot(page, 'diagnostics-02-tracing-badge');
  });

  it("downloads the phone's traces and shows the files", async () => {
    await byId('action-download-traces').click();
    await expect.poll(() => byId(`trace-download-files-${MAC}`).innerText(), { timeout: 20_000 }).toMatch(/3 file\(s\): .*trace\.txt/);
    expect(wbm.served.get('trace')?.toString()).toContain(`component ${SIP_SIGNALLING} level 6`);
    await screenshot(page, 'diagnostics-03-downloaded');
  });

  it('stops tracing: the original levels come back and the badge goes', async () => {
    await byId('action-stop-tracing').click();
    await expect.poll(() => byId(`tracing-badge-${MAC}`).first().innerText(), { timeout: 10_000 }).toBe('tracing stops');
    await screenshot(page, 'diagnostics-04-stopping');
    // The phone was woken for the start less than a minute ago: at most one contact-me a minute.
    await expect.poll(() => phone.value('trace-level', SIP_SIGNALLING), { timeout: 80_000 }).toBe('0');
    await expect.poll(() => byId(`tracing-badge-${MAC}`).count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'diagnostics-05-stopped');
  }, 100_000);
});
