import { XMLParser, XMLValidator } from 'fast-xml-parser';
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
 */

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i;
/** Longest nonce echoed (characters; a surrogate pair counts once). Guide nonces are 23–32. */
export const MAX_NONCE_CHARS = 256;
/**
 * Most bytes one echoed nonce character can take in the built attribute: `"` is written as
 * `&quot;` (6); `<`, `>` take 4, as does a character outside the BMP; the rest at most 3.
 */
export const MAX_NONCE_CHAR_BYTES = 6;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * A nonce the reply can echo verbatim (§3.5). Control characters are dropped or normalised by
 * XML, U+FFFE/FFFF and lone surrogates are not XML at all, and xmlbuilder2 writes `&…;`
 * unescaped (as an entity reference); real phones send 23–32 hex digits.
 */
const ECHOABLE_NONCE = new RegExp(
  `^(?:[^\\u0000-\\u001F\\u007F&\\uD800-\\uDFFF\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]){1,${MAX_NONCE_CHARS}}$`,
);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // fast-xml-parser 5 decodes numeric character references (&#228; &#x3C;) only together with
  // htmlEntities; without it they stay literal and `M&#252;ller` would be stored as typed.
  // Side effect (harmless, lenient): HTML named entities such as &nbsp; are decoded too.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name.toLowerCase() === 'item',
});

type Node = Record<string, unknown>;

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
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    // clip: for deep nesting the validator's message lists every open tag (megabytes of log).
    throw new WpiParseError('not-well-formed', `XML is not well-formed: ${clip(valid.err.msg)} (line ${valid.err.line})`, sniffNonce(xml));
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    // Well-formed but refused by the parser's own guards (nesting depth, `__proto__` names).
    throw new WpiParseError(
      'not-well-formed',
      `XML refused: ${clip(error instanceof Error ? error.message : String(error))}`,
      sniffNonce(xml),
    );
  }
  const root = child(doc, 'WorkpointMessage');
  if (!isNode(root)) {
    const seen = Object.keys(doc).filter((k) => !k.startsWith('?'));
    throw new WpiParseError('wrong-root', `root element is ${seen[0] ?? 'missing'}, expected WorkpointMessage`, sniffNonce(xml));
  }
  const message = child(root, 'Message');
  if (!isNode(message)) throw new WpiParseError('no-message', 'WorkpointMessage has no Message element', sniffNonce(xml));

  const nonce = attr(message, 'nonce')?.trim();
  if (!nonce) throw new WpiParseError('missing-nonce', 'Message has no nonce');
  if (!ECHOABLE_NONCE.test(nonce)) {
    throw new WpiParseError('bad-attribute', `nonce "${clip(nonce)}" cannot be echoed (control characters, "&" or over 256 characters)`);
  }

  const reasonNode = child(message, 'ReasonForContact');
  const reasonText = text(reasonNode).trim();
  if (!isOneOf(REASONS, reasonText)) {
    throw new WpiParseError('unknown-reason', `unknown ReasonForContact "${clip(reasonText)}"`, nonce);
  }
  const reason: Reason = reasonText;

  const actionText = isNode(reasonNode) ? attr(reasonNode, 'action')?.trim() : undefined;
  let action: Action | undefined;
  if (actionText) {
    if (!isOneOf(ACTIONS, actionText)) throw new WpiParseError('unknown-action', `unknown action "${clip(actionText)}"`, nonce);
    action = actionText;
  }
  const statusText = isNode(reasonNode) ? attr(reasonNode, 'status')?.trim() : undefined;
  let status: ReplyStatus | undefined;
  if (statusText) {
    if (!isOneOf(REPLY_STATUSES, statusText)) throw new WpiParseError('bad-attribute', `unknown status "${clip(statusText)}"`, nonce);
    status = statusText;
  }

  const fragmentText = (attr(message, 'fragment') ?? (isNode(reasonNode) ? attr(reasonNode, 'fragment') : undefined))?.trim();
  if (fragmentText !== undefined && fragmentText !== 'next' && fragmentText !== 'final') {
    throw new WpiParseError('bad-attribute', `fragment must be next or final, got "${clip(fragmentText)}"`, nonce);
  }

  return {
    nonce,
    maxItems: parseMaxItems(attr(message, 'maxItems')),
    fragment: fragmentText === 'next' ? 'next' : 'final',
    reason,
    ...(action ? { action } : {}),
    ...(status ? { status } : {}),
    items: parseItems(child(message, 'ItemList'), nonce),
  };
}

function parseItems(list: unknown, nonce: string): WpiItem[] {
  if (!isNode(list)) return [];
  const raw = child(list, 'Item');
  if (!Array.isArray(raw)) return [];
  return raw.map((node: unknown) => {
    const name = isNode(node) ? attr(node, 'name')?.trim() : undefined;
    if (!name) throw new WpiParseError('bad-item', 'Item without name', nonce);
    const item: WpiItem = { name, value: text(node).trim() };
    const index = isNode(node) ? attr(node, 'index')?.trim() : undefined;
    if (index !== undefined && index !== '') {
      if (!/^\d{1,9}$/.test(index)) throw new WpiParseError('bad-item', `Item ${clip(name)} has index "${clip(index)}"`, nonce);
      item.index = Number(index);
    }
    const status = isNode(node) ? attr(node, 'status')?.trim() : undefined;
    if (status) item.status = status;
    return item;
  });
}

function parseMaxItems(value: string | undefined): number {
  if (value === undefined) return -1;
  const n = Number(value.trim());
  return Number.isInteger(n) && n > 0 ? n : -1;
}

/** Case-insensitive child lookup: phones and third-party tools vary the case of names. */
function child(node: Node, name: string): unknown {
  if (Object.hasOwn(node, name)) return node[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(node)) if (key.toLowerCase() === lower) return node[key];
  return undefined;
}

function attr(node: Node, name: string): string | undefined {
  const v = child(node, `@${name}`);
  return typeof v === 'string' ? v : undefined;
}

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (isNode(node)) {
    const t = node['#text'];
    if (typeof t === 'string') return t;
    if (typeof t === 'number') return String(t);
  }
  return '';
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
