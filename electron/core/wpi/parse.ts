import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  ACTIONS,
  REASONS,
  REPLY_STATUSES,
  type Action,
  type PhoneMessage,
  type Reason,
  type ReplyStatus,
  type WpiItem,
} from '../../../shared/protocol.js';
import { WpiParseError } from './errors.js';

/**
 * Lenient reader for `WorkpointMessage` as real phones send it (wpi-protocol.md §7):
 * root in any case, with or without namespace, whitespace around values, `fragment`
 * on `Message` (or, per the guide's table, on `ReasonForContact`). DOCTYPE and entity
 * declarations are refused before any parsing so no entity can ever be expanded.
 *
 * One pass: saxes checks well-formedness while the handlers below pick out the few
 * elements a phone message has; nothing else of the document is kept.
 */

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;
/** Longest nonce echoed (characters; a surrogate pair counts once). Guide nonces are 23–32. */
export const MAX_NONCE_CHARS = 256;
/**
 * Most bytes one echoed nonce character can take in the built attribute: `"` is written as
 * `&quot;` (6); `<`, `>` take 4, as does a character outside the BMP; the rest at most 3.
 */
export const MAX_NONCE_CHAR_BYTES = 6;
/** Deepest element nesting read; a phone message has four levels (root, Message, ItemList, Item). */
export const MAX_ELEMENT_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * C0 control characters XML 1.0 does not allow. Phones have been seen to put them into item
 * values (a terminal escape in a device type): the message is still read, each one becomes
 * U+FFFD, which a nonce may not contain (it could not be echoed as sent).
 */
const XML_DISALLOWED_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
export const REPLACED_CONTROL = '\uFFFD';
/**
 * A nonce the reply can echo verbatim (§3.5). Control characters are dropped or normalised by
 * XML, U+FFFE/FFFF and lone surrogates are not XML at all, and xmlbuilder2 writes `&…;`
 * unescaped (as an entity reference); real phones send 23–32 hex digits.
 */
const ECHOABLE_NONCE = new RegExp(
  `^(?:[^\\u0000-\\u001F\\u007F&\\uD800-\\uDFFF\\uFFFD-\\uFFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]){1,${MAX_NONCE_CHARS}}$`,
);

export function decodeBody(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    // The nonce is ASCII: still readable from a lossy decode, so the CleanUp can echo it.
    throw new WpiParseError('encoding', 'body is not valid UTF-8', sniffNonce(new TextDecoder('utf-8').decode(body)));
  }
}

export function parsePhoneMessage(body: Buffer | string): PhoneMessage {
  const xml = decodeBody(body);
  if (DECLARATION.test(xml)) {
    throw new WpiParseError('doctype', 'DOCTYPE or entity declarations are not accepted', sniffNonce(xml));
  }
  const read = readDocument(xml);
  if (read.rootName?.toLowerCase() !== 'workpointmessage') {
    throw new WpiParseError('wrong-root', `root element is ${read.rootName ?? 'missing'}, expected WorkpointMessage`, sniffNonce(xml));
  }
  const message = read.message;
  if (!message) throw new WpiParseError('no-message', 'WorkpointMessage has no Message element', sniffNonce(xml));
  if (read.messages > 1) throw new WpiParseError('no-message', 'WorkpointMessage has more than one Message element', sniffNonce(xml));

  const nonce = message.get('nonce')?.trim();
  if (!nonce) throw new WpiParseError('missing-nonce', 'Message has no nonce');
  if (!ECHOABLE_NONCE.test(nonce)) {
    throw new WpiParseError('bad-attribute', `nonce "${clip(nonce)}" cannot be echoed (control characters, "&" or over 256 characters)`);
  }

  // Two ReasonForContact elements name no reason at all.
  const reasonText = read.reasons === 1 ? read.reasonText.trim() : '';
  if (!isOneOf(REASONS, reasonText)) {
    throw new WpiParseError('unknown-reason', `unknown ReasonForContact "${clip(reasonText)}"`, nonce);
  }
  const reason: Reason = reasonText;
  const reasonAttrs = read.reasons === 1 ? read.reasonAttrs : undefined;

  const actionText = reasonAttrs?.get('action')?.trim();
  let action: Action | undefined;
  if (actionText) {
    if (!isOneOf(ACTIONS, actionText)) throw new WpiParseError('unknown-action', `unknown action "${clip(actionText)}"`, nonce);
    action = actionText;
  }
  const statusText = reasonAttrs?.get('status')?.trim();
  let status: ReplyStatus | undefined;
  if (statusText) {
    if (!isOneOf(REPLY_STATUSES, statusText)) throw new WpiParseError('bad-attribute', `unknown status "${clip(statusText)}"`, nonce);
    status = statusText;
  }

  const fragmentText = (message.get('fragment') ?? reasonAttrs?.get('fragment'))?.trim();
  if (fragmentText !== undefined && fragmentText !== 'next' && fragmentText !== 'final') {
    throw new WpiParseError('bad-attribute', `fragment must be next or final, got "${clip(fragmentText)}"`, nonce);
  }

  return {
    nonce,
    maxItems: parseMaxItems(message.get('maxitems')),
    fragment: fragmentText === 'next' ? 'next' : 'final',
    reason,
    ...(action ? { action } : {}),
    ...(status ? { status } : {}),
    items: read.items.map((raw) => toItem(raw, nonce)),
  };
}

