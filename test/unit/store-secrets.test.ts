import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import Database from 'better-sqlite3';
import { Store } from '../../electron/core/store/index.js';
import { createKeyFileSecretBox, isLoggedAsSecret, isSecretName, redactItems, redactXml } from '../../electron/core/store/secrets.js';
import { HOSTILE_REDACT_INPUTS } from '../support/hostile-xml.js';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-secrets-'));

describe('createKeyFileSecretBox', () => {
  it('round-trips values, with a fresh IV each time', () => {
    const box = createKeyFileSecretBox(path.join(tempDir(), 'key'));
    const a = box.encrypt('s3cr3t-Ä€');
    const b = box.encrypt('s3cr3t-Ä€');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('s3cr3t'))).toBe(false);
    expect(box.decrypt(a)).toBe('s3cr3t-Ä€');
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('creates a 32-byte key file with mode 0600 and reuses it', () => {
    const file = path.join(tempDir(), 'nested', 'secret.key');
    const sealed = createKeyFileSecretBox(file).encrypt('pw');
    expect(fs.statSync(file).size).toBe(32);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(createKeyFileSecretBox(file).decrypt(sealed)).toBe('pw');
  });

  it.skipIf(process.platform === 'win32')('tightens a key file that is readable by others', () => {
    const file = path.join(tempDir(), 'key');
    createKeyFileSecretBox(file);
    fs.chmodSync(file, 0o644);
    createKeyFileSecretBox(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a key file of the wrong size instead of replacing it', () => {
    const file = path.join(tempDir(), 'key');
    fs.writeFileSync(file, 'short', { mode: 0o600 });
    expect(() => createKeyFileSecretBox(file)).toThrow(/expected 32/);
    expect(fs.readFileSync(file, 'utf8')).toBe('short');
  });

  it('rejects tampered blobs and blobs from another key', () => {
    const dir = tempDir();
    const box = createKeyFileSecretBox(path.join(dir, 'a'));
    const other = createKeyFileSecretBox(path.join(dir, 'b'));
    const blob = box.encrypt('password');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => box.decrypt(tampered)).toThrow();
    expect(() => other.decrypt(blob)).toThrow();
    expect(() => box.decrypt(Buffer.from('xx'))).toThrow(/unknown format/);
  });
});

describe('isSecretName', () => {
  it('knows catalogue secrets in any case and with stray blanks', () => {
    expect(isSecretName('sip-pwd')).toBe(true);
    expect(isSecretName(' SIP-PWD ')).toBe(true);
    expect(isSecretName('admin-pwd')).toBe(true);
    expect(isSecretName('e164')).toBe(false);
  });
});

describe('redactItems', () => {
  it('masks secret values only, leaving empty ones and the input alone', () => {
    const items = [
      { name: 'sip-pwd', value: 'hunter2' },
      { name: 'line-sip-pwd', index: 3, value: 'x' },
      { name: 'user-pwd', value: '' },
      { name: 'e164', value: '3001' },
      { name: 'admin-pwd', status: 'read only' },
    ];
    expect(redactItems(items)).toEqual([
      { name: 'sip-pwd', value: SECRET_MASK },
      { name: 'line-sip-pwd', index: 3, value: SECRET_MASK },
      { name: 'user-pwd', value: '' },
      { name: 'e164', value: '3001' },
      { name: 'admin-pwd', status: 'read only' },
    ]);
    expect(items[0]?.value).toBe('hunter2');
  });
});

