import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECRET_ITEM_NAMES, SECRET_MASK, catalogueItem } from '../../../shared/catalogue.js';

/**
 * Everything that keeps secret item values (passwords, PINs, keys) out of the database in
 * clear and out of logs entirely. The store seals secrets through a `SecretBox`; the exchange
 * log and log lines only ever see `redactXml` / `redactItems` output.
 */

/** Seals single values. The Electron app supplies a safeStorage-backed box; plain Node uses a key file. */
export interface SecretBox {
  encrypt(plain: string): Buffer;
  /** Throws when the blob was not sealed by this box's key or was altered. */
  decrypt(blob: Buffer): string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every blob, so a later format (other cipher, key rotation) can be told apart. */
const FORMAT_V1 = 1;

/**
 * AES-256-GCM with a random 32-byte key kept in `keyFile` (created with mode 0600 the first
 * time, tightened to 0600 if found looser). Blob = format byte | 12-byte IV | 16-byte tag | ciphertext.
 * A key file of the wrong size is an error, never silently replaced: a new key would make
 * every stored secret unreadable.
 */
export function createKeyFileSecretBox(keyFile: string): SecretBox {
  return createKeySecretBox(loadOrCreateKey(keyFile));
}

/** The same box over a key held elsewhere (a site export's passphrase-derived key). */
export function createKeySecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`a secret box key has ${KEY_BYTES} bytes, not ${key.length}`);
  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT_V1) {
        throw new Error('secret blob has an unknown format');
      }
      const iv = blob.subarray(1, 1 + IV_BYTES);
      const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const body = blob.subarray(1 + IV_BYTES + TAG_BYTES);
      // final() throws when the tag does not match: wrong key or tampered blob.
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}

function loadOrCreateKey(keyFile: string): Buffer {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot overwrite each other's key.
    const key = randomBytes(KEY_BYTES);
    writeFileSync(keyFile, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Windows has no POSIX modes (stat reports 0o666 whatever the ACL says); the profile ACL protects it there.
  if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
  const key = readFileSync(keyFile);
  if (key.length !== KEY_BYTES) {
    throw new Error(`secret key file ${keyFile} holds ${key.length} bytes, expected ${KEY_BYTES}`);
  }
  return key;
}

const SECRET_NAMES_LOWER: ReadonlySet<string> = new Set([...SECRET_ITEM_NAMES].map((n) => n.toLowerCase()));

/**
 * Whether an item name denotes a secret. Deliberately wider than the catalogue's exact
 * `isSecretItem`: the phone parser trims names and matches tags case-insensitively, so
 * ` SIP-PWD ` must be treated as secret too. Masking too much is harmless; too little is not.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAMES_LOWER.has(name.trim().toLowerCase());
}

/**
 * Names that look like a credential although the catalogue does not list them (newer firmware
 * adds items). Unknown `*-certificate` and `*-cert` items may carry a private key (the
 * expert certificate slot). Logs mask them, the store seals them and the UI shows them masked, like
 * catalogue secrets.
 */
const CREDENTIAL_NAME = /(^|-)(pwd|passwd|password|pin|secret|passphrase|certificate|cert)(-unicode)?$/i;

/** Verdicts remembered: every message names the same few hundred items, each checked several times. */
const MAX_SECRET_VERDICTS = 4096;
/** Longer names are judged every time: a hostile megabyte name must not be kept. */
const MAX_REMEMBERED_NAME = 128;
const secretVerdicts = new Map<string, boolean>();

/**
 * Whether a value must never appear in clear in a log, the exchange log, the database or the UI;
 * the catalogue decides for items it knows.
 */
export function isLoggedAsSecret(name: string): boolean {
  let secret = secretVerdicts.get(name);
  if (secret === undefined) {
    const trimmed = name.trim();
    secret = isSecretName(trimmed) || (catalogueItem(trimmed) === undefined && CREDENTIAL_NAME.test(trimmed));
    // Phones may send any names: the memo is bounded, and simply starts over when full.
    if (name.length <= MAX_REMEMBERED_NAME) {
      if (secretVerdicts.size >= MAX_SECRET_VERDICTS) secretVerdicts.clear();
      secretVerdicts.set(name, secret);
    }
  }
  return secret;
}

/** Copies of `items` with the values of secret items masked (for log lines). Empty values stay empty. */
export function redactItems<T extends { name: string; value?: string }>(items: readonly T[]): T[] {
  return items.map((item) => (item.value && isLoggedAsSecret(item.name) ? { ...item, value: SECRET_MASK } : item));
}

/**
 * Replaces the text content of every secret `<Item name="…">` with SECRET_MASK.
 *
 * A hand-written linear scanner rather than a regex or an XML parser: it must work on
 * whatever a phone sent, including malformed and truncated documents, never throw, and
 * stay O(n) on hostile input (every scan either advances past what it read or stops for
 * good). Where the document is ambiguous it masks more, not less:
 * - `Item` and `name` match case-insensitively, with any namespace prefix, either quote
 *   style (or none), any attribute order; entity references in the name are decoded;
 * - content ends at the element's own end tag or at the next `<Item` start tag (a missing
 *   end tag); CDATA, comments and nested elements inside are masked with it;
 * - content cut off by the end of the document is masked to the end.
 * Whitespace-only content is left alone: the parser trims values, so it is an empty value,
 * and ReadItems requests with empty items stay readable.
 */
export function redactXml(xml: string): string {
  const parts: string[] = [];
  let copied = 0;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) break;
    const tag = readTag(xml, lt);
    pos = tag.end;
    if (tag.kind !== 'start' || !tag.complete || tag.selfClosing || localName(tag.name) !== 'item') continue;
    if (!tag.attributeNames.some(isLoggedAsSecret)) continue;
    const contentEnd = findContentEnd(xml, tag.end);
    if (xml.slice(tag.end, contentEnd).trim() !== '') {
      parts.push(xml.slice(copied, tag.end), SECRET_MASK);
      copied = contentEnd;
    }
    pos = contentEnd;
  }
  parts.push(xml.slice(copied));
  return parts.join('');
}

