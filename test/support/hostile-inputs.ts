/**
 * Hostile and broken inputs for the phone-facing listener, generated deterministically from a
 * seed: the same seed always yields the same list, byte for byte, so a failure can be replayed.
 *
 * Every input states what a robust service must answer (`expect`): HTTP 200 with a `DLSMessage`
 * (by default a CleanUp, echoing the nonce when the service could read one), or a 4xx. Nothing
 * here may ever produce a 5xx, a hang or a crash. Inputs that need a conversation (endless
 * fragments, resets mid-flow) are scripted in the test with the builders exported below.
 */
import { readFileSync } from 'node:fs';
import { PHONE_BODY_LIMIT } from '../../electron/core/provisioning/phone-server.js';
import { WPI_NAMESPACE, XSI_NAMESPACE, type WpiItem } from '../../shared/protocol.js';
import { BASIC_ITEM_NAMES, loadFixtureItems, withIdentity } from '../sim/items.js';
import { itemXml, serializeMessage } from '../sim/wire.js';

export interface Expectation {
  /** HTTP statuses a robust service may answer with. */
  statuses: readonly number[];
  /** For 200: the actions the DLSMessage may carry (default: CleanUp only). */
  actions?: readonly string[];
  /** For 200: the nonce the answer must echo; null when the service cannot read one. */
  nonce?: string | null;
}

interface Base {
  /** Position in the list; stable for a seed. */
  id: number;
  /** What family of abuse this is (truncation, encoding, framing, …). */
  group: string;
  name: string;
}

/** One HTTPS request sent with node:https (well-formed HTTP, hostile content). */
export interface HttpsInput extends Base {
  kind: 'https';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` (no Content-Length). */
  chunked?: boolean;
  expect: Expectation;
}

/** Bytes written on a raw socket: broken HTTP framing, non-TLS bytes, resets. */
export interface RawInput extends Base {
  kind: 'raw';
  /** false: plain TCP to the TLS port. */
  tls: boolean;
  data: Buffer;
  /** Reset the TCP connection (RST) right after writing `data`. */
  reset?: boolean;
  expect: {
    /** HTTP statuses the service may answer with. */
    statuses: readonly number[];
    /** The service may also just close (TLS handshake failure, request never completed). */
    mayCloseSilently: boolean;
  };
}

export type HostileInput = HttpsInput | RawInput;

/** Phone messages that cannot be read at all are answered like this. */
export const CLEANUP: Expectation = { statuses: [200], actions: ['CleanUp'] };
/** The answers allowed for anything the service refuses (never a 5xx). */
export const REFUSALS = [400, 404, 408, 413, 415] as const;

export const PHONE_PATH = '/DeploymentService/LoginService';
/** MACs of hostile messages that carry a valid one: 00:1A:E8:41:xx:xx. */
export const HOSTILE_MAC_PREFIX = '00:1A:E8:41:';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: tiny, fast, good enough to pick offsets and bytes reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Builders (also used by the scripted conversations in the tests)

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const ROOT_OPEN = `<WorkpointMessage xmlns="${WPI_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}" xsi:schemaLocation="${WPI_NAMESPACE}">`;

export function hostileMac(n: number): string {
  const hex = (n & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  return `${HOSTILE_MAC_PREFIX}${hex.slice(0, 2)}:${hex.slice(2)}`;
}

/** A hand-written WorkpointMessage; `messageAttrs` replaces the whole attribute list of Message. */
export function workpoint(messageAttrs: string, inner: string): string {
  return `${DECL}${ROOT_OPEN}<Message ${messageAttrs}>${inner}</Message></WorkpointMessage>`;
}

export function reason(text: string, attrs = ''): string {
  return `<ReasonForContact${attrs ? ` ${attrs}` : ''}>${text}</ReasonForContact>`;
}

export function itemList(items: readonly WpiItem[]): string {
  return `<ItemList>${items.map(itemXml).join('')}</ItemList>`;
}

/** The start-up a simulated phone with this MAC sends (basic items of the fixture phone). */
export function realStartUp(nonce: string, mac: string): string {
  const all = withIdentity(loadFixtureItems(), {
    mac,
    contactMeUri: 'http://127.0.41.1:8085/contact_dls.html/ContactDLS',
    e164: '493012345678',
    model: 'OpenStage 60',
    softwareVersion: 'V3 R1.41.1',
  });
  const basic = BASIC_ITEM_NAMES.flatMap((name) => all.filter((i) => i.name === name && i.index === undefined));
  return serializeMessage(nonce, -1, { reason: 'start-up', items: basic })[0];
}

/** A real start-up whose `e164` is replaced by `value` (the other identity items stay as a phone sends them). */
export function startUpWithE164(nonce: string, mac: string, value: string): string {
  const xml = realStartUp(nonce, mac);
  const patched = xml.replace(/(<Item name="e164">)493012345678(<\/Item>)/, `$1${value}$2`);
  if (patched === xml) throw new Error('the fixture start-up has no e164 item');
  return patched;
}

/** A start-up carrying one unknown item of `chars` characters (it is logged even when not stored). */
export function startUpWithJunk(nonce: string, mac: string, chars: number): string {
  return realStartUp(nonce, mac).replace('</ItemList>', `<Item name="x-junk">${'j'.repeat(chars)}</Item></ItemList>`);
}

/** A reply-to fragment as a phone sends it while answering ReadAllItems. */
export function readAllFragment(nonce: string, fragment: 'next' | 'final', items: readonly WpiItem[]): string {
  return workpoint(
    `nonce="${nonce}" maxItems="-1" fragment="${fragment}"`,
    reason('reply-to', 'action="ReadAllItems" status="accepted"') + itemList(items),
  );
}

export function manyItems(count: number, prefix = 'x-item'): WpiItem[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}`, value: `value ${i}` }));
}

