import { readFileSync, readdirSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSendable, buildServiceMessage, unsendableReason } from '../../electron/core/wpi/build.js';
import { UnsendableItemError } from '../../electron/core/wpi/errors.js';
import { ACTIONS, FACTORY_RESET_PASSWORD, type ServiceMessage, type WpiItem } from '../../shared/protocol.js';
import { problemsOfSentMessages, rootLocalName, validateAgainstXsd } from '../support/xmllint.js';

/** Every message built here is also validated against the XSD after the test. */
const SENT: string[] = [];
const build = (msg: ServiceMessage): string => {
  const xml = buildServiceMessage(msg);
  SENT.push(xml);
  return xml;
};

afterEach(() => {
  expect(problemsOfSentMessages(SENT.splice(0))).toEqual([]);
});

const SAMPLES = new URL('../fixtures/wpi/schema-samples/', import.meta.url);
const NONCE = '7C1E55A0D2B34F6C9A8E7D6C5B4A3921';

/** Every message form the service can send (wpi-protocol.md §7.4, §9). */
const FORMS: Record<string, ServiceMessage> = {
  readAll: { nonce: NONCE, action: 'ReadAllItems' },
  readItems: {
    nonce: NONCE,
    action: 'ReadItems',
    items: [
      { name: 'reg-addr', value: '' },
      { name: 'wbm-server-certificate-info', value: '' },
      { name: 'function-key-def', index: 1001, value: '' },
    ],
  },
  readItemsEmpty: { nonce: NONCE, action: 'ReadItems', items: [] },
  write: {
    nonce: NONCE,
    action: 'WriteItems',
    items: [
      { name: 'sntp-addr', value: 'pool.example.net' },
      { name: 'sntp-tz-offset', value: '60' },
      { name: 'function-key-def', index: 1, value: '3' },
      { name: 'key-label-unicode', index: 1, value: 'Rückruf' },
      { name: 'XML-app-name', index: 0, value: 'app_1' },
      { name: 'Canonical-dialing-local-node', value: '' },
      { name: 'ng911-location-ca', value: '0=DE,3=Munich,22=Room 7' },
    ],
  },
  secureModeNoPin: {
    nonce: NONCE,
    action: 'WriteItems',
    items: [
      { name: 'goto-secure-mode', value: 'nopin' },
      { name: 'dls-client-certificate', value: 'MIIK+/=' },
      { name: 'dls-server-ca', index: 0, value: '-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----' },
      { name: 'dls-server-ca', index: 1, value: '-----BEGIN CERTIFICATE-----\r\nMIIE\r\n-----END CERTIFICATE-----' },
      { name: 'dls-secure-port', value: '18444' },
    ],
  },
  restart: { nonce: NONCE, action: 'Restart' },
  factoryReset: {
    nonce: NONCE,
    action: 'Restart',
    items: [
      { name: 'restart-password', value: FACTORY_RESET_PASSWORD },
      { name: 'restart-type', value: 'FactoryReset' },
    ],
  },
  fileFtp: {
    nonce: NONCE,
    action: 'FileDeployment',
    items: [
      { name: 'file-server', value: '10.0.0.5' },
      { name: 'file-port', value: '21' },
      { name: 'file-username', value: 'ftp' },
      { name: 'file-pwd', value: 'secret' },
      { name: 'file-path', value: '/media' },
      { name: 'file-name', value: 'ring 1.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ],
  },
  fileMulti: {
    nonce: NONCE,
    action: 'FileDeployment',
    items: [
      { name: 'file-https-base-url', value: 'https://10.0.0.5:18443/files/logo.png' },
      { name: 'file-name', index: 1, value: 'logo.png' },
      { name: 'file-type', index: 1, value: 'LOGO' },
      { name: 'file-action', index: 1, value: 'deploy' },
      { name: 'file-name', index: 2, value: 'old.wav' },
      { name: 'file-type', index: 2, value: 'RINGTONE' },
      { name: 'file-action', index: 2, value: 'delete' },
    ],
  },
  software: {
    nonce: NONCE,
    action: 'SoftwareDeployment',
    items: [
      { name: 'file-server', value: '10.0.0.5' },
      { name: 'file-name', value: 'OS40_SIP_V3_R5_12_0.img' },
      { name: 'file-type', value: 'APP' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: '3.5.12.0' },
      { name: 'file-priority', value: 'normal' },
    ],
  },
  cleanUp: { nonce: NONCE, action: 'CleanUp' },
  cleanUpSolicited: { nonce: NONCE, action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] },
  getNextFragment: { nonce: 'ab15234de14f15a667c6f8d', action: 'GetNextFragment' },
};

const reader = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  isArray: (name) => name === 'Item',
});

