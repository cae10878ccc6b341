import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WpiParseError, type WpiParseErrorCode } from '../../electron/core/wpi/errors.js';
import { decodeBody, MAX_ELEMENT_DEPTH, parsePhoneMessage, REPLACED_CONTROL, sniffNonce } from '../../electron/core/wpi/parse.js';
import type { PhoneMessage } from '../../shared/protocol.js';
import { billionLaughs } from '../support/hostile-xml.js';

const SAMPLES = new URL('../fixtures/wpi/schema-samples/', import.meta.url);
const sample = (name: string): string => readFileSync(new URL(name, SAMPLES), 'utf8');
const FIXTURE_329 = readFileSync(new URL('../fixtures/readallitems-os60-v3r1.xml', import.meta.url), 'utf8');

const NS =
  'xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"';
const NONCE = '5C1E0A4F9B2D47C8A61E3F0B77D29A14';

/** A phone message around `inner` (the content of Message). */
function wp(inner: string, messageAttrs = `nonce="${NONCE}" maxItems="-1"`, root = 'WorkpointMessage', ns = NS): string {
  return `<${root} ${ns}><Message ${messageAttrs}>${inner}</Message></${root}>`;
}

function parseError(body: string | Buffer): WpiParseError {
  try {
    parsePhoneMessage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(WpiParseError);
    return error as WpiParseError;
  }
  throw new Error('expected a WpiParseError, but the message parsed');
}

function expectRejected(body: string | Buffer, code: WpiParseErrorCode, nonce?: string): WpiParseError {
  const error = parseError(body);
  expect(error.code).toBe(code);
  expect(error.nonce).toBe(nonce);
  return error;
}