/** The nonce the service can still read from a broken body (same rule as its sniffer, §3.5). */
export function readableNonce(body: Buffer | string): string | null {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8').decode(body);
  const m = /<(?:\w+:)?Message\b[^>]*?\bnonce\s*=\s*["']([A-Za-z0-9+/=_-]{1,128})["']/i.exec(text.slice(0, 4096));
  return m?.[1] ?? null;
}

const FIXTURE_XML = readFileSync(new URL('../fixtures/readallitems-os60-v3r1.xml', import.meta.url), 'utf8').trim();
const FIXTURE_NONCE = '5C1E0A7B3D2F49865A0B1C2D3E4F5061';
const INVALID_SAMPLES = new URL('../fixtures/wpi/schema-samples/invalid/', import.meta.url);

// ---------------------------------------------------------------------------------------------
// The generator

interface Collector {
  https(group: string, name: string, body: Buffer | string, expect: Expectation, extra?: Partial<Omit<HttpsInput, 'kind' | 'id'>>): void;
  raw(group: string, name: string, data: Buffer | string, expect: RawInput['expect'], extra?: { tls?: boolean; reset?: boolean }): void;
}

/** At least 300 hostile inputs; the list is identical for the same seed. */
export function hostileInputs(seed = 0x5eed_f1e1d): HostileInput[] {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const out: HostileInput[] = [];
  const add: Collector = {
    https(group, name, body, expect, extra = {}) {
      out.push({
        kind: 'https',
        id: out.length,
        group,
        name,
        method: 'POST',
        path: PHONE_PATH,
        headers: { 'content-type': 'text/xml' },
        body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        expect,
        ...extra,
      });
    },
    raw(group, name, data, expect, extra = {}) {
      out.push({
        kind: 'raw',
        id: out.length,
        group,
        name,
        tls: extra.tls ?? true,
        data: typeof data === 'string' ? Buffer.from(data, 'latin1') : data,
        ...(extra.reset ? { reset: true } : {}),
        expect,
      });
    },
  };
  const cleanUpEchoing = (body: Buffer | string): Expectation => ({ ...CLEANUP, nonce: readableNonce(body) });

  truncations(add, int, cleanUpEchoing);
  wrongRoots(add, int);
  declarations(add);
  encodings(add, int, cleanUpEchoing);
  sizes(add);
  nonces(add);
  vocabulary(add);
  items(add);
  contentTypes(add);
  methodsAndPaths(add);
  cookies(add);
  framing(add);
  resets(add);
  garbage(add, int);
  rogue(add);
  return out;
}

/** MAC of the rogue start-up whose contact-me-uri points at another host (checked after the barrage). */
export const ROGUE_CONTACT_MAC = hostileMac(20);

/** A device on the LAN lying about itself: contact-me elsewhere, control characters that would forge log lines. */
function rogue(add: Collector): void {
  const g = 'rogue device';
  const readAll = (nonce: string): Expectation => ({ statuses: [200], actions: ['ReadAllItems'], nonce });
  const startUp = (nonce: string, items: WpiItem[]): string => serializeMessage(nonce, -1, { reason: 'start-up', items })[0] ?? '';
  add.https(
    g,
    'contact-me-uri pointing at another host, port and path',
    startUp('R0GUE00000000001', [
      { name: 'mac-addr', value: ROGUE_CONTACT_MAC },
      { name: 'contact-me-uri', value: 'http://127.0.99.1:8080/internal/admin?action=reboot' },
    ]),
    readAll('R0GUE00000000001'),
  );
  add.https(
    g,
    'contact-me-uri with credentials and a query',
    startUp('R0GUE00000000002', [
      { name: 'mac-addr', value: hostileMac(21) },
      { name: 'contact-me-uri', value: 'http://admin:admin@127.0.41.1:8085/contact_dls.html/ContactDLS?x=1' },
    ]),
    readAll('R0GUE00000000002'),
  );
  add.https(
    g,
    'line breaks and a terminal escape in identity items',
    startUp('R0GUE00000000003', [
      { name: 'mac-addr', value: hostileMac(22) },
      { name: 'device-type', value: 'OpenStage 60\nwarn: forged line\u001b[2J' },
      { name: 'e164', value: '4930\r\nwarn: forged' },
    ]),
    readAll('R0GUE00000000003'),
  );
  add.https(g, 'line break entity in the nonce', workpoint('nonce="R0GUE&#10;warn: forged nonce"', reason('start-up')), {
    ...CLEANUP,
    nonce: null,
  });
}

function truncations(add: Collector, int: (n: number) => number, echo: (b: string) => Expectation): void {
  const startUp = realStartUp('A1B2C3D4E5F60718293A4B5C6D7E8F90', hostileMac(1));
  // Structural cut points (inside the declaration, the root, the nonce, an item) plus seeded ones.
  const marks = [
    '<?xml',
    'encoding=',
    '<WorkpointMessage',
    'xmlns:xsi',
    '<Message',
    'nonce="A1B2',
    'maxItems',
    '<ReasonForContact',
    'start-up<',
    '<ItemList',
    '<Item name="mac-addr"',
    '00:1A:E8:41',
    '</ItemList>',
    '</Message>',
    '</WorkpointMessage',
  ];
  const offsets = new Set<number>([1, 2, 10, startUp.length - 1, startUp.length - 2]);
  for (const mark of marks) {
    const at = startUp.indexOf(mark);
    if (at >= 0) offsets.add(at).add(at + Math.max(1, Math.floor(mark.length / 2)));
  }
  while (offsets.size < 60) offsets.add(1 + int(startUp.length - 2));
  for (const at of [...offsets].sort((a, b) => a - b)) {
    const body = startUp.slice(0, at);
    add.https('truncated start-up', `start-up cut at ${at}/${startUp.length}`, body, echo(body));
  }

  const reply = FIXTURE_XML;
  const replyOffsets = new Set<number>([
    1,
    reply.indexOf('<WorkpointMessage'),
    reply.indexOf('nonce="') + 10,
    reply.indexOf('<ItemList>') + 5,
    reply.length - 1,
  ]);
  while (replyOffsets.size < 60) replyOffsets.add(1 + int(reply.length - 2));
  for (const at of [...replyOffsets].sort((a, b) => a - b)) {
    const body = reply.slice(0, at);
    add.https('truncated ReadAllItems', `ReadAllItems reply cut at ${at}/${reply.length}`, body, echo(body));
  }
  // The complete reply without a session: a reply-to outside any interaction.
  add.https('truncated ReadAllItems', 'complete ReadAllItems reply without a session', reply, { ...CLEANUP, nonce: FIXTURE_NONCE });
}

function wrongRoots(add: Collector, int: (n: number) => number): void {
  const g = 'wrong root';
  const dls = `${DECL}<DLSMessage xmlns="${WPI_NAMESPACE}"><Message nonce="D15D15"><Action>CleanUp</Action></Message></DLSMessage>`;
  add.https(g, 'DLSMessage sent by the phone', dls, { ...CLEANUP, nonce: 'D15D15' });
  add.https(
    g,
    'DLSMessage WriteItems',
    `<DLSMessage><Message nonce="D15D16"><Action>WriteItems</Action><ItemList><Item name="sntp-addr">x</Item></ItemList></Message></DLSMessage>`,
    { ...CLEANUP, nonce: 'D15D16' },
  );
  add.https(g, 'html page', '<!doctype html><html><head><title>x</title></head><body><form>login</form></body></html>', {
    ...CLEANUP,
    nonce: null,
  });
  add.https(g, 'html fragment', '<html><body>It works!</body></html>', { ...CLEANUP, nonce: null });
  add.https(
    g,
    'SOAP envelope',
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Message nonce="50A9"/></soap:Body></soap:Envelope>',
    { ...CLEANUP, nonce: '50A9' },
  );
  add.https(
    g,
    'two roots',
    `<WorkpointMessage><Message nonce="2200">${reason('start-up')}</Message></WorkpointMessage><WorkpointMessage/>`,
    { ...CLEANUP, nonce: '2200' },
  );
  add.https(g, 'root without Message', `<WorkpointMessage>${reason('start-up')}</WorkpointMessage>`, { ...CLEANUP, nonce: null });
  add.https(g, 'empty root', '<WorkpointMessage/>', { ...CLEANUP, nonce: null });
  add.https(g, 'text in root', '<WorkpointMessage>hello</WorkpointMessage>', { ...CLEANUP, nonce: null });
  add.https(g, 'Message as root', `<Message nonce="ABAB">${reason('start-up')}</Message>`, { ...CLEANUP, nonce: 'ABAB' });
  add.https(g, 'JSON', '{"WorkpointMessage":{"Message":{"nonce":"1"}}}', { ...CLEANUP, nonce: null });
  add.https(g, 'plain text', 'hello phone server', { ...CLEANUP, nonce: null });
  add.https(g, 'XML declaration only', DECL, { ...CLEANUP, nonce: null });
  add.https(g, 'comment only', '<!-- nothing -->', { ...CLEANUP, nonce: null });
  add.https(g, 'processing instruction root', '<?xml-stylesheet href="x.xsl"?><?evil?>', { ...CLEANUP, nonce: null });
  for (let i = 0; i < 10; i++) {
    const name = `R${int(1e9).toString(36)}`;
    add.https(g, `random root <${name}>`, `<${name} a="${int(1000)}"><Message nonce="F00${i}">${reason('start-up')}</Message></${name}>`, {
      ...CLEANUP,
      nonce: `F00${i}`,
    });
  }
  // The vendor's own invalid samples (a phone message with Action, bad reason, no nonce, …).
  for (const file of [
    'action-in-phone-message',
    'bad-action',
    'bad-fragment',
    'bad-item-status',
    'bad-reason',
    'item-without-name',
    'missing-nonce',
    'no-namespace',
  ]) {
    const body = readFileSync(new URL(`${file}.xml`, INVALID_SAMPLES), 'utf8');
    // bad-item-status is a well-formed reply-to (unknown item status is kept): outside a session, CleanUp.
    add.https(g, `schema sample invalid/${file}`, body, { ...CLEANUP, nonce: readableNonce(body) });
  }
}

function declarations(add: Collector): void {
  const g = 'DOCTYPE / entities';
  const msg = (inner: string) =>
    `<WorkpointMessage><Message nonce="E17E">${reason('start-up')}<ItemList><Item name="mac-addr">${hostileMac(2)}</Item><Item name="e164">${inner}</Item></ItemList></Message></WorkpointMessage>`;
  const cases: [string, string][] = [
    ['XXE file', `<!DOCTYPE WorkpointMessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${msg('&xxe;')}`],
    ['XXE http', `<!DOCTYPE WorkpointMessage [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/steal">]>${msg('&xxe;')}`],
    ['parameter entity', `<!DOCTYPE WorkpointMessage [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>${msg('x')}`],
    ['external DTD', `<!DOCTYPE WorkpointMessage SYSTEM "http://127.0.0.1:9/wpi.dtd">${msg('x')}`],
    ['public DTD', `<!DOCTYPE WorkpointMessage PUBLIC "-//X//DTD X//EN" "file:///dev/random">${msg('x')}`],
    ['internal entity', `<!DOCTYPE WorkpointMessage [<!ENTITY e "4930">]>${msg('&e;')}`],
    [
      'billion laughs',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
        `]>${msg('&lol9;')}`,
    ],
    ['quadratic blowup', `<!DOCTYPE x [<!ENTITY a "${'A'.repeat(50_000)}">]>${msg('&a;'.repeat(2_000))}`],
    ['lower-case doctype', `<!doctype WorkpointMessage [<!entity x SYSTEM "file:///etc/shadow">]>${msg('&x;')}`],
    ['spaced declaration', `<! DOCTYPE WorkpointMessage>${msg('x')}`],
    ['ELEMENT declaration', `<!DOCTYPE w [<!ELEMENT w ANY>]>${msg('x')}`],
    ['ATTLIST declaration', `<!DOCTYPE w [<!ATTLIST Message nonce CDATA "DEFAULT">]>${msg('x')}`],
    ['doctype after the root', `${msg('x')}<!DOCTYPE x>`],
    ['doctype inside the message', msg('<!DOCTYPE x [<!ENTITY y "z">]>')],
  ];
  // The nonce is echoed when the service can still find it (not behind 50 kB of DOCTYPE).
  for (const [name, body] of cases) add.https(g, name, body, { ...CLEANUP, nonce: readableNonce(body) });
  // Undeclared entities and XInclude: no declaration, so parsing goes on; no mac → CleanUp.
  const noMac = (inner: string) =>
    `<WorkpointMessage><Message nonce="E17F">${reason('start-up')}<ItemList><Item name="e164">${inner}</Item></ItemList></Message></WorkpointMessage>`;
  add.https(g, 'undeclared entity', noMac('&xxe;'), { ...CLEANUP, nonce: 'E17F' });
  add.https(g, 'XInclude', noMac('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'), {
    ...CLEANUP,
    nonce: 'E17F',
  });
  add.https(g, 'char ref beyond Unicode', noMac('&#99999999;'), { ...CLEANUP, nonce: 'E17F' });
  add.https(g, 'char ref NUL', noMac('&#0;&#x0;'), { ...CLEANUP, nonce: 'E17F' });
  add.https(g, 'char ref surrogate', noMac('&#xD800;'), { ...CLEANUP, nonce: 'E17F' });
  add.https(g, 'CDATA with markup', noMac('<![CDATA[<Item name="mac-addr">00:1A:E8:41:00:09</Item>]]>'), { ...CLEANUP, nonce: 'E17F' });
}

/** Byte sequences that are not UTF-8 (overlong, lone continuation, surrogates, beyond U+10FFFF, …). */
const BAD_UTF8: [string, number[]][] = [
  ['overlong slash', [0xc0, 0xaf]],
  ['lone continuation', [0x80]],
  ['truncated 3-byte', [0xe2, 0x82]],
  ['encoded surrogate', [0xed, 0xa0, 0x80]],
  ['0xFF byte', [0xff]],
  ['5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['overlong NUL', [0xc0, 0x80]],
];

function encodings(add: Collector, int: (n: number) => number, echo: (b: Buffer) => Expectation): void {
  const g = 'encoding';
  const doc = realStartUp('BADBADBADBAD0001', hostileMac(3));
  const positions: [string, number][] = [
    ['at the start', 0],
    ['in the nonce', doc.indexOf('BADBADBADBAD0001') + 4],
    ['in an item value', doc.indexOf('OpenStage 60') + 4],
    ['at the end', doc.length],
  ];
  for (const [seqName, bytes] of BAD_UTF8) {
    for (const [where, at] of positions.slice(0, seqName === 'overlong slash' || seqName === '0xFF byte' ? 4 : 3)) {
      const body = Buffer.concat([Buffer.from(doc.slice(0, at), 'utf8'), Buffer.from(bytes), Buffer.from(doc.slice(at), 'utf8')]);
      add.https(g, `${seqName} ${where}`, body, echo(body));
    }
  }
  const small = workpoint('nonce="BOM0001"', reason('start-up'));
  add.https(g, 'UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(small, 'utf16le')]), { ...CLEANUP, nonce: null });
  add.https(g, 'UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(small, 'utf16le').swap16()]), {
    ...CLEANUP,
    nonce: null,
  });
  add.https(g, 'UTF-16LE without BOM', Buffer.from(small, 'utf16le'), { ...CLEANUP, nonce: null });
  add.https(g, 'UTF-32LE BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('<a/>', 'utf16le')]), {
    ...CLEANUP,
    nonce: null,
  });
  // A UTF-8 BOM is legal; the message has no mac-addr, so it is a readable CleanUp.
  add.https(g, 'UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(small)]), { ...CLEANUP, nonce: 'BOM0001' });
  const latin = workpoint('nonce="LATIN1"', reason('start-up') + itemList([{ name: 'e164', value: 'Müller' }])).replace(
    'encoding="UTF-8"',
    'encoding="ISO-8859-1"',
  );
  add.https(g, 'ISO-8859-1 bytes', Buffer.from(latin, 'latin1'), { ...CLEANUP, nonce: 'LATIN1' });
  add.https(g, 'EBCDIC-ish bytes', Buffer.from(Array.from({ length: 200 }, () => 0x80 + int(0x7f))), { ...CLEANUP, nonce: null });
}

function sizes(add: Collector): void {
  const g = 'size';
  const mac = hostileMac(4);
  const tenK = manyItems(10_000);
  add.https(g, '10,000 items in a start-up without mac-addr', workpoint('nonce="10K0001"', reason('start-up') + itemList(tenK)), {
    ...CLEANUP,
    nonce: '10K0001',
  });
  // With a MAC this is a readable first message of a new phone: the service asks for its inventory.
  add.https(
    g,
    '10,000 items in a start-up of a new phone',
    workpoint('nonce="10K0002"', reason('start-up') + itemList([{ name: 'mac-addr', value: mac }, ...tenK])),
    {
      statuses: [200],
      actions: ['ReadAllItems', 'CleanUp'],
      nonce: '10K0002',
    },
  );
  add.https(g, '10,000 items in a reply-to without session', readAllFragment('10K0003', 'final', tenK), { ...CLEANUP, nonce: '10K0003' });

  const padded = (total: number, nonce: string): Buffer => {
    const head = workpoint(`nonce="${nonce}"`, `${reason('start-up')}<ItemList><Item name="e164">`);
    const tail = '</Item></ItemList></Message></WorkpointMessage>';
    return Buffer.from(head + 'x'.repeat(total - head.length - tail.length) + tail, 'utf8');
  };
  add.https(g, 'body 1 kB under the limit', padded(PHONE_BODY_LIMIT - 1024, 'BIG0001'), { ...CLEANUP, nonce: 'BIG0001' });
  add.https(g, 'body exactly at the limit', padded(PHONE_BODY_LIMIT, 'BIG0002'), { ...CLEANUP, nonce: 'BIG0002' });
  add.https(g, 'body 1 byte over the limit', padded(PHONE_BODY_LIMIT + 1, 'BIG0003'), { statuses: [413] });
  add.https(g, 'body 64 kB over the limit', padded(PHONE_BODY_LIMIT + 65_536, 'BIG0004'), { statuses: [413] });
  add.https(g, 'chunked body over the limit', padded(PHONE_BODY_LIMIT + 4096, 'BIG0005'), { statuses: [413] }, { chunked: true });
  add.https(g, 'chunked body under the limit', padded(200_000, 'BIG0006'), { ...CLEANUP, nonce: 'BIG0006' }, { chunked: true });
  add.https(g, '900 kB of items under the limit', readAllFragment('BIG0007', 'final', manyItems(24_000, 'i')), {
    ...CLEANUP,
    nonce: 'BIG0007',
  });
  add.https(g, 'empty body', '', { ...CLEANUP, nonce: null });
  add.https(g, 'whitespace body', ' \r\n\t '.repeat(1000), { ...CLEANUP, nonce: null });
}

function nonces(add: Collector): void {
  const g = 'nonce';
  const startUp = reason('start-up');
  const any: Expectation = { ...CLEANUP, nonce: null };
  add.https(g, 'missing nonce', workpoint('maxItems="-1"', startUp), any);
  add.https(g, 'empty nonce', workpoint('nonce=""', startUp), any);
  add.https(g, 'blank nonce', workpoint('nonce="   "', startUp), any);
  add.https(g, 'repeated nonce attribute', workpoint('nonce="AAA1" nonce="BBB2"', startUp), { ...CLEANUP, nonce: 'AAA1' });
  add.https(g, 'nonce 300 characters', workpoint(`nonce="${'A'.repeat(300)}"`, startUp), any);
  add.https(g, 'nonce 100 kB', workpoint(`nonce="${'B'.repeat(100_000)}"`, startUp), any);
  add.https(g, 'nonce with a control char reference', workpoint('nonce="&#x1;"', startUp), any);
  add.https(g, 'nonce U+FFFE', workpoint('nonce="&#xFFFE;"', startUp), any);
  add.https(g, 'nonce with an undecodable reference', workpoint('nonce="&#99999999;"', startUp), any);
  add.https(g, 'nonce with an unknown entity', workpoint('nonce="&foo;"', startUp), any);
  add.https(g, 'nonce with a raw ampersand', workpoint('nonce="A&B"', startUp), any);
  add.https(g, 'nonce with a tab', workpoint('nonce="A\tB"', startUp), any);
  add.https(g, 'nonce with a newline reference', workpoint('nonce="A&#10;B"', startUp), any);
  add.https(g, 'nonce with markup characters', workpoint('nonce="&lt;script&gt;"', startUp), { ...CLEANUP, nonce: '&lt;script&gt;' });
  add.https(g, 'nonce with quotes', workpoint("nonce='a\"b'", startUp), { ...CLEANUP, nonce: 'a&quot;b' });
  add.https(g, 'nonce on ReasonForContact only', workpoint('maxItems="-1"', reason('start-up', 'nonce="R0R0"')), any);
  add.https(g, 'nonce in another namespace', workpoint('x:nonce="NS01" xmlns:x="urn:x"', startUp), any);
}

function vocabulary(add: Collector): void {
  const g = 'reason / action / status';
  const e = (nonce: string): Expectation => ({ ...CLEANUP, nonce });
  const mac = [{ name: 'mac-addr', value: hostileMac(5) }];
  add.https(g, 'unknown reason', workpoint('nonce="V001"', reason('hello') + itemList(mac)), e('V001'));
  add.https(g, 'empty reason', workpoint('nonce="V002"', reason('') + itemList(mac)), e('V002'));
  add.https(g, 'missing ReasonForContact', workpoint('nonce="V003"', itemList(mac)), e('V003'));
  add.https(g, 'upper-case reason', workpoint('nonce="V004"', reason('START-UP')), e('V004'));
  add.https(g, 'two reasons', workpoint('nonce="V005"', reason('start-up') + reason('reply-to')), e('V005'));
  add.https(g, 'reason with nested element', workpoint('nonce="V006"', '<ReasonForContact>start-up<b/></ReasonForContact>'), e('V006'));
  add.https(g, 'unknown action', workpoint('nonce="V007"', reason('reply-to', 'action="FormatDisk" status="accepted"')), e('V007'));
  add.https(g, 'unknown status', workpoint('nonce="V008"', reason('reply-to', 'action="ReadAllItems" status="maybe"')), e('V008'));
  add.https(
    g,
    'bad fragment marker',
    workpoint('nonce="V009" fragment="last"', reason('reply-to', 'action="ReadAllItems" status="accepted"')),
    e('V009'),
  );
  add.https(g, 'reply-to without session', readAllFragment('V010', 'final', manyItems(5)), e('V010'));
  add.https(g, 'reply-to fragment=next without session', readAllFragment('V011', 'next', manyItems(5)), e('V011'));
  add.https(g, 'reply-to without action', workpoint('nonce="V012"', reason('reply-to')), e('V012'));
  add.https(
    g,
    'reply-to busy without session',
    workpoint('nonce="V013"', reason('reply-to', 'action="WriteItems" status="busy"')),
    e('V013'),
  );
  add.https(
    g,
    'phone clean-up without session',
    workpoint('nonce="V014"', reason('clean-up') + itemList([{ name: 'cleanup-reason', value: 'bored' }])),
    e('V014'),
  );
  add.https(g, 'status report without deployment and mac', workpoint('nonce="V015"', reason('status')), e('V015'));
  add.https(g, 'solicited without mac', workpoint('nonce="V016"', reason('solicited')), e('V016'));
  add.https(g, 'reason as attribute', workpoint('nonce="V017" reason="start-up"', ''), e('V017'));
  add.https(g, 'maxItems not a number', workpoint('nonce="V018" maxItems="lots"', reason('start-up')), e('V018'));
  add.https(g, 'maxItems huge', workpoint('nonce="V019" maxItems="1e999"', reason('start-up')), e('V019'));
  add.https(g, 'GetNextFragment as reason', workpoint('nonce="V020"', reason('GetNextFragment')), e('V020'));
}

function items(add: Collector): void {
  const g = 'items';
  const e = (nonce: string): Expectation => ({ ...CLEANUP, nonce });
  const startUp = (nonce: string, list: string): string => workpoint(`nonce="${nonce}"`, reason('start-up') + list);
  add.https(g, 'item without name', startUp('I001', '<ItemList><Item>00:1A:E8:41:00:06</Item></ItemList>'), e('I001'));
  add.https(g, 'item with empty name', startUp('I002', '<ItemList><Item name="">x</Item></ItemList>'), e('I002'));
  add.https(g, 'item with blank name', startUp('I003', '<ItemList><Item name="   ">x</Item></ItemList>'), e('I003'));
  for (const [i, index] of ['-1', '1.5', 'abc', '1e3', '9999999999', '0x10', ' ', '١'].entries()) {
    // A blank index reads as "no index": then this is a readable start-up of a new phone.
    const expect: Expectation = index.trim() === '' ? { statuses: [200], actions: ['ReadAllItems'], nonce: `I01${i}` } : e(`I01${i}`);
    add.https(
      g,
      `item index "${index}"`,
      startUp(
        `I01${i}`,
        `<ItemList><Item name="mac-addr">${hostileMac(6)}</Item><Item name="function-key-def" index="${index}">1</Item></ItemList>`,
      ),
      expect,
    );
  }
  add.https(
    g,
    'repeated name attribute',
    startUp('I020', `<ItemList><Item name="mac-addr" name="e164">${hostileMac(7)}</Item></ItemList>`),
    e('I020'),
  );
  add.https(g, 'mac-addr not a MAC', startUp('I021', itemList([{ name: 'mac-addr', value: 'not-a-mac' }])), e('I021'));
  add.https(
    g,
    'mac-addr with markup',
    startUp('I022', '<ItemList><Item name="mac-addr"><b>00:1A:E8:41:00:08</b></Item></ItemList>'),
    e('I022'),
  );
  add.https(g, 'ItemList with text', startUp('I023', '<ItemList>just text</ItemList>'), e('I023'));
  add.https(g, 'Item outside ItemList', startUp('I024', `<Item name="mac-addr">${hostileMac(9)}</Item>`), e('I024'));
  add.https(g, 'element named __proto__', startUp('I025', '<ItemList><__proto__><polluted>1</polluted></__proto__></ItemList>'), e('I025'));
  add.https(g, 'element named constructor', startUp('I026', '<ItemList><constructor/></ItemList>'), e('I026'));
  add.https(g, 'attribute named __proto__', workpoint('nonce="I027" __proto__="x"', reason('start-up')), e('I027'));
  add.https(
    g,
    'deep nesting 100,000 (well-formed)',
    startUp('I028', `<ItemList>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</ItemList>`),
    e('I028'),
  );
  add.https(
    g,
    'deep nesting 1,000 (well-formed)',
    startUp('I029', `<ItemList>${'<a>'.repeat(1_000)}${'</a>'.repeat(1_000)}</ItemList>`),
    e('I029'),
  );
  add.https(g, 'deep nesting never closed', startUp('I030', `<ItemList>${'<a>'.repeat(200_000)}`), e('I030'));
  add.https(
    g,
    'huge attribute (900 kB)',
    startUp('I031', `<ItemList><Item name="e164" x="${'a'.repeat(900_000)}">1</Item></ItemList>`),
    e('I031'),
  );
  add.https(g, 'huge attribute before the nonce', workpoint(`x="${'y'.repeat(10_000)}" nonce="I032"`, reason('start-up')), {
    ...CLEANUP,
    nonce: 'I032',
  });
  add.https(
    g,
    '10,000 attributes',
    startUp('I033', `<ItemList><Item name="e164" ${Array.from({ length: 10_000 }, (_, i) => `a${i}="1"`).join(' ')}>1</Item></ItemList>`),
    e('I033'),
  );
  add.https(g, 'huge item value (800 kB)', startUp('I034', itemList([{ name: 'e164', value: 'v'.repeat(800_000) }])), e('I034'));
  add.https(g, 'huge item name', startUp('I035', itemList([{ name: 'n'.repeat(100_000), value: '1' }])), e('I035'));
  add.https(
    g,
    'NUL byte in a value',
    startUp('I036', `<ItemList><Item name="mac-addr">${hostileMac(10)}\u0000</Item></ItemList>`),
    e('I036'),
  );
  add.https(g, 'NUL byte in a tag', startUp('I037', '<ItemList><It\u0000em name="e164">1</It\u0000em></ItemList>'), e('I037'));
  add.https(g, 'NUL bytes everywhere', '\u0000'.repeat(1000), { ...CLEANUP, nonce: null });
  add.https(g, 'NUL before the root', `\u0000${startUp('I038', '')}`, { ...CLEANUP, nonce: 'I038' });
  add.https(g, 'control characters in a value', startUp('I039', itemList([{ name: 'e164', value: '\u0001\u0002\u001b[31m' }])), e('I039'));
  add.https(g, 'unknown item status', startUp('I040', `<ItemList><Item name="e164" status="exploded">1</Item></ItemList>`), e('I040'));
  add.https(
    g,
    'duplicate items',
    startUp(
      'I041',
      itemList([
        { name: 'e164', value: '1' },
        { name: 'e164', value: '2' },
      ]),
    ),
    e('I041'),
  );
}

function contentTypes(add: Collector): void {
  const g = 'content-type';
  const body = workpoint('nonce="CT01"', reason('start-up'));
  // Any media type is read as the same bytes; one that is not a media type at all may be refused (415).
  for (const type of [
    'application/json',
    'text/html',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'text/xml; charset=utf-16',
    'garbage',
    '',
    'text/xml; charset=utf-8; charset=latin1',
    '/',
    'text/xml;;;',
    'x'.repeat(4000),
  ]) {
    add.https(
      g,
      `content-type "${type}"`,
      body,
      { statuses: [200, 415], actions: ['CleanUp'], nonce: 'CT01' },
      { headers: type ? { 'content-type': type } : {} },
    );
  }
  add.https(g, 'no content-type', body, { ...CLEANUP, nonce: 'CT01' }, { headers: {} });
  add.https(
    g,
    'content-encoding gzip (not gzipped)',
    body,
    { statuses: [200, 400, 415], actions: ['CleanUp'], nonce: 'CT01' },
    { headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' } },
  );
}

function methodsAndPaths(add: Collector): void {
  const g = 'method / path';
  const body = workpoint('nonce="MP01"', reason('start-up'));
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    add.https(
      g,
      `${method} on the phone path`,
      method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'DELETE' ? '' : body,
      { statuses: [404] },
      { method },
    );
  }
  add.https(g, 'GET /', '', { statuses: [404] }, { method: 'GET', path: '/' });
  add.https(g, 'GET /etc/passwd traversal', '', { statuses: [400, 404] }, { method: 'GET', path: '/../../../../etc/passwd' });
  add.https(g, 'poll without device-id', '', { statuses: [400] }, { method: 'GET', path: '/dcmp/contact-me' });
  add.https(g, 'poll with garbage device-id', '', { statuses: [400] }, { method: 'GET', path: '/dcmp/contact-me?device-id=%3Cscript%3E' });
  add.https(
    g,
    'poll with two device-ids',
    '',
    { statuses: [400] },
    { method: 'GET', path: `/dcmp/contact-me?device-id=${hostileMac(11)}&device-id=x` },
  );
  add.https(
    g,
    'poll for an unknown phone',
    '',
    { statuses: [200] },
    { method: 'GET', path: `/dcmp/contact-me?device-id=${hostileMac(12)}` },
  );
  add.https(g, 'POST to /', body, { ...CLEANUP, nonce: 'MP01' }, { path: '/' });
  add.https(g, 'POST with a long path', body, { ...CLEANUP, nonce: 'MP01' }, { path: `/${'p/'.repeat(2000)}` });
  add.https(
    g,
    'POST with %00 in the path',
    body,
    { statuses: [200, 400, 404], actions: ['CleanUp'], nonce: 'MP01' },
    { path: '/Deployment%00Service' },
  );
  add.https(
    g,
    'POST with a bad percent escape',
    body,
    { statuses: [200, 400, 404], actions: ['CleanUp'], nonce: 'MP01' },
    { path: '/%zz%' },
  );
  add.https(g, 'POST with a query string', body, { ...CLEANUP, nonce: 'MP01' }, { path: `${PHONE_PATH}?a=1&a=2&__proto__[x]=1` });
}

function cookies(add: Collector): void {
  const g = 'cookie';
  const body = readAllFragment('CK01', 'final', manyItems(3));
  const e: Expectation = { ...CLEANUP, nonce: 'CK01' };
  for (const [name, cookie] of [
    ['unknown session', 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF'],
    ['session id with markup', 'JSESSIONID=<script>'],
    ['session id of 129 characters', `JSESSIONID=${'A'.repeat(129)}`],
    ['two session cookies', 'JSESSIONID=A; JSESSIONID=B'],
    ['malformed cookie header', ';;;=;JSESSIONID'],
    ['8 kB of cookies', Array.from({ length: 400 }, (_, i) => `c${i}=${'v'.repeat(10)}`).join('; ')],
  ] as const) {
    add.https(g, name, body, e, { headers: { 'content-type': 'text/xml', cookie } });
  }
}

/** Well-formed, small request line and headers, for building broken variants. */
function request(head: string, body = ''): string {
  return `${head}\r\n\r\n${body}`;
}

function framing(add: Collector): void {
  const g = 'HTTP framing';
  const xml = workpoint('nonce="FR01"', reason('start-up'));
  const len = Buffer.byteLength(xml);
  const bad = { statuses: [400], mayCloseSilently: false } as const;
  const badOrClose = { statuses: [400, 408], mayCloseSilently: true } as const;
  const post = (headers: string): string => `POST ${PHONE_PATH} HTTP/1.1\r\nHost: dls\r\n${headers}`;

  add.raw(g, 'well-formed request (control)', request(post(`Content-Type: text/xml\r\nContent-Length: ${len}\r\nConnection: close`), xml), {
    statuses: [200],
    mayCloseSilently: false,
  });
  add.raw(g, 'garbage request line', request('HELLO WORLD'), bad);
  // llhttp reads a request line without version as a body-less request: lenient, still defined.
  add.raw(g, 'request line without version', request(`POST ${PHONE_PATH}`), { statuses: [200, 400], mayCloseSilently: false });
  add.raw(g, 'HTTP/9.9', request(`POST ${PHONE_PATH} HTTP/9.9\r\nHost: dls`), badOrClose);
  add.raw(g, 'HTTP/0.9 style', `GET /\r\n`, badOrClose);
  add.raw(g, 'lower-case method', request(`post ${PHONE_PATH} HTTP/1.1\r\nHost: dls`), bad);
  add.raw(g, 'unknown method', request(`BREW ${PHONE_PATH} HTTP/1.1\r\nHost: dls`), { statuses: [400, 404], mayCloseSilently: false });
  add.raw(g, 'HTTP/2 preface over HTTP/1.1', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', badOrClose);
  add.raw(g, 'NUL in the request line', request(`POST /\u0000 HTTP/1.1\r\nHost: dls`), bad);
  add.raw(g, 'space in the target', request(`POST /a b HTTP/1.1\r\nHost: dls`), bad);
  add.raw(g, 'header without colon', request(post('Content-Length 5')), bad);
  add.raw(g, 'space before colon', request(post(`Content-Length : ${len}`), xml), bad);
  add.raw(g, 'NUL in a header value', request(post('X-A: a\u0000b\r\nContent-Length: 0')), bad);
  add.raw(g, 'obsolete line folding', request(post('X-A: a\r\n b\r\nContent-Length: 0')), {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'bare LF line endings', `POST ${PHONE_PATH} HTTP/1.1\nHost: dls\nContent-Length: 0\n\n`, {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'header over 16 kB', request(post(`X-Big: ${'a'.repeat(17 * 1024)}\r\nContent-Length: 0`)), bad);
  add.raw(
    g,
    '2,000 small headers over 16 kB',
    request(post(Array.from({ length: 2000 }, (_, i) => `X-${i}: ${'v'.repeat(8)}`).join('\r\n'))),
    bad,
  );
  add.raw(g, 'URL over 16 kB', request(`POST /${'u'.repeat(17 * 1024)} HTTP/1.1\r\nHost: dls`), bad);
  add.raw(
    g,
    'Content-Length and Transfer-Encoding',
    request(post(`Content-Length: ${len}\r\nTransfer-Encoding: chunked`), `${len.toString(16)}\r\n${xml}\r\n0\r\n\r\n`),
    bad,
  );
  add.raw(g, 'two different Content-Lengths', request(post(`Content-Length: ${len}\r\nContent-Length: ${len + 5}`), xml), bad);
  add.raw(g, 'Content-Length list', request(post(`Content-Length: ${len}, ${len}`), xml), {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'negative Content-Length', request(post('Content-Length: -1'), xml), bad);
  add.raw(g, 'non-numeric Content-Length', request(post('Content-Length: ten'), xml), bad);
  add.raw(g, 'huge Content-Length', request(post('Content-Length: 99999999999999999999'), xml), {
    statuses: [400, 413],
    mayCloseSilently: false,
  });
  add.raw(g, 'Content-Length over the limit (body not sent)', request(post(`Content-Length: ${PHONE_BODY_LIMIT * 10}`)), {
    statuses: [413],
    mayCloseSilently: false,
  });
  add.raw(
    g,
    'Transfer-Encoding gzip, chunked',
    request(post('Transfer-Encoding: gzip, chunked'), `${len.toString(16)}\r\n${xml}\r\n0\r\n\r\n`),
    { statuses: [200, 400, 415], mayCloseSilently: false },
  );
  add.raw(g, 'Transfer-Encoding unknown', request(post('Transfer-Encoding: xchunked'), xml), bad);
  add.raw(g, 'bad chunk size', request(post('Transfer-Encoding: chunked'), `zz\r\n${xml}\r\n0\r\n\r\n`), bad);
  add.raw(g, 'chunk size beyond 64 bits', request(post('Transfer-Encoding: chunked'), `ffffffffffffffffff\r\n${xml}\r\n0\r\n\r\n`), {
    statuses: [400, 413],
    mayCloseSilently: false,
  });
  add.raw(
    g,
    'chunk extension garbage',
    request(post('Transfer-Encoding: chunked'), `${len.toString(16)};\u0001\u0002\r\n${xml}\r\n0\r\n\r\n`),
    bad,
  );
  add.raw(g, 'chunk longer than announced', request(post('Transfer-Encoding: chunked'), `5\r\n${xml}\r\n0\r\n\r\n`), bad);
  add.raw(
    g,
    'valid chunked request',
    request(post('Transfer-Encoding: chunked\r\nConnection: close'), `${len.toString(16)}\r\n${xml}\r\n0\r\n\r\n`),
    { statuses: [200], mayCloseSilently: false },
  );
  add.raw(g, 'pipelined garbage after a request', request(post(`Content-Length: ${len}`), `${xml}GARBAGE / HTTP/1.1\r\n\r\n`), {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'Expect: 100-continue', request(post(`Content-Length: ${len}\r\nExpect: 100-continue\r\nConnection: close`), xml), {
    statuses: [100, 200],
    mayCloseSilently: false,
  });
  add.raw(g, 'Expect: something else', request(post(`Content-Length: ${len}\r\nExpect: teapot`), xml), {
    statuses: [200, 400, 417],
    mayCloseSilently: false,
  });
  add.raw(
    g,
    'absolute URL',
    request(`POST https://evil.example${PHONE_PATH} HTTP/1.1\r\nHost: dls\r\nContent-Length: ${len}\r\nConnection: close`, xml),
    { statuses: [200, 400, 404], mayCloseSilently: false },
  );
  add.raw(g, 'no Host header (HTTP/1.1)', request(`POST ${PHONE_PATH} HTTP/1.1\r\nContent-Length: ${len}\r\nConnection: close`, xml), {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'HTTP/1.0 without Content-Length', `POST ${PHONE_PATH} HTTP/1.0\r\nHost: dls\r\n\r\n`, {
    statuses: [200, 400],
    mayCloseSilently: false,
  });
  add.raw(g, 'only CRLFs', '\r\n'.repeat(10_000), badOrClose);
  // Not TLS at all on the TLS port: the handshake fails and the socket is closed.
  add.raw(
    g,
    'plain HTTP on the TLS port',
    request(post(`Content-Length: ${len}`), xml),
    { statuses: [400], mayCloseSilently: true },
    { tls: false },
  );
  add.raw(
    g,
    'random bytes on the TLS port',
    Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) & 0xff)),
    { statuses: [], mayCloseSilently: true },
    { tls: false },
  );
  add.raw(
    g,
    'truncated TLS ClientHello',
    Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
    { statuses: [], mayCloseSilently: true },
    { tls: false },
  );
  add.raw(
    g,
    'SSLv2 hello',
    Buffer.from([0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10]),
    { statuses: [], mayCloseSilently: true },
    { tls: false },
  );
}

function resets(add: Collector): void {
  const g = 'connection reset';
  const xml = realStartUp('RST0000000000001', hostileMac(13));
  const len = Buffer.byteLength(xml);
  const head = `POST ${PHONE_PATH} HTTP/1.1\r\nHost: dls\r\nContent-Type: text/xml\r\nContent-Length: ${len}\r\n\r\n`;
  const reset = { statuses: [], mayCloseSilently: true } as const;
  add.raw(g, 'reset right after the TLS handshake', '', reset, { reset: true });
  add.raw(g, 'reset in the request line', 'POST /Deploym', reset, { reset: true });
  add.raw(g, 'reset in the headers', head.slice(0, 60), reset, { reset: true });
  add.raw(g, 'reset after the headers', head, reset, { reset: true });
  add.raw(g, 'reset mid-body', head + xml.slice(0, Math.floor(len / 2)), reset, { reset: true });
  add.raw(g, 'reset after a complete request', head + xml, reset, { reset: true });
  add.raw(g, 'reset during the TLS handshake', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40]), reset, { tls: false, reset: true });
}

function garbage(add: Collector, int: (n: number) => number): void {
  for (let i = 0; i < 15; i++) {
    const body = Buffer.from(Array.from({ length: 1 + int(4000) }, () => int(256)));
    add.https('random bytes', `random bytes #${i} (${body.length} B)`, body, { ...CLEANUP, nonce: readableNonce(body) });
  }
  // Seeded mutations of a start-up without mac-addr: whatever survives, there is no phone to serve.
  const base = workpoint(
    'nonce="MUT0000000000001" maxItems="-1"',
    reason('start-up') +
      itemList([
        { name: 'e164', value: '4930123' },
        { name: 'software-version', value: 'V3 R1.41.1' },
      ]),
  );
  for (let i = 0; i < 40; i++) {
    const bytes = [...Buffer.from(base)];
    const edits = 1 + int(6);
    for (let k = 0; k < edits; k++) {
      const at = int(bytes.length);
      const op = int(3);
      if (op === 0) bytes[at] = int(256);
      else if (op === 1) bytes.splice(at, 1 + int(8));
      else bytes.splice(at, 0, ...Array.from({ length: 1 + int(4) }, () => '<>&"\'/=!?[]'.charCodeAt(int(11))));
    }
    const body = Buffer.from(bytes);
    const sniffed = readableNonce(body);
    // A mutation can leave the message readable but with another nonce, so only a sniffed one is checked.
    add.https('mutated start-up', `mutation #${i} (${edits} edits)`, body, {
      ...CLEANUP,
      nonce: sniffed === 'MUT0000000000001' ? sniffed : null,
    });
  }
}