/** Semantic content of a DLSMessage, for comparing with the spec's samples. */
function content(xml: string): { nonce: string; action: string; items: WpiItem[] | undefined } {
  const doc = reader.parse(xml) as { DLSMessage: { Message: Record<string, unknown> } };
  const message = doc.DLSMessage.Message;
  const list = message.ItemList as { Item?: Array<Record<string, string> | string> } | string | undefined;
  const items =
    list === undefined
      ? undefined
      : typeof list === 'string'
        ? []
        : (list.Item ?? []).map((raw) => {
            const node = typeof raw === 'string' ? { '#text': raw } : raw;
            const item: WpiItem = { name: node['@name'] as string, value: node['#text'] ?? '' };
            if (node['@index'] !== undefined) item.index = Number(node['@index']);
            return item;
          });
  return { nonce: message['@nonce'] as string, action: message.Action as string, items };
}

describe('xmllint helper (self-test)', () => {
  it('all 14 valid schema samples validate in one call', () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'));
    expect(files).toHaveLength(14);
    const results = validateAgainstXsd(files.map((f) => readFileSync(new URL(f, SAMPLES), 'utf8')));
    results.forEach((r, i) => expect(r, files[i]).toEqual({ valid: true, errors: [] }));
  });

  it('all 8 invalid samples fail, each with an error message', () => {
    const dir = new URL('invalid/', SAMPLES);
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
    expect(files).toHaveLength(8);
    const results = validateAgainstXsd(files.map((f) => readFileSync(new URL(f, dir), 'utf8')));
    results.forEach((r, i) => {
      expect(r.valid, files[i]).toBe(false);
      expect(r.errors.length, files[i]).toBeGreaterThan(0);
    });
  });

  it('a document that is not even well-formed is invalid, and does not spoil its neighbours', () => {
    const good = build({ nonce: 'A', action: 'CleanUp' });
    const [a, b, c] = validateAgainstXsd([good, '<DLSMessage', good]);
    expect(a?.valid).toBe(true);
    expect(b?.valid).toBe(false);
    expect(b?.errors.join(' ')).toMatch(/parser error|Premature|expected/i);
    expect(c?.valid).toBe(true);
    expect(validateAgainstXsd(good)).toEqual({ valid: true, errors: [] });
  });

  it('sent-message check also insists on the DLSMessage root (the XSD allows both roots)', () => {
    const phone = readFileSync(new URL('startup-workpoint.xml', SAMPLES), 'utf8');
    expect(validateAgainstXsd(phone).valid).toBe(true);
    expect(problemsOfSentMessages([phone])).toHaveLength(1);
    expect(rootLocalName(phone)).toBe('WorkpointMessage');
    expect(rootLocalName('<?xml version="1.0"?>\n<!-- c --><w:DLSMessage xmlns:w="x"/>')).toBe('DLSMessage');
  });
});