describe('parsePhoneMessage: schema samples (phone → service)', () => {
  it('start-up with basic items, no maxItems, no fragment', () => {
    const m = parsePhoneMessage(sample('startup-workpoint.xml'));
    expect(m).toMatchObject({ nonce: '3F2A9C01B7D44E5A8C6B0D1E2F304152', maxItems: -1, fragment: 'final', reason: 'start-up' });
    expect(m.action).toBeUndefined();
    expect(m.status).toBeUndefined();
    expect(m.items).toHaveLength(10);
    expect(m.items[0]).toEqual({ name: 'device-type', value: 'OpenStage 60' });
    expect(m.items.find((i) => i.name === 'mac-addr')?.value).toBe('00:1A:E8:00:00:01');
    expect(m.items.find((i) => i.name === 'user-pwd-unicode')).toEqual({ name: 'user-pwd-unicode', value: '', status: 'failed' });
  });

  it('reply-to busy without ItemList', () => {
    const m = parsePhoneMessage(sample('reply-to-busy.xml'));
    expect(m).toEqual({
      nonce: '957AE6C2E40C0E916B7CD5636480F171',
      maxItems: -1,
      fragment: 'final',
      reason: 'reply-to',
      action: 'WriteItems',
      status: 'busy',
      items: [],
    });
  });

  it('first fragment of a ReadItems reply with indexed and status items', () => {
    const m = parsePhoneMessage(sample('reply-to-readitems-fragment-next.xml'));
    expect(m).toMatchObject({
      nonce: 'B0151B36FE9CEEA0F667FF3A208AC994',
      fragment: 'next',
      reason: 'reply-to',
      action: 'ReadItems',
      status: 'accepted',
    });
    expect(m.items).toEqual([
      { name: 'device-type', value: 'OpenStage 80' },
      { name: 'locked-config-menus', index: 1, value: 'false' },
      { name: 'no-such-item', value: '', status: 'unknown item' },
      { name: 'device-type', value: 'OpenStage 80', status: 'read only' },
    ]);
  });

  it('accepted WriteItems reply: reason on its own line, empty ItemList', () => {
    const m = parsePhoneMessage(sample('reply-to-writeitems-accepted.xml'));
    expect(m).toMatchObject({ reason: 'reply-to', action: 'WriteItems', status: 'accepted', fragment: 'final', items: [] });
  });

  it('status report of a file deployment with indexed file-deployment-* items', () => {
    const m = parsePhoneMessage(sample('status-file-deployment.xml'));
    expect(m.reason).toBe('status');
    expect(m.items.find((i) => i.name === 'file-deployment-status')).toEqual({ name: 'file-deployment-status', index: 1, value: 'ok' });
    expect(m.items.find((i) => i.name === 'file-deployment-name')?.value).toBe('company-logo.png');
  });

  it('the 329-item ReadAllItems fixture, in document order', () => {
    const m = parsePhoneMessage(FIXTURE_329);
    expect(m).toMatchObject({ reason: 'reply-to', action: 'ReadAllItems', status: 'accepted', fragment: 'final', maxItems: -1 });
    expect(m.items).toHaveLength(329);
    expect(m.items[0]).toEqual({ name: 'device-type', value: 'OpenStage 60' });
    expect(m.items.find((i) => i.name === 'software-version')?.value).toBe('V3 R1.41.1');
    expect(m.items.every((i) => i.name.length > 0)).toBe(true);
    const names = [...FIXTURE_329.matchAll(/<Item name="([^"]+)"/g)].map((x) => x[1]);
    expect(m.items.map((i) => i.name)).toEqual(names);
  });

  it('every valid phone sample parses; every DLSMessage sample is refused as wrong root', () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBe(14);
    for (const f of files) {
      const xml = sample(f);
      if (/<WorkpointMessage/.test(xml)) {
        expect(() => parsePhoneMessage(xml), f).not.toThrow();
      } else {
        const error = parseError(xml);
        expect(error.code, f).toBe('wrong-root');
        // The nonce is still sniffed so the CleanUp can echo it.
        expect(error.nonce, f).toMatch(/^[0-9A-Fa-f]+$/);
      }
    }
  });

  it('invalid samples: refused with the right code, or accepted where leniency is wanted', () => {
    const invalid = (f: string): string => readFileSync(new URL(`invalid/${f}`, SAMPLES), 'utf8');
    expectRejected(invalid('bad-reason.xml'), 'unknown-reason', 'AA');
    expectRejected(invalid('bad-fragment.xml'), 'bad-attribute', 'AA');
    // No ReasonForContact at all (an Action instead): no known reason.
    expectRejected(invalid('action-in-phone-message.xml'), 'unknown-reason', 'AA');
    // Unknown item statuses are kept as sent (shared/protocol.ts WpiItem.status).
    expect(parsePhoneMessage(invalid('bad-item-status.xml')).items).toEqual([{ name: 'e164', value: '1', status: 'weird' }]);
    for (const f of ['bad-action.xml', 'item-without-name.xml', 'no-namespace.xml']) {
      expect(parseError(invalid(f)).code, f).toBe('wrong-root');
    }
    expectRejected(invalid('missing-nonce.xml'), 'wrong-root', undefined);
  });
});

