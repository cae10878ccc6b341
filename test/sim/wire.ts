/**
 * XML on the wire, as a phone writes and reads it (wpi-protocol.md §7, xml-schema-facts.md).
 *
 * Writing is plain string building rather than xmlbuilder2: fragmentation must know the exact
 * byte size of every item to honour the 50 kB cap (p. 69), and strings give that for free.
 *
 * Reading is deliberately stricter than the service's reader: the simulator exists to catch
 * service bugs, so every deviation from the documented `DLSMessage` form is reported, while the
 * deviations real phones tolerate (root case, namespace) still let the flow go on (§7.1).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_MESSAGE_BYTES, WPI_NAMESPACE, XSI_NAMESPACE, type Reason, type ReplyStatus, type WpiItem } from '../../shared/protocol.js';

/** A message the phone sends. `items === undefined` writes no ItemList, `[]` writes `<ItemList/>`. */
export interface OutgoingMessage {
  reason: Reason;
  /** For `reply-to`: the action answered. A string, because unknown actions are answered too. */
  action?: string;
  status?: ReplyStatus;
  items?: WpiItem[];
}

/** A `DLSMessage` as the phone understood it. */
export interface DlsMessage {
  nonce?: string;
  action: string;
  /** undefined when the message had no ItemList. */
  items?: WpiItem[];
}

export type DlsParseResult = { ok: true; message: DlsMessage; violations: string[] } | { ok: false; error: string; violations: string[] };

/** A `WorkpointMessage` read back, used for the fixture and by tests acting as the service. */
export interface WorkpointMessage {
  nonce?: string;
  maxItems?: string;
  fragment?: string;
  reason: string;
  action?: string;
  status?: string;
  items?: WpiItem[];
}

// ---------------------------------------------------------------------------------------------
// Writing

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
const ROOT_OPEN = `<WorkpointMessage xmlns="${WPI_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}" xsi:schemaLocation="${WPI_NAMESPACE}">`;
const ROOT_CLOSE = '</Message></WorkpointMessage>';

/** Reasons that answer the service; only these carry `fragment` (p. 29, 45; §7.2). */
const ANSWER_REASONS: ReadonlySet<Reason> = new Set(['reply-to', 'clean-up']);

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

/**
 * Values are escaped on the way out even though real phones do not decode entities on the way in
 * (README quirks): the phone stores `&lt;` literally, and reading it back shows the service the
 * mangled value instead of silently "repairing" it.
 */
export function itemXml(item: WpiItem): string {
  const index = item.index === undefined ? '' : ` index="${item.index}"`;
  const status = item.status === undefined ? '' : ` status="${escapeAttr(item.status)}"`;
  const open = `<Item name="${escapeAttr(item.name)}"${index}${status}`;
  // An item reported with a status has empty content (p. 33, 78, 83).
  return item.value === '' ? `${open}/>` : `${open}>${escapeText(item.value)}</Item>`;
}

function head(nonce: string, maxItems: number, fragment: string | undefined, msg: OutgoingMessage): string {
  const frag = fragment === undefined ? '' : ` fragment="${fragment}"`;
  const action = msg.action === undefined ? '' : ` action="${escapeAttr(msg.action)}"`;
  const status = msg.status === undefined ? '' : ` status="${msg.status}"`;
  return (
    `${DECLARATION}${ROOT_OPEN}<Message nonce="${escapeAttr(nonce)}" maxItems="${maxItems}"${frag}>` +
    `<ReasonForContact${action}${status}>${msg.reason}</ReasonForContact>`
  );
}

function document(nonce: string, maxItems: number, fragment: string | undefined, msg: OutgoingMessage, items?: string[]): string {
  let list = '';
  if (items !== undefined) list = items.length === 0 ? '<ItemList/>' : `<ItemList>${items.join('')}</ItemList>`;
  return head(nonce, maxItems, fragment, msg) + list + ROOT_CLOSE;
}

/**
 * Serialises a phone message, split into fragments by the phone's own `maxItems` and by the 50 kB
 * cap (p. 69). Only answers are split; each piece but the last says `fragment="next"`.
 */
export function serializeMessage(nonce: string, maxItems: number, msg: OutgoingMessage): [string, ...string[]] {
  const answer = ANSWER_REASONS.has(msg.reason);
  const items = msg.items?.map(itemXml);
  if (!answer || items === undefined || items.length === 0) {
    return [document(nonce, maxItems, answer ? 'final' : undefined, msg, items)];
  }
  const envelope = Buffer.byteLength(document(nonce, maxItems, 'final', msg, ['']));
  const perMessage = maxItems > 0 ? maxItems : Number.POSITIVE_INFINITY;
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = envelope;
  for (const xml of items) {
    const size = Buffer.byteLength(xml);
    // A single item above the cap still has to go somewhere: it travels alone.
    if (current.length > 0 && (current.length >= perMessage || bytes + size > MAX_MESSAGE_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(xml);
    bytes += size;
  }
  chunks.push(current);
  const docs = chunks.map((chunk, i) => document(nonce, maxItems, i === chunks.length - 1 ? 'final' : 'next', msg, chunk));
  return docs as [string, ...string[]]; // never empty: `current` was pushed above
}

// ---------------------------------------------------------------------------------------------
// Reading

type Node = Record<string, unknown>;

/** Elements that may repeat; forcing arrays lets us count them (e.g. "more than one Action"). */
const REPEATABLE = new Set(['Message', 'Action', 'ReasonForContact', 'ItemList', 'Item']);
const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Real phones do not decode entities in values (README quirks); store what arrived.
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATABLE.has(localName(name)),
});

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** All children with this local name, whatever namespace prefix they carry. */
function children(node: Node, name: string): unknown[] {
  const found: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || localName(key) !== name) continue;
    if (Array.isArray(value)) found.push(...(value as unknown[]));
    else found.push(value);
  }
  return found;
}