describe('buildServiceMessage', () => {
  it('every action form validates against wpi.xsd (one xmllint run)', () => {
    const built = Object.values(FORMS).map((m) => build(m));
    expect(problemsOfSentMessages(built)).toEqual([]);
  });

  it('every action of the vocabulary, with and without ItemList, validates', () => {
    const built = ACTIONS.flatMap((action) => [
      build({ nonce: 'N1', action }),
      build({ nonce: 'N1', action, items: [] }),
      build({ nonce: 'N1', action, items: [{ name: 'x', index: 0, value: 'y' }] }),
    ]);
    expect(problemsOfSentMessages(built)).toEqual([]);
  });

  it('declaration, namespace and xsi attributes are exactly the spec skeleton (§7.1)', () => {
    const xml = build(FORMS.cleanUp as ServiceMessage);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">' +
        `<Message nonce="${NONCE}"><Action>CleanUp</Action></Message></DLSMessage>`,
    );
  });

  it('children inherit the default namespace: no xmlns="" and no prefixes anywhere', () => {
    for (const form of Object.values(FORMS)) {
      const xml = build(form);
      expect(xml.match(/xmlns=/g)).toHaveLength(1);
      expect(xml).not.toContain('xmlns=""');
      expect(xml).not.toMatch(/<\/?[A-Za-z]+:/);
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><DLSMessage ')).toBe(true);
    }
  });

  it('Action before ItemList; no ItemList when items is undefined; empty ItemList when []', () => {
    expect(build({ nonce: 'A', action: 'ReadAllItems' })).not.toContain('ItemList');
    expect(build({ nonce: 'A', action: 'ReadItems', items: [] })).toMatch(
      /<Action>ReadItems<\/Action><ItemList(\/>|><\/ItemList>)<\/Message>/,
    );
    const xml = build(FORMS.write as ServiceMessage);
    expect(xml.indexOf('<Action>')).toBeLessThan(xml.indexOf('<ItemList>'));
  });

  it('items keep order, index and values exactly; no status or type attribute is sent', () => {
    // A raw CR goes out unescaped (phones may not decode &#xD;); any XML reader turns CRLF into LF.
    const lineEnds = (items: WpiItem[] | undefined): WpiItem[] | undefined =>
      items?.map((i) => ({ ...i, value: i.value.replace(/\r\n?/g, '\n') }));
    for (const form of Object.values(FORMS)) {
      const xml = build(form);
      expect(content(xml)).toEqual({ nonce: form.nonce, action: form.action, items: lineEnds(form.items) });
      expect(xml).not.toContain('status=');
    }
    const withStatus = build({ nonce: 'A', action: 'WriteItems', items: [{ name: 'a', value: 'b', status: 'read only' }] });
    expect(withStatus).not.toContain('status=');
    expect(validateAgainstXsd(withStatus).valid).toBe(true);
  });

  it('ReadItems asks with empty elements', () => {
    const xml = build(FORMS.readItems as ServiceMessage);
    expect(xml).toMatch(/<Item name="reg-addr"(\/>|><\/Item>)/);
    expect(xml).toMatch(/<Item name="function-key-def" index="1001"(\/>|><\/Item>)/);
  });

  it('factory reset carries restart-password 124816 and restart-type FactoryReset (§9.9)', () => {
    const xml = build(FORMS.factoryReset as ServiceMessage);
    expect(xml).toContain(
      '<Action>Restart</Action><ItemList><Item name="restart-password">124816</Item><Item name="restart-type">FactoryReset</Item></ItemList>',
    );
  });

  it('matches the content of the spec samples it corresponds to', () => {
    const pairs: Array<[string, ServiceMessage]> = [
      ['dls-cleanup.xml', { nonce: '7C1E55A0D2B34F6C9A8E7D6C5B4A3921', action: 'CleanUp' }],
      [
        'dls-cleanup-send-solicited.xml',
        { nonce: '957AE6C2E40C0E916B7CD5636480F171', action: 'CleanUp', items: [{ name: 'send-solicited', value: 'true' }] },
      ],
      ['dls-readallitems.xml', { nonce: '3F2A9C01B7D44E5A8C6B0D1E2F304152', action: 'ReadAllItems' }],
      ['dls-getnextfragment.xml', { nonce: 'B0151B36FE9CEEA0F667FF3A208AC994', action: 'GetNextFragment' }],
      ['dls-restart.xml', { nonce: 'ab15234de14f15a667c6f8d', action: 'Restart' }],
      [
        'dls-readitems.xml',
        {
          nonce: '43C308AE8D03F14392F565075A9922FB',
          action: 'ReadItems',
          items: [
            { name: 'wbm-server-certificate-info', value: '' },
            { name: 'bootstrapping-tan', value: '' },
          ],
        },
      ],
      [
        'dls-writeitems.xml',
        {
          nonce: '7C1E55A0D2B34F6C9A8E7D6C5B4A3921',
          action: 'WriteItems',
          items: [
            { name: 'ng911-location-source', value: '2' },
            { name: 'ng911-location-ca', value: '0=DE,3=Munich,22=Room 7' },
            { name: 'function-key-def', index: 1, value: '3' },
            { name: 'key-label-unicode', index: 1, value: 'Redial' },
            { name: 'function-key-def', index: 1001, value: '0' },
            { name: 'cfu-ext-activated', value: 'true' },
            { name: 'cfu-ext-address', value: 'sip:4711@example.com' },
          ],
        },
      ],
      [
        'dls-filedeployment.xml',
        {
          nonce: '2253A404241C11D774122654989181BC',
          action: 'FileDeployment',
          items: [
            { name: 'file-https-base-url', value: 'https://files.example.com/openstage/' },
            { name: 'file-name', index: 1, value: 'company-logo.png' },
            { name: 'file-type', index: 1, value: 'LOGO' },
            { name: 'file-action', index: 1, value: 'deploy' },
          ],
        },
      ],
    ];
    for (const [file, msg] of pairs) {
      const sampleXml = readFileSync(new URL(file, SAMPLES), 'utf8');
      expect(content(build(msg)), file).toEqual(content(sampleXml));
    }
  });

  it('UTF-8: umlauts and non-BMP characters survive as real UTF-8 bytes, not entities', () => {
    const value = 'Grüße aus München – Ω 😀';
    const xml = build({ nonce: 'A', action: 'WriteItems', items: [{ name: 'key-label-unicode', index: 1, value }] });
    expect(xml).toContain(value);
    expect(xml).not.toMatch(/&#/);
    const bytes = Buffer.from(xml, 'utf8');
    expect(bytes.includes(Buffer.from([0xc3, 0xbc]))).toBe(true); // ü
    expect(bytes.includes(Buffer.from([0xf0, 0x9f, 0x98, 0x80]))).toBe(true); // 😀
    expect(content(bytes.toString('utf8')).items?.[0]?.value).toBe(value);
    expect(validateAgainstXsd(xml).valid).toBe(true);
  });

  it('quotes and apostrophes in values are fine; whitespace inside values is kept', () => {
    const items: WpiItem[] = [
      { name: 'a', value: 'say "hi" it\'s' },
      { name: 'b', value: '  padded  ' },
      { name: 'c', value: 'tab\there\nnewline' },
    ];
    const xml = build({ nonce: 'A', action: 'WriteItems', items });
    expect(validateAgainstXsd(xml).valid).toBe(true);
    expect(xml).toContain('<Item name="b">  padded  </Item>');
    expect(xml).toContain('say "hi" it\'s');
  });

  it('a nonce with XML-special characters is escaped in the attribute and still validates', () => {
    const xml = build({ nonce: 'a&b<c"d', action: 'CleanUp' });
    expect(xml).toContain('nonce="a&amp;b&lt;c&quot;d"');
    expect(validateAgainstXsd(xml).valid).toBe(true);
  });

  it.each([
    ['<', 'a<b'],
    ['>', 'a>b'],
    ['&', 'Tom & Jerry'],
    ['an entity', '&amp;'],
    ['markup', '<Item name="x">y</Item>'],
  ])('a value with %s throws UnsendableItemError naming the item', (_label, value) => {
    const msg: ServiceMessage = {
      nonce: 'A',
      action: 'WriteItems',
      items: [
        { name: 'fine', value: 'ok' },
        { name: 'key-label-unicode', index: 3, value },
      ],
    };
    let error: unknown;
    try {
      build(msg);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsendableItemError);
    expect((error as UnsendableItemError).itemName).toBe('key-label-unicode');
    expect((error as UnsendableItemError).message).toContain('key-label-unicode');
    expect((error as UnsendableItemError).name).toBe('UnsendableItemError');
  });

  it.each(['', '1abc', '-x', '_x', 'a b', 'a:b', 'a.b', 'Größe', 'a/b', 'name"', ' padded', 'tab\t'])(
    'invalid item name %j is refused',
    (name) => {
      expect(() => build({ nonce: 'A', action: 'ReadItems', items: [{ name, value: '' }] })).toThrow(UnsendableItemError);
      expect(unsendableReason({ name, value: '' })).toMatch(/not a valid WPI item name/);
    },
  );

  it.each(['a', 'A1', 'XML-app-name', 'Canonical-dialing-local-node', 'x_y', 'e164'])('valid item name %j is accepted', (name) => {
    expect(unsendableReason({ name, value: 'v' })).toBeNull();
  });

  it.each([
    ['NUL', '\u0000'],
    ['SOH', '\u0001'],
    ['BS', '\u0008'],
    ['VT', '\u000B'],
    ['FF', '\u000C'],
    ['ESC', '\u001B'],
    ['US', '\u001F'],
    ['U+FFFE', '\uFFFE'],
    ['U+FFFF', '\uFFFF'],
    ['a lone high surrogate', '\uD83D'],
    ['a lone low surrogate', '\uDE00'],
    ['reversed surrogates', '\uDE00\uD83D'],
  ])('control or non-XML character %s is refused', (_label, ch) => {
    const items = [{ name: 'display-id', value: `abc${ch}def` }];
    expect(() => build({ nonce: 'A', action: 'WriteItems', items })).toThrow(UnsendableItemError);
    expect(() => assertSendable(items)).toThrow(/display-id/);
  });

  it('tab, newline, carriage return, DEL, C1 and surrogate pairs are sendable and validate', () => {
    const items = [
      { name: 'a', value: 'x\ty\nz\r' },
      { name: 'b', value: '\u007F\u0085\u009F' },
      { name: 'c', value: '😀\uD83D\uDE00' },
    ];
    expect(() => assertSendable(items)).not.toThrow();
    expect(validateAgainstXsd(build({ nonce: 'A', action: 'WriteItems', items })).valid).toBe(true);
  });

  it('nothing is built when any item is unsendable (no partial message)', () => {
    expect(() =>
      build({
        nonce: 'A',
        action: 'WriteItems',
        items: [
          { name: 'ok', value: '1' },
          { name: 'bad', value: '<' },
        ],
      }),
    ).toThrow(UnsendableItemError);
  });

  it('a large message (1,000 items, 45 kB) builds, stays valid and is byte-exact', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ name: `item-${i}`, index: i, value: 'ä'.repeat(10) }));
    const xml = build({ nonce: NONCE, action: 'WriteItems', items });
    expect(content(xml).items).toEqual(items);
    expect(validateAgainstXsd(xml).valid).toBe(true);
  });
});
