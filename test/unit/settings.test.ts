import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import {
  MIN_CONTACT_ME_INTERVAL_MS,
  Settings,
  SettingsValidationError,
  createNodeSettings,
  defaultSettings,
  settingsStoreOptions,
  type SettingsData,
  type SettingsIssue,
  type SettingsPatch,
} from '../../electron/core/settings/settings.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-settings-'));

function issuesOf(settings: Settings, patch: SettingsPatch): SettingsIssue[] {
  try {
    settings.update(patch);
  } catch (error) {
    if (error instanceof SettingsValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('update was accepted');
}

describe('Settings', () => {
  it('starts from the documented defaults', () => {
    expect(createNodeSettings(tempDir()).get()).toEqual({
      phonePort: 18443,
      httpPort: 0,
      securePort: 18444,
      bindAddresses: [],
      legacyTls: false,
      keepAliveTimeoutMs: 10000,
      sendSolicited: 'auto',
      adoption: { adoptAll: false, macs: [], prefixes: [] },
      contactMe: { minIntervalMs: 60000, callbackTimeoutMs: 120000, maxAttempts: 5 },
      exchangeRetention: { perPhone: 500, total: 100000, maxMegabytes: 512 },
      quarantine: { maxPhones: 2000, expireDays: 30 },
      language: 'en',
      theme: 'auto',
      fileServer: { port: 18446, maxFirmwareDownloads: 10 },
      wbm: { port: 443, adminPasswordSealed: '', allowFactoryDefault: false, maxParallel: 4 },
    } satisfies SettingsData);
  });

  it('updates nested groups in part and persists across instances', () => {
    const dir = tempDir();
    const settings = createNodeSettings(dir);
    const next = settings.update({
      phonePort: 8443,
      httpPort: 8080,
      bindAddresses: ['10.0.0.5', 'fe80::1'],
      legacyTls: true,
      contactMe: { maxAttempts: 3 },
      language: 'de',
      theme: 'dark',
      sendSolicited: undefined,
    });
    expect(next.contactMe).toEqual({ minIntervalMs: 60000, callbackTimeoutMs: 120000, maxAttempts: 3 });
    expect(next.sendSolicited).toBe('auto');
    expect(settings.get()).toEqual(next);
    expect(createNodeSettings(dir).get()).toEqual(next);
  });

  it('stores MACs and prefixes in the phones own spelling', () => {
    const settings = createNodeSettings(tempDir());
    const next = settings.update({
      adoption: { adoptAll: false, macs: ['001ae82d3f08', '00-1a-e8-00-00-01'], prefixes: ['00:1a:e8', '60dbef'] },
    });
    expect(next.adoption).toEqual({
      adoptAll: false,
      macs: ['00:1A:E8:2D:3F:08', '00:1A:E8:00:00:01'],
      prefixes: ['00:1A:E8', '60:DB:EF'],
    });
  });

  it('rejects invalid values naming field and rule, and writes nothing', () => {
    const settings = createNodeSettings(tempDir());
    const before = settings.get();
    const issues = issuesOf(settings, {
      phonePort: 70000,
      keepAliveTimeoutMs: 1.5,
      bindAddresses: ['10.0.0.5', 'not-an-ip', '10.0.0.5'],
      contactMe: { maxAttempts: 0 },
      theme: 'pink' as SettingsData['theme'],
      adoption: { macs: ['00:1A:E8'] },
    });
    expect(issues.map((i) => [i.field, i.rule])).toEqual([
      ['phonePort', 'range'],
      ['bindAddresses[1]', 'format'],
      ['bindAddresses[2]', 'unique'],
      ['keepAliveTimeoutMs', 'type'],
      ['adoption.macs[0]', 'format'],
      ['contactMe.maxAttempts', 'range'],
      ['theme', 'enum'],
    ]);
    expect(issues[0]?.message).toBe('phonePort must be an integer from 1 to 65535 (got 70000)');
    expect(issues.find((i) => i.field === 'theme')?.message).toBe('theme must be one of light, dark, auto (got "pink")');
    expect(settings.get()).toEqual(before);

    let error: unknown;
    try {
      settings.update({ phonePort: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsValidationError);
    expect(String(error)).toContain('phonePort must be an integer from 1 to 65535 (got 0)');
  });

  it('rejects unknown fields and rules across fields', () => {
    const settings = createNodeSettings(tempDir());
    expect(issuesOf(settings, { colour: 'red' } as SettingsPatch).map((i) => [i.field, i.rule])).toEqual([['colour', 'unknown']]);
    expect(issuesOf(settings, { contactMe: { retries: 2 } } as SettingsPatch).map((i) => i.field)).toEqual(['contactMe.retries']);
    expect(issuesOf(settings, { httpPort: 18443 })).toEqual([
      { field: 'httpPort', rule: 'distinct-ports', message: 'httpPort must differ from phonePort (both are 18443); 0 turns it off' },
    ]);
    expect(issuesOf(settings, { exchangeRetention: { perPhone: 2000, total: 1000 } }).map((i) => i.rule)).toEqual(['within-total']);
    expect(issuesOf(settings, 'phonePort' as SettingsPatch).map((i) => i.rule)).toEqual(['type']);
  });

  it('tells listeners about each change once, with old and new settings', () => {
    const settings = createNodeSettings(tempDir());
    const seen: Array<[SettingsData, SettingsData]> = [];
    const stop = settings.onChange((next, previous) => seen.push([next, previous]));
    settings.update({ theme: 'dark', language: 'de', contactMe: { maxAttempts: 2 } });
    settings.update({ theme: 'dark' }); // no change, no event
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toMatchObject({ theme: 'dark', language: 'de', contactMe: { maxAttempts: 2 } });
    expect(seen[0]?.[1]).toEqual(defaultSettings());
    stop();
    settings.update({ theme: 'light' });
    expect(seen).toHaveLength(1);
  });

  it('reads a file of an older or newer version: missing keys as defaults, unknown ones dropped', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ phonePort: 9443, contactMe: { maxAttempts: 7, newerKey: 1 }, newerSetting: true }),
    );
    const settings = createNodeSettings(dir);
    expect(settings.get()).toMatchObject({
      phonePort: 9443,
      theme: 'auto',
      contactMe: { minIntervalMs: 60000, callbackTimeoutMs: 120000, maxAttempts: 7 },
    });
    expect(Object.keys(settings.get())).toEqual(Object.keys(defaultSettings()));
  });

  it('never allows more than one contact-me per phone per minute (wpi-protocol.md §4.3)', () => {
    const settings = createNodeSettings(tempDir());
    expect(issuesOf(settings, { contactMe: { minIntervalMs: 1000 } })).toEqual([
      expect.objectContaining({ field: 'contactMe.minIntervalMs', rule: 'range' }),
    ]);
    expect(issuesOf(settings, { contactMe: { minIntervalMs: MIN_CONTACT_ME_INTERVAL_MS - 1 } })[0]?.rule).toBe('range');
    expect(settings.update({ contactMe: { minIntervalMs: MIN_CONTACT_ME_INTERVAL_MS } }).contactMe.minIntervalMs).toBe(60_000);
  });

  it('raises a saved contact-me interval below a minute to the minute, keeping every other setting', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ phonePort: 9443, theme: 'dark', contactMe: { minIntervalMs: 1000, callbackTimeoutMs: 90_000, maxAttempts: 7 } }),
    );
    const settings = createNodeSettings(dir);
    expect(settings.get()).toMatchObject({
      phonePort: 9443,
      theme: 'dark',
      contactMe: { minIntervalMs: 60_000, callbackTimeoutMs: 90_000, maxAttempts: 7 },
    });
    // Written back: the file itself now follows the rule.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).contactMe.minIntervalMs).toBe(60_000);
    // A saved interval of a minute or more is left as it is.
    const other = tempDir();
    fs.writeFileSync(path.join(other, 'config.json'), JSON.stringify({ contactMe: { minIntervalMs: 120_000 } }));
    expect(createNodeSettings(other).get().contactMe.minIntervalMs).toBe(120_000);
  });

  it('starts from defaults when the file is broken instead of refusing to start', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{ "phonePort": 99999 }');
    expect(createNodeSettings(dir).get()).toEqual(defaultSettings());
    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    expect(createNodeSettings(dir).get()).toEqual(defaultSettings());
  });

  it('works over any Conf instance made with the shared options (as electron-store is)', () => {
    const dir = tempDir();
    const conf = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dir, configName: 'settings', projectName: 'fieldstage' });
    const settings = new Settings(conf);
    settings.update({ phonePort: 10443 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).phonePort).toBe(10443);
    // The schema also guards writes that bypass Settings.
    expect(() => conf.set('phonePort', 0)).toThrow(/schema violation/);
  });

  it('hands out copies, never shared defaults', () => {
    const settings = createNodeSettings(tempDir());
    settings.get().adoption.macs.push('00:1A:E8:2D:3F:08');
    defaultSettings().bindAddresses.push('10.0.0.1');
    expect(settings.get().adoption.macs).toEqual([]);
    expect(defaultSettings().bindAddresses).toEqual([]);
  });
});