interface Tag {
  kind: 'start' | 'end' | 'other';
  name: string;
  /** Decoded values of `name` attributes (normally one). */
  attributeNames: string[];
  /** Ended by `>`; false when cut off by `<` or the end of the document. */
  complete: boolean;
  selfClosing: boolean;
  /** Index just past the tag (its `>`), or of the `<`/end that cut it off. */
  end: number;
}

/** Reads the tag at `lt` (xml[lt] === '<'). Never scans past the next `<`, which keeps the whole scan linear. */
function readTag(xml: string, lt: number): Tag {
  let i = lt + 1;
  let kind: Tag['kind'] = 'start';
  if (xml[i] === '/') {
    kind = 'end';
    i++;
  } else if (xml[i] === '!' || xml[i] === '?') {
    kind = 'other';
  }
  const nameStart = i;
  while (i < xml.length && !isNameStop(xml.charCodeAt(i))) i++;
  const tag: Tag = { kind, name: xml.slice(nameStart, i), attributeNames: [], complete: false, selfClosing: false, end: i };
  if (tag.name === '') tag.kind = 'other';
  while (i < xml.length) {
    const c = xml[i];
    if (c === '>') {
      tag.complete = true;
      tag.selfClosing = xml[i - 1] === '/';
      tag.end = i + 1;
      return tag;
    }
    if (c === '<') break;
    if (isSpace(xml.charCodeAt(i)) || c === '/') {
      i++;
      continue;
    }
    // An attribute: name, optional `= value` (quoted, or unquoted as lenient parsers accept).
    const attrStart = i;
    while (i < xml.length && !isNameStop(xml.charCodeAt(i)) && xml[i] !== '=') i++;
    const attrName = xml.slice(attrStart, i);
    while (i < xml.length && isSpace(xml.charCodeAt(i))) i++;
    if (xml[i] !== '=') continue;
    i++;
    while (i < xml.length && isSpace(xml.charCodeAt(i))) i++;
    let value: string;
    const quote = xml[i];
    if (quote === '"' || quote === "'") {
      const valueStart = i + 1;
      i = valueStart;
      // `<` is illegal inside attribute values: treat it as the cut-off point of a broken tag.
      while (i < xml.length && xml[i] !== quote && xml[i] !== '<') i++;
      value = xml.slice(valueStart, i);
      if (xml[i] === quote) i++;
    } else {
      const valueStart = i;
      while (i < xml.length && !isNameStop(xml.charCodeAt(i))) i++;
      value = xml.slice(valueStart, i);
    }
    if (localName(attrName) === 'name') tag.attributeNames.push(decodeEntities(value));
  }
  tag.end = i;
  return tag;
}

/** Index where the text content starting at `from` ends (see redactXml for the rules). */
function findContentEnd(xml: string, from: number): number {
  let depth = 0;
  let pos = from;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) return xml.length;
    const skipTo = skipUnparsed(xml, lt);
    if (skipTo !== undefined) {
      if (skipTo < 0) return xml.length;
      pos = skipTo;
      continue;
    }
    const tag = readTag(xml, lt);
    if (tag.kind === 'end') {
      if (depth === 0) return lt;
      depth--;
    } else if (tag.kind === 'start') {
      if (depth === 0 && localName(tag.name) === 'item') return lt;
      if (tag.complete && !tag.selfClosing) depth++;
    }
    pos = tag.end;
  }
}

/** For comments, CDATA and processing instructions at `lt`: the index past their end, -1 if unterminated, else undefined. */
function skipUnparsed(xml: string, lt: number): number | undefined {
  for (const [open, close] of UNPARSED) {
    if (xml.startsWith(open, lt)) {
      const end = xml.indexOf(close, lt + open.length);
      return end < 0 ? -1 : end + close.length;
    }
  }
  return undefined;
}

const UNPARSED: ReadonlyArray<readonly [string, string]> = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
];

function localName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf(':') + 1).toLowerCase();
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Characters that end a tag or attribute name. */
function isNameStop(code: number): boolean {
  return isSpace(code) || code === 0x3e /* > */ || code === 0x3c /* < */ || code === 0x2f; /* / */
}

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Decodes the five XML entities and numeric references; anything else is left as written. */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (match, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES.get(body) ?? match;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}