describe('redactXml', () => {
  const masked = (inner: string): string => `<ItemList>${inner}</ItemList>`;

  it('masks secret items and leaves everything else byte for byte', () => {
    const xml = masked('<Item name="e164">3001</Item><Item name="sip-pwd">hunter2</Item>\n<Item name="line-sip-pwd" index="2">pw2</Item>');
    expect(redactXml(xml)).toBe(
      masked(
        `<Item name="e164">3001</Item><Item name="sip-pwd">${SECRET_MASK}</Item>\n<Item name="line-sip-pwd" index="2">${SECRET_MASK}</Item>`,
      ),
    );
  });

  it.each([
    ['attribute order and single quotes', `<Item index='1' status="failed" name='sip-pwd'>hunter2</Item>`],
    ['namespace prefix', '<dls:Item name="sip-pwd">hunter2</dls:Item>'],
    ['other case', '<ITEM NAME="SIP-PWD">hunter2</ITEM>'],
    ['blanks around = and in the name', '<Item name = " sip-pwd ">hunter2</Item >'],
    ['entity in the name', '<Item name="sip&#45;pwd">hunter2</Item>'],
    ['unquoted attribute', '<Item name=sip-pwd>hunter2</Item>'],
    ['> inside another attribute', '<Item status="a>b" name="sip-pwd">hunter2</Item>'],
    ['CDATA', '<Item name="sip-pwd"><![CDATA[hun</Item>ter2]]></Item>'],
    ['comment inside', '<Item name="sip-pwd">hun<!-- x -->ter2</Item>'],
    ['nested element', '<Item name="sip-pwd"><b>hunter2</b>tail</Item>'],
    ['missing end tag', '<Item name="sip-pwd">hunter2<Item name="e164">3001</Item>'],
    ['truncated content', '<Item name="sip-pwd">hunter2'],
    ['truncated CDATA', '<Item name="sip-pwd"><![CDATA[hunter2'],
  ])('masks with %s', (_label, xml) => {
    const out = redactXml(xml);
    expect(out).toContain(SECRET_MASK);
    expect(out).not.toContain('hunter2');
    expect(out).not.toMatch(/hun|ter2/);
  });

  it('keeps the end tag and what follows a masked item', () => {
    expect(redactXml('<Item name="sip-pwd">a</Item><Item name="e164">3001</Item>')).toBe(
      `<Item name="sip-pwd">${SECRET_MASK}</Item><Item name="e164">3001</Item>`,
    );
    expect(redactXml('<Item name="sip-pwd">a<Item name="e164">3001</Item>')).toBe(
      `<Item name="sip-pwd">${SECRET_MASK}<Item name="e164">3001</Item>`,
    );
  });

  it('leaves empty, whitespace-only and self-closing secret items alone', () => {
    const xml = '<Item name="sip-pwd"></Item><Item name="user-pwd">  </Item><Item name="admin-pwd"/>';
    expect(redactXml(xml)).toBe(xml);
  });

  it('does not take look-alike names or attributes for secrets', () => {
    const xml = '<Item name="sip-pwd-x">a</Item><Item data-name="sip-pwd">b</Item><Itemx name="sip-pwd">c</Itemx>';
    expect(redactXml(xml)).toBe(xml);
  });

  it('masks a WriteItems message as the service builds it', () => {
    const xml = buildServiceMessage({
      nonce: 'ABC',
      action: 'WriteItems',
      items: [
        { name: 'sip-pwd', value: 'Pangolin-Secret' },
        { name: 'file-pwd', index: 2, value: 'Pangolin-Secret' },
        { name: 'e164', value: '3001' },
      ],
    });
    const out = redactXml(xml);
    expect(out).not.toContain('Pangolin-Secret');
    expect(out.split(SECRET_MASK)).toHaveLength(3);
    expect(out).toContain('3001');
  });

  it('masks secrets in the fixture reply and keeps it otherwise intact', () => {
    const fixture = fs.readFileSync(new URL('../fixtures/readallitems-os60-v3r1.xml', import.meta.url), 'utf8');
    const xml = fixture.replace('<Item name="sip-pwd">******</Item>', '<Item name="sip-pwd">Sup3rS3cret</Item>');
    expect(xml).toContain('Sup3rS3cret');
    const out = redactXml(xml);
    expect(out).not.toContain('Sup3rS3cret');
    expect(out).toBe(fixture);
  });

  it.each([
    ['truncated tags', '<Item name="sip-pwd'],
    ['a lone <', '<'],
    ['garbage', '<<>>"\'</ Item ><!-- <![CDATA[ <?'],
    ['empty', ''],
    ['text only', 'no markup at all'],
  ])('never throws on %s', (_label, xml) => {
    expect(() => redactXml(xml)).not.toThrow();
  });

  // How fast each is redacted is measured by `npm run bench` (codec, hostile cases).
  it.each(HOSTILE_REDACT_INPUTS.map((input, i) => [i, input] as const))('redacts 1 MB hostile input %i without throwing', (_i, input) => {
    expect(typeof redactXml(input)).toBe('string');
  });
});

describe('credentials the catalogue does not know', () => {
  it('are masked in the exchange log and log lines; isSecretName stays the catalogue rule', () => {
    expect(isLoggedAsSecret('vpn-pwd')).toBe(true);
    expect(isLoggedAsSecret('wlan-passphrase')).toBe(true);
    expect(isLoggedAsSecret('sip-pwd')).toBe(true);
    expect(isLoggedAsSecret('admin-pwd-status')).toBe(false);
    expect(isLoggedAsSecret('pin-code-length')).toBe(false);
    expect(isSecretName('vpn-pwd')).toBe(false);
    expect(redactXml('<Item name="vpn-pwd">hunter2</Item>')).toBe('<Item name="vpn-pwd">******</Item>');
  });
});

describe('credentials in clear from older versions', () => {
  it('are sealed when the store opens', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-seal-'));
    const file = path.join(dir, 'f.db');
    const secrets = createKeyFileSecretBox(path.join(dir, 'secret.key'));
    try {
      const mac = '00:1A:E8:00:00:01';
      const store = Store.open(file, { secrets });
      store.phones.upsertContact({ mac, maxItems: -1, lastReason: 'start-up', at: 1 }, 'adopted');
      store.inventory.merge(mac, [{ name: 'sntp-addr', value: 'pool.example.net' }], 1);
      store.close();
      // What a version that sealed catalogue secrets only left behind.
      const raw = new Database(file);
      raw
        .prepare(
          "INSERT INTO inventory (mac, name, idx, value, sealed, status, updated_at) VALUES (?, 'voicemail-pwd', -1, 'hunter2', NULL, NULL, 1)",
        )
        .run(mac);
      raw.close();

      const reopened = Store.open(file, { secrets });
      expect(reopened.inventory.get(mac, 'voicemail-pwd')?.value).toBe(SECRET_MASK);
      expect(reopened.inventory.get(mac, 'voicemail-pwd', undefined, { reveal: true })?.value).toBe('hunter2');
      expect(reopened.inventory.get(mac, 'sntp-addr')?.value).toBe('pool.example.net');
      reopened.close();
      const check = new Database(file, { readonly: true });
      expect(check.prepare("SELECT value, sealed IS NOT NULL AS sealed FROM inventory WHERE name = 'voicemail-pwd'").get()).toEqual({
        value: null,
        sealed: 1,
      });
      check.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