function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (isNode(node) && typeof node['#text'] === 'string') return node['#text'];
  return '';
}

interface Root {
  name: string;
  namespace: string | undefined;
  node: Node;
}

function readRoot(xml: string): Root | string {
  if (xml.trim() === '') return 'empty body';
  if (/<!DOCTYPE/i.test(xml)) return 'DOCTYPE is not allowed';
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return `invalid XML: ${valid.err.msg} (line ${valid.err.line})`;
  const doc = parser.parse(xml) as Node;
  const roots = Object.keys(doc);
  const name = roots[0];
  if (roots.length !== 1 || name === undefined) return 'no single root element';
  const raw = doc[name];
  const node = Array.isArray(raw) ? (raw[0] as unknown) : raw;
  if (!isNode(node)) return `root element ${name} is empty`;
  const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : undefined;
  return { name, namespace: attr(node, prefix === undefined ? 'xmlns' : `xmlns:${prefix}`), node };
}

function readItems(list: unknown): WpiItem[] | string {
  if (!isNode(list)) return []; // `<ItemList/>`
  const items: WpiItem[] = [];
  for (const node of children(list, 'Item')) {
    const name = attr(node, 'name')?.trim();
    if (!name) return 'Item without name';
    const item: WpiItem = { name, value: text(node) };
    const index = attr(node, 'index')?.trim();
    if (index !== undefined) {
      if (!/^\d{1,9}$/.test(index)) return `Item ${name} has index "${index}"`;
      item.index = Number(index);
    }
    const status = attr(node, 'status');
    if (status !== undefined) item.status = status.trim();
    items.push(item);
  }
  return items;
}

/** Reads the single `Message` and its optional single `ItemList`. */
function readMessage(root: Node): { message: Node; items: WpiItem[] | undefined } | string {
  const messages = children(root, 'Message');
  if (messages.length !== 1) return `expected one Message, found ${messages.length}`;
  const message = messages[0];
  if (!isNode(message)) return 'Message is empty';
  const lists = children(message, 'ItemList');
  if (lists.length > 1) return `expected at most one ItemList, found ${lists.length}`;
  if (lists.length === 0) return { message, items: undefined };
  const items = readItems(lists[0]);
  return typeof items === 'string' ? items : { message, items };
}

/** Reads a service answer; deviations are returned as violations, unreadable ones as an error. */
export function parseDlsMessage(xml: string): DlsParseResult {
  const violations: string[] = [];
  const root = readRoot(xml);
  if (typeof root === 'string') return { ok: false, error: root, violations };
  const local = localName(root.name);
  if (local.toLowerCase() !== 'dlsmessage') return { ok: false, error: `unexpected root element ${root.name}`, violations };
  if (local !== 'DLSMessage') violations.push(`root element is ${root.name}, expected DLSMessage`);
  if (root.namespace !== WPI_NAMESPACE) violations.push(`root namespace is ${root.namespace ?? '(none)'}, expected ${WPI_NAMESPACE}`);

  const read = readMessage(root.node);
  if (typeof read === 'string') return { ok: false, error: read, violations };
  const actions = children(read.message, 'Action');
  if (actions.length !== 1) {
    const error = `expected exactly one Action, found ${actions.length}`;
    if (actions.length > 1) violations.push(error);
    return { ok: false, error, violations };
  }
  const action = text(actions[0]).trim();
  if (action === '') return { ok: false, error: 'empty Action', violations };
  const nonce = attr(read.message, 'nonce');
  const message: DlsMessage = { action, ...(nonce === undefined ? {} : { nonce }), ...(read.items ? { items: read.items } : {}) };
  return { ok: true, message, violations };
}

/** Reads a phone message; throws on anything unreadable (callers are tests and the fixture loader). */
export function parseWorkpointMessage(xml: string): WorkpointMessage {
  const root = readRoot(xml);
  if (typeof root === 'string') throw new Error(root);
  if (root.name !== 'WorkpointMessage' || root.namespace !== WPI_NAMESPACE) {
    throw new Error(`root is ${root.name} in ${root.namespace ?? 'no namespace'}`);
  }
  const read = readMessage(root.node);
  if (typeof read === 'string') throw new Error(read);
  const reasons = children(read.message, 'ReasonForContact');
  const reason = reasons[0];
  if (reasons.length !== 1) throw new Error(`expected one ReasonForContact, found ${reasons.length}`);
  const optional = (name: string, node: unknown): Partial<Record<string, string>> => {
    const v = attr(node, name);
    return v === undefined ? {} : { [name]: v };
  };
  return {
    reason: text(reason).trim(),
    ...optional('nonce', read.message),
    ...optional('maxItems', read.message),
    ...optional('fragment', read.message),
    ...optional('action', reason),
    ...optional('status', reason),
    ...(read.items ? { items: read.items } : {}),
  };
}