describe('parsePhoneMessage: leniency', () => {
  const startUp = '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="mac-addr">00:1A:E8:12:34:56</Item></ItemList>';
  const expected: PhoneMessage = {
    nonce: NONCE,
    maxItems: -1,
    fragment: 'final',
    reason: 'start-up',
    items: [{ name: 'mac-addr', value: '00:1A:E8:12:34:56' }],
  };

  it.each([
    ['lower case', 'workpointmessage'],
    ['upper case', 'WORKPOINTMESSAGE'],
    ['mixed case', 'WorkPointMessage'],
  ])('root element in %s', (_label, root) => {
    expect(parsePhoneMessage(wp(startUp, undefined, root))).toEqual(expected);
  });

  it('all element and attribute names in lower case', () => {
    const xml = `<workpointmessage><message NONCE="${NONCE}" MAXITEMS="7"><reasonforcontact ACTION="ReadAllItems" STATUS="accepted">reply-to</reasonforcontact><itemlist><item NAME="e164" INDEX="2">1</item></itemlist></message></workpointmessage>`;
    expect(parsePhoneMessage(xml)).toEqual({
      nonce: NONCE,
      maxItems: 7,
      fragment: 'final',
      reason: 'reply-to',
      action: 'ReadAllItems',
      status: 'accepted',
      items: [{ name: 'e164', index: 2, value: '1' }],
    });
  });

  it('no namespace at all', () => {
    expect(parsePhoneMessage(wp(startUp, undefined, 'WorkpointMessage', ''))).toEqual(expected);
  });

  it('the guide slip namespace http://mydomain/provisioning', () => {
    expect(parsePhoneMessage(wp(startUp, undefined, 'WorkpointMessage', 'xmlns="http://mydomain/provisioning"'))).toEqual(expected);
  });

  it('prefixed namespace on every element', () => {
    const xml =
      `<w:WorkpointMessage xmlns:w="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">` +
      `<w:Message nonce="${NONCE}" maxItems="-1"><w:ReasonForContact>start-up</w:ReasonForContact>` +
      `<w:ItemList><w:Item name="mac-addr">00:1A:E8:12:34:56</w:Item></w:ItemList></w:Message></w:WorkpointMessage>`;
    expect(parsePhoneMessage(xml)).toEqual(expected);
  });

  it('XML declaration present (utf-8 and UTF-8) or absent, and a UTF-8 BOM', () => {
    expect(parsePhoneMessage(`<?xml version="1.0" encoding="utf-8"?>\n${wp(startUp)}`)).toEqual(expected);
    expect(parsePhoneMessage(`<?xml version="1.0" encoding="UTF-8"?>${wp(startUp)}`)).toEqual(expected);
    expect(parsePhoneMessage(wp(startUp))).toEqual(expected);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<?xml version="1.0"?>${wp(startUp)}`)]);
    expect(parsePhoneMessage(bom)).toEqual(expected);
  });

  it('comments and processing instructions are ignored', () => {
    const xml = `<?xml version="1.0"?><!-- a phone --><?foo bar?>${wp(`<!-- c --><ReasonForContact>start-up<!-- x --></ReasonForContact><ItemList><Item name="mac-addr">00:1A:E8:<!-- y -->12:34:56</Item></ItemList>`)}`;
    expect(parsePhoneMessage(xml)).toEqual(expected);
  });

  it('whitespace and newlines around the reason, attributes and values are trimmed', () => {
    const xml = `<WorkpointMessage ${NS}>
  <Message nonce="  ${NONCE}
  " maxItems=" 12 " fragment=" next ">
    <ReasonForContact action=" ReadAllItems " status="
accepted">
      reply-to
    </ReasonForContact>
    <ItemList>
      <Item name=" e164 " index=" 3 ">
        4930123
      </Item>
      <Item name="contact-me-uri">
http://10.0.0.21:8085/contact_dls.html/ContactDLS
</Item>
      <Item name="blank">   </Item>
    </ItemList>
  </Message>
</WorkpointMessage>
`;
    expect(parsePhoneMessage(xml)).toEqual({
      nonce: NONCE,
      maxItems: 12,
      fragment: 'next',
      reason: 'reply-to',
      action: 'ReadAllItems',
      status: 'accepted',
      items: [
        { name: 'e164', index: 3, value: '4930123' },
        { name: 'contact-me-uri', value: 'http://10.0.0.21:8085/contact_dls.html/ContactDLS' },
        { name: 'blank', value: '' },
      ],
    });
  });

  it('inner whitespace of values is kept (e.g. a PEM certificate)', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';
    const m = parsePhoneMessage(
      wp(
        `<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="dls-server-ca" index="0">\n${pem}\n</Item><Item name="device-type">OpenStage  40</Item></ItemList>`,
      ),
    );
    expect(m.items).toEqual([
      { name: 'dls-server-ca', index: 0, value: pem },
      { name: 'device-type', value: 'OpenStage  40' },
    ]);
  });

  it('fragment on Message, on ReasonForContact (guide p. 29 table), Message wins, missing = final', () => {
    const reply = '<ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact>';
    expect(parsePhoneMessage(wp(reply, `nonce="A" fragment="next"`)).fragment).toBe('next');
    expect(parsePhoneMessage(wp(reply, `nonce="A" fragment="final"`)).fragment).toBe('final');
    expect(parsePhoneMessage(wp(reply, `nonce="A"`)).fragment).toBe('final');
    const onReason = '<ReasonForContact action="ReadAllItems" status="accepted" fragment="next">reply-to</ReasonForContact>';
    expect(parsePhoneMessage(wp(onReason, `nonce="A"`)).fragment).toBe('next');
    expect(parsePhoneMessage(wp(onReason, `nonce="A" fragment="final"`)).fragment).toBe('final');
  });

  it.each([
    [undefined, -1],
    ['-1', -1],
    ['0', -1],
    ['1', 1],
    ['10', 10],
    ['abc', -1],
    ['2.5', -1],
    ['-7', -1],
  ])('maxItems %s → %d', (attr, expectedMax) => {
    const attrs = attr === undefined ? 'nonce="A"' : `nonce="A" maxItems="${attr}"`;
    expect(parsePhoneMessage(wp('<ReasonForContact>solicited</ReasonForContact>', attrs)).maxItems).toBe(expectedMax);
  });

  it('items with index and status; empty items in both notations; empty ItemList', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact action="WriteItems" status="accepted">reply-to</ReasonForContact><ItemList>' +
          '<Item status="unknown item" name="socketed-headset-mode"></Item>' +
          '<Item name="device-type" status="read only"/>' +
          '<Item name="function-key-def" index="1001" status="invalid index"/>' +
          '<Item name="key-label-unicode" index="0">Redial</Item>' +
          '<Item name="x" index="">y</Item>' +
          '<Item name="t" type="string">v</Item>' +
          '</ItemList>',
      ),
    );
    expect(m.items).toEqual([
      { name: 'socketed-headset-mode', value: '', status: 'unknown item' },
      { name: 'device-type', value: '', status: 'read only' },
      { name: 'function-key-def', index: 1001, value: '', status: 'invalid index' },
      { name: 'key-label-unicode', index: 0, value: 'Redial' },
      { name: 'x', value: 'y' },
      { name: 't', value: 'v' },
    ]);
    expect(parsePhoneMessage(wp('<ReasonForContact>solicited</ReasonForContact><ItemList/>')).items).toEqual([]);
    expect(parsePhoneMessage(wp('<ReasonForContact>solicited</ReasonForContact><ItemList>\n  \n</ItemList>')).items).toEqual([]);
    expect(parsePhoneMessage(wp('<ReasonForContact>solicited</ReasonForContact>')).items).toEqual([]);
  });

  it('a single Item is still a list', () => {
    const m = parsePhoneMessage(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="a">1</Item></ItemList>'));
    expect(m.items).toEqual([{ name: 'a', value: '1' }]);
  });

  it('repeated names are all kept, in order', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="a">1</Item><Item name="b">2</Item><Item name="a">3</Item></ItemList>',
      ),
    );
    expect(m.items.map((i) => i.value)).toEqual(['1', '2', '3']);
  });

  it('values that look like numbers or booleans stay strings', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="a">007</Item><Item name="b">true</Item><Item name="c">1e3</Item><Item name="d">-1</Item></ItemList>',
      ),
    );
    expect(m.items.map((i) => i.value)).toEqual(['007', 'true', '1e3', '-1']);
  });

  it('entities are decoded: predefined, decimal and hexadecimal references', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact>solicited</ReasonForContact><ItemList>' +
          '<Item name="a">Tom &amp; Jerry &lt;tag&gt; &quot;q&quot; &apos;s</Item>' +
          '<Item name="b">M&#252;ller &#x4D;&#xFC;nchen</Item>' +
          '<Item name="c">&amp;#60; stays literal</Item>' +
          '</ItemList>',
        `nonce="N&#x31;1"`,
      ),
    );
    expect(m.nonce).toBe('N11');
    expect(m.items).toEqual([
      { name: 'a', value: 'Tom & Jerry <tag> "q" \'s' },
      { name: 'b', value: 'Müller München' },
      { name: 'c', value: '&#60; stays literal' },
    ]);
  });

  it('CDATA sections, alone or with surrounding whitespace', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact><![CDATA[start-up]]></ReasonForContact><ItemList>' +
          '<Item name="a"><![CDATA[a<b>&c]]></Item>' +
          '<Item name="b">\n  <![CDATA[ x ]]>\n</Item>' +
          '<Item name="c">pre<![CDATA[&]]>post</Item>' +
          '</ItemList>',
      ),
    );
    expect(m.reason).toBe('start-up');
    expect(m.items).toEqual([
      { name: 'a', value: 'a<b>&c' },
      { name: 'b', value: 'x' },
      { name: 'c', value: 'pre&post' },
    ]);
  });

  it('UTF-8 text from a Buffer: umlauts and characters outside the BMP', () => {
    const body = Buffer.from(
      wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="display-id-unicode">Grüße 😀 Ω</Item></ItemList>'),
      'utf8',
    );
    expect(parsePhoneMessage(body).items[0]?.value).toBe('Grüße 😀 Ω');
  });

  // How long this takes is measured by `npm run bench` (codec, hostile cases).
  it('10,000 items parse, in order', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `<Item name="item-${i}" index="${i}">value ${i}</Item>`).join('');
    const m = parsePhoneMessage(
      wp(`<ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact><ItemList>${items}</ItemList>`),
    );
    expect(m.items).toHaveLength(10_000);
    expect(m.items[0]).toEqual({ name: 'item-0', index: 0, value: 'value 0' });
    expect(m.items[9999]).toEqual({ name: 'item-9999', index: 9999, value: 'value 9999' });
  });

  it('every reason the guide names is accepted', () => {
    for (const reason of ['start-up', 'local-changes', 'inventory-changes', 'status', 'solicited', 'reply-to', 'clean-up']) {
      expect(parsePhoneMessage(wp(`<ReasonForContact>${reason}</ReasonForContact>`)).reason).toBe(reason);
    }
  });

  it('every action and reply status is accepted on reply-to', () => {
    for (const action of [
      'ReadAllItems',
      'WriteItems',
      'ReadItems',
      'Restart',
      'FileDeployment',
      'SoftwareDeployment',
      'CleanUp',
      'GetNextFragment',
    ]) {
      for (const status of ['accepted', 'failed', 'busy']) {
        const m = parsePhoneMessage(wp(`<ReasonForContact action="${action}" status="${status}">reply-to</ReasonForContact>`));
        expect([m.action, m.status]).toEqual([action, status]);
      }
    }
  });

  it('clean-up from the phone with its reason item', () => {
    const m = parsePhoneMessage(
      wp(
        '<ReasonForContact>clean-up</ReasonForContact><ItemList><Item name="cleanup-reason">password retries exceeded</Item></ItemList>',
        `nonce="X" maxItems="-1" fragment="final"`,
      ),
    );
    expect(m).toMatchObject({ reason: 'clean-up', nonce: 'X', items: [{ name: 'cleanup-reason', value: 'password retries exceeded' }] });
  });
});

describe('parsePhoneMessage: rejections', () => {
  const body = '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="mac-addr">00:1A:E8:12:34:56</Item></ItemList>';

  it('DOCTYPE is refused (nonce still sniffed for the CleanUp)', () => {
    expectRejected(`<?xml version="1.0"?><!DOCTYPE WorkpointMessage>${wp(body)}`, 'doctype', NONCE);
    expectRejected(`<!doctype WorkpointMessage [ ]>${wp(body)}`, 'doctype', NONCE);
    expectRejected(`<! DOCTYPE x>${wp(body)}`, 'doctype', NONCE);
  });

  it('XXE: an external entity is refused and never resolved', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${wp(
      '<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="e164">&xxe;</Item></ItemList>',
    )}`;
    const error = expectRejected(xml, 'doctype', NONCE);
    expect(error.message).not.toContain('root:');
  });

  // Refused as a DOCTYPE, before any entity is expanded; the time it takes is in `npm run bench`.
  it('billion laughs is refused as a DOCTYPE', () => {
    const xml = billionLaughs(wp('<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="e164">&lol9;</Item></ItemList>'));
    expectRejected(xml, 'doctype', NONCE);
  });

  it('an entity declaration without DOCTYPE keyword in front is refused too', () => {
    expect(parseError(`<!ENTITY a "b">${wp(body)}`).code).toBe('doctype');
  });

  it('truncated XML is not well-formed; the nonce is sniffed', () => {
    const full = `<?xml version="1.0" encoding="utf-8"?>${wp(body)}`;
    for (const cut of [full.length - 1, full.length - 20, full.indexOf('<ItemList>') + 3]) {
      expectRejected(full.slice(0, cut), 'not-well-formed', NONCE);
    }
    // Cut before the nonce: nothing to echo.
    expectRejected(full.slice(0, full.indexOf('nonce') + 3), 'not-well-formed', undefined);
    expectRejected('', 'not-well-formed', undefined);
  });

  it('other malformed documents', () => {
    expectRejected(wp('<ReasonForContact>start-up</reasonforcontact>'), 'not-well-formed', NONCE);
    expectRejected(
      wp('<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a" name="b">1</Item></ItemList>'),
      'not-well-formed',
      NONCE,
    );
    expectRejected('this is not xml', 'not-well-formed', undefined);
    expectRejected(`${wp(body)}<WorkpointMessage/>`, 'wrong-root', NONCE);
  });

  it('C0 control characters in values are read as U+FFFD; in the nonce they make it unechoable', () => {
    const m = parsePhoneMessage(
      wp('<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="device-type">OpenStage 60\u001b[2J</Item></ItemList>'),
    );
    expect(m.items).toEqual([{ name: 'device-type', value: `OpenStage 60${REPLACED_CONTROL}[2J` }]);
    expect(parseError(wp('<ReasonForContact>start-up</ReasonForContact>', 'nonce="AB\u0007CD"')).code).toBe('bad-attribute');
  });

  it(`nesting deeper than ${MAX_ELEMENT_DEPTH} elements is refused without reading on`, () => {
    const deep = wp(`<ReasonForContact>start-up</ReasonForContact><ItemList>${'<a>'.repeat(100)}${'</a>'.repeat(100)}</ItemList>`);
    const error = expectRejected(deep, 'not-well-formed', NONCE);
    expect(error.message).toContain(String(MAX_ELEMENT_DEPTH));
    // Up to the limit it is read: an Item deeper than ItemList/Item is simply not an item.
    const nested = wp('<ReasonForContact>start-up</ReasonForContact><ItemList><x><Item name="a">1</Item></x></ItemList>');
    expect(parsePhoneMessage(nested).items).toEqual([]);
  });

  it('text around a nested element still belongs to its reason or item; the nested text does not', () => {
    const m = parsePhoneMessage(
      wp('<ReasonForContact>start-<b>x</b>up</ReasonForContact><ItemList><Item name="a">1<i>2</i>3</Item></ItemList>'),
    );
    expect(m.reason).toBe('start-up');
    expect(m.items).toEqual([{ name: 'a', value: '13' }]);
  });

  it('HTML named entities are not XML: refused as not well-formed', () => {
    expectRejected(
      wp('<ReasonForContact>start-up</ReasonForContact><ItemList><Item name="a">a&nbsp;b</Item></ItemList>'),
      'not-well-formed',
      NONCE,
    );
  });

  it('two Message elements or two ReasonForContact elements name no message or reason', () => {
    const two = `<WorkpointMessage ${NS}><Message nonce="${NONCE}"><ReasonForContact>start-up</ReasonForContact></Message><Message nonce="X"/></WorkpointMessage>`;
    expectRejected(two, 'no-message', NONCE);
    expectRejected(
      wp('<ReasonForContact>start-up</ReasonForContact><ReasonForContact>solicited</ReasonForContact>'),
      'unknown-reason',
      NONCE,
    );
  });

  it('invalid UTF-8 bytes in a Buffer: encoding error, nonce still echoed', () => {
    const good = Buffer.from(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="a">x</Item></ItemList>'), 'utf8');
    const at = good.indexOf('>x<') + 1;
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), good.subarray(at + 1)]);
    expectRejected(bad, 'encoding', NONCE);
    expect(() => decodeBody(bad)).toThrow(WpiParseError);
    // Latin-1 umlaut from a misconfigured encoder.
    expect(parseError(Buffer.concat([good.subarray(0, at), Buffer.from([0xe4]), good.subarray(at + 1)])).code).toBe('encoding');
  });

  it('DLSMessage as root is wrong-root', () => {
    const xml = `<DLSMessage ${NS}><Message nonce="${NONCE}"><Action>CleanUp</Action></Message></DLSMessage>`;
    const error = expectRejected(xml, 'wrong-root', NONCE);
    expect(error.message).toContain('DLSMessage');
  });

  it('WorkpointMessage without Message', () => {
    expectRejected(`<WorkpointMessage ${NS}><Nachricht nonce="${NONCE}"/></WorkpointMessage>`, 'no-message', undefined);
    expectRejected(`<WorkpointMessage ${NS}/>`, 'no-message', undefined);
  });

  it('missing or empty nonce', () => {
    expectRejected(wp(body, 'maxItems="-1"'), 'missing-nonce', undefined);
    expectRejected(wp(body, 'nonce="" maxItems="-1"'), 'missing-nonce', undefined);
    expectRejected(wp(body, 'nonce="   " maxItems="-1"'), 'missing-nonce', undefined);
  });

  it('unknown, empty or missing reason', () => {
    expectRejected(wp('<ReasonForContact>hello</ReasonForContact>'), 'unknown-reason', NONCE);
    expectRejected(wp('<ReasonForContact>Start-Up</ReasonForContact>'), 'unknown-reason', NONCE);
    expectRejected(wp('<ReasonForContact/>'), 'unknown-reason', NONCE);
    expectRejected(wp('<ItemList/>'), 'unknown-reason', NONCE);
    const long = parseError(wp(`<ReasonForContact>${'x'.repeat(5000)}</ReasonForContact>`));
    expect(long.message.length).toBeLessThan(200);
  });

  it('unknown action, bad status, bad fragment', () => {
    expectRejected(
      wp('<ReasonForContact action="DeleteEverything" status="accepted">reply-to</ReasonForContact>'),
      'unknown-action',
      NONCE,
    );
    expectRejected(wp('<ReasonForContact action="readallitems" status="accepted">reply-to</ReasonForContact>'), 'unknown-action', NONCE);
    expectRejected(wp('<ReasonForContact action="ReadAllItems" status="ok">reply-to</ReasonForContact>'), 'bad-attribute', NONCE);
    expectRejected(wp('<ReasonForContact>reply-to</ReasonForContact>', `nonce="${NONCE}" fragment="last"`), 'bad-attribute', NONCE);
  });

  it('Item without name, empty name, or as bare text', () => {
    expectRejected(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item index="1">x</Item></ItemList>'), 'bad-item', NONCE);
    expectRejected(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="">x</Item></ItemList>'), 'bad-item', NONCE);
    expectRejected(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item>x</Item></ItemList>'), 'bad-item', NONCE);
    expectRejected(
      wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="ok">1</Item><Item/></ItemList>'),
      'bad-item',
      NONCE,
    );
  });

  it.each(['-1', 'abc', '1.5', '1e3', '0x10', '1234567890', '٣'])('bad index "%s"', (index) => {
    expectRejected(
      wp(`<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="a" index="${index}">x</Item></ItemList>`),
      'bad-item',
      NONCE,
    );
  });

  it('error messages name the problem', () => {
    expect(parseError(wp('<ReasonForContact>hello</ReasonForContact>')).message).toContain('hello');
    expect(
      parseError(wp('<ReasonForContact>solicited</ReasonForContact><ItemList><Item name="key" index="x">1</Item></ItemList>')).message,
    ).toContain('key');
    const e = parseError(wp('<ReasonForContact>hello</ReasonForContact>'));
    expect(e.name).toBe('WpiParseError');
    expect(e).toBeInstanceOf(Error);
  });
});

describe('sniffNonce', () => {
  it('finds the nonce of Message, prefixed or in any case, in any attribute position', () => {
    expect(sniffNonce(`<WorkpointMessage><Message maxItems="-1" nonce="ABC123">`)).toBe('ABC123');
    expect(sniffNonce(`<w:WorkpointMessage><w:Message nonce='abc'>`)).toBe('abc');
    expect(sniffNonce(`<workpointmessage><message NONCE = "ab15234de14f15a667c6f8d">`)).toBe('ab15234de14f15a667c6f8d');
  });

  it('ignores the root element and anything not token-like', () => {
    expect(sniffNonce(`<WorkpointMessage nonce="ROOT"><Item nonce="I"/>`)).toBeUndefined();
    expect(sniffNonce(`<Message nonce="a b">`)).toBeUndefined();
    expect(sniffNonce(`<Message nonce="<script>">`)).toBeUndefined();
    expect(sniffNonce(`<Message nonce="${'A'.repeat(129)}">`)).toBeUndefined();
    expect(sniffNonce('')).toBeUndefined();
  });

  it('looks only at the start of the document', () => {
    expect(sniffNonce(`${' '.repeat(5000)}<Message nonce="LATE">`)).toBeUndefined();
  });
});