/** Attributes by local name in lower case (namespace prefixes and `xmlns` declarations dropped). */
type Attributes = Map<string, string>;

interface RawItem {
  attrs: Attributes;
  text: string;
}

/** What one pass over the document keeps: the root's name and the parts of its Message. */
interface ReadDocument {
  /** Local name as spelled, for the error message. */
  rootName: string | null;
  messages: number;
  message: Attributes | null;
  reasons: number;
  reasonText: string;
  reasonAttrs: Attributes | null;
  items: RawItem[];
}

/** Element levels (1 = root) at which the reader keeps anything. */
const LEVEL = { root: 1, message: 2, part: 3, item: 4 } as const;

/**
 * Checks the whole document for well-formedness and keeps root/Message/{ReasonForContact,
 * ItemList/Item}. Semantic problems are judged afterwards, so a broken document is always
 * reported as not well-formed first, as before.
 */
function readDocument(xml: string): ReadDocument {
  const read: ReadDocument = { rootName: null, messages: 0, message: null, reasons: 0, reasonText: '', reasonAttrs: null, items: [] };
  // Element names on the path, in lower case without prefix, for the levels that matter.
  const path: string[] = [];
  let depth = 0;
  // Which text is being collected: the reason (level 3) or an item (level 4).
  let collecting: 'reason' | RawItem | null = null;
  const parser = new SaxesParser({ xmlns: false });
  // A second root is a wrong document, not a broken one (as the phone's own parser would see it).
  parser.on('opentagstart', () => {
    if (depth === 0 && read.rootName !== null) {
      throw new WpiParseError('wrong-root', 'more than one root element, expected one WorkpointMessage', sniffNonce(xml));
    }
  });
  parser.on('error', (error) => {
    throw new WpiParseError('not-well-formed', `XML is not well-formed: ${clip(error.message)}`, sniffNonce(xml));
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth += 1;
    if (depth > MAX_ELEMENT_DEPTH) {
      throw new WpiParseError('not-well-formed', `XML refused: elements nested deeper than ${MAX_ELEMENT_DEPTH}`, sniffNonce(xml));
    }
    if (depth > LEVEL.item) return;
    const name = localName(tag.name);
    path[depth - 1] = name;
    if (depth === LEVEL.root) {
      read.rootName = tag.name.slice(tag.name.indexOf(':') + 1);
    } else if (depth === LEVEL.message && name === 'message') {
      read.messages += 1;
      read.message ??= attributes(tag);
    } else if (depth === LEVEL.part && path[1] === 'message' && read.messages === 1 && name === 'reasonforcontact') {
      read.reasons += 1;
      read.reasonAttrs = attributes(tag);
      read.reasonText = '';
      collecting = 'reason';
    } else if (depth === LEVEL.item && path[2] === 'itemlist' && path[1] === 'message' && read.messages === 1 && name === 'item') {
      const item: RawItem = { attrs: attributes(tag), text: '' };
      read.items.push(item);
      collecting = item;
    }
  });
  const onText = (text: string): void => {
    if (collecting === null) return;
    // Only text directly inside the element counts (as before: nested elements' text is not the value).
    if (collecting === 'reason') {
      if (depth === LEVEL.part) read.reasonText += text;
    } else if (depth === LEVEL.item) {
      collecting.text += text;
    }
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    // Only the collecting element's own end tag ends its text: `start-<b/>up` is still one reason.
    if (depth === (collecting === 'reason' ? LEVEL.part : LEVEL.item)) collecting = null;
    depth -= 1;
  });
  // A UTF-8 BOM decoded from a string is not part of the document.
  const document = (xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml).replace(XML_DISALLOWED_CONTROLS, REPLACED_CONTROL);
  parser.write(document).close();
  if (read.rootName === null) throw new WpiParseError('not-well-formed', 'XML is not well-formed: no root element', sniffNonce(xml));
  return read;
}

function attributes(tag: SaxesTagPlain): Attributes {
  const out: Attributes = new Map();
  const all = tag.attributes;
  for (const name in all) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const key = localName(name);
    // Phones vary the case; of two spellings of one name the first counts.
    if (!out.has(key)) out.set(key, all[name] as string);
  }
  return out;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon < 0 ? name : name.slice(colon + 1)).toLowerCase();
}

function toItem(raw: RawItem, nonce: string): WpiItem {
  const name = raw.attrs.get('name')?.trim();
  if (!name) throw new WpiParseError('bad-item', 'Item without name', nonce);
  const item: WpiItem = { name, value: raw.text.trim() };
  const index = raw.attrs.get('index')?.trim();
  if (index !== undefined && index !== '') {
    if (!/^\d{1,9}$/.test(index)) throw new WpiParseError('bad-item', `Item ${clip(name)} has index "${clip(index)}"`, nonce);
    item.index = Number(index);
  }
  const status = raw.attrs.get('status')?.trim();
  if (status) item.status = status;
  return item;
}

function parseMaxItems(value: string | undefined): number {
  if (value === undefined) return -1;
  const n = Number(value.trim());
  return Number.isInteger(n) && n > 0 ? n : -1;
}

function isOneOf<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Best effort, for answering broken messages: the nonce attribute if it is readable at all. */
export function sniffNonce(xml: string): string | undefined {
  const m = /<(?:\w+:)?Message\b[^>]*?\bnonce\s*=\s*["']([A-Za-z0-9+/=_-]{1,128})["']/i.exec(xml.slice(0, 4096));
  return m?.[1];
}
