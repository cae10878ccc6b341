import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportSite, importSite, SITE_FORMAT, SITE_FORMAT_VERSION } from '../../electron/core/sites/archive.js';
import { openDatabase } from '../../electron/core/store/database.js';
import { Store } from '../../electron/core/store/index.js';
import { createKeySecretBox } from '../../electron/core/store/secrets.js';

const boxA = createKeySecretBox(Buffer.alloc(32, 1));
const boxB = createKeySecretBox(Buffer.alloc(32, 2));
const quiet = { signal: new AbortController().signal, progress: () => undefined };

/** A site folder with a database holding one sealed certificate key, a file and a TLS key. */
function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldstage-archive-'));
  const store = new Store(openDatabase(join(dir, 'fieldstage.db')), { secrets: boxA });
  store.certificates.insert({
    id: 'c1',
    name: 'ca',
    origin: 'local-ca',
    format: 'pem',
    fingerprint: 'AA',
    certsPem: 'cert',
    keyPem: 'Key-Secret',
    mac: null,
    createdAt: 1,
  });
  store.close();
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'a'.repeat(64)), 'file bytes');
  mkdirSync(join(dir, 'tls'));
  writeFileSync(join(dir, 'tls', 'server.key'), 'TLS-Key-Secret');
  mkdirSync(join(dir, 'traces', '00:1A:E8:13:10:01', '20260101-job'), { recursive: true });
  writeFileSync(join(dir, 'traces', '00:1A:E8:13:10:01', '20260101-job', 'trace (1).tar.gz'), 'trace bytes');
  return dir;
}

const fileOf = (entries: Record<string, string>): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'fieldstage-archive-')), 'x.fieldstage-site');
  writeFileSync(file, zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strToU8(v)]))));
  return file;
};
const staging = (): string => join(mkdtempSync(join(tmpdir(), 'fieldstage-staging-')), 'site');

describe('site file', () => {
  it('round trip with a passphrase: everything arrives, sealed with the new box', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fieldstage-out-')), 's.fieldstage-site');
    const result = await exportSite({
      siteDir: site(),
      siteName: 'Süd',
      appVersion: 't',
      now: 0,
      laptopBox: boxA,
      workDir: `${out}.work`,
      passphrase: 'long enough',
      out,
      ...quiet,
    });
    expect(result).toMatchObject({ secretsIncluded: true, leftOut: [] });
    const target = staging();
    const manifest = await importSite({ file: out, staging: target, passphrase: 'long enough', laptopBox: boxB, ...quiet });
    expect(manifest).toMatchObject({ format: SITE_FORMAT, formatVersion: SITE_FORMAT_VERSION, siteName: 'Süd', secretsIncluded: true });
    expect(manifest.kdf).toMatchObject({ algorithm: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
    const store = new Store(openDatabase(join(target, 'fieldstage.db')), { secrets: boxB });
    expect(store.certificates.privateKeyPem('c1')).toBe('Key-Secret');
    store.close();
    expect(readdirSync(join(target, 'tls'))).toEqual(['server.key']);
    expect(readdirSync(join(target, 'files'))).toEqual(['a'.repeat(64)]);
    expect(readdirSync(join(target, 'traces', '00:1A:E8:13:10:01', '20260101-job'))).toEqual(['trace (1).tar.gz']);
  });

  it('refuses what is not a site file of this format, with the reason', async () => {
    const manifest = (patch: object) =>
      JSON.stringify({ format: SITE_FORMAT, formatVersion: SITE_FORMAT_VERSION, siteName: 'x', leftOut: [], entries: [], ...patch });
    const cases: [Record<string, string>, RegExp][] = [
      [{ '../evil': 'x', 'manifest.json': manifest({}) }, /unexpected entry "..\/evil"/],
      [{ 'traces/../../evil': 'x', 'manifest.json': manifest({}) }, /unexpected entry "traces\/..\/..\/evil"/],
      [{ 'tls/key.pem': 'x', 'manifest.json': manifest({}) }, /unexpected entry "tls\/key.pem"/],
      [{ 'manifest.json': manifest({ formatVersion: 99 }) }, /format version 99; this app reads version 1/],
      [{ 'manifest.json': manifest({}) }, /holds no database/],
      [{ 'manifest.json': manifest({ entries: [{ name: 'fieldstage.db', size: 1, sha256: '00' }] }) }, /"fieldstage.db" is missing/],
      [{ 'manifest.json': manifest({ format: 'zip' }) }, /not a Fieldstage site file/],
      [{ 'fieldstage.db': 'x' }, /no manifest/],
    ];
    for (const [entries, reason] of cases) {
      const target = staging();
      await expect(importSite({ file: fileOf(entries), staging: target, laptopBox: boxB, ...quiet })).rejects.toThrow(reason);
    }
  });

  it('an export can be cancelled and leaves no file behind', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = join(mkdtempSync(join(tmpdir(), 'fieldstage-out-')), 's.fieldstage-site');
    await expect(
      exportSite({
        siteDir: site(),
        siteName: 's',
        appVersion: 't',
        now: 0,
        laptopBox: boxA,
        workDir: `${out}.work`,
        out,
        signal: controller.signal,
        progress: () => undefined,
      }),
    ).rejects.toThrow(/cancelled/);
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
  });
});
