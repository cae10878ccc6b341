/**
 * WPI (WorkPoint Interface) wire vocabulary shared by the main process and the renderer.
 * Source of truth: ../shared/spec/wpi-protocol.md §7 and wpi.xsd.
 */

export const WPI_NAMESPACE = 'http://www.siemens.com/DLS';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export const REASONS = ['start-up', 'local-changes', 'inventory-changes', 'status', 'solicited', 'reply-to', 'clean-up'] as const;
export type Reason = (typeof REASONS)[number];

export const ACTIONS = [
  'ReadAllItems',
  'WriteItems',
  'ReadItems',
  'Restart',
  'FileDeployment',
  'SoftwareDeployment',
  'CleanUp',
  'GetNextFragment',
] as const;
export type Action = (typeof ACTIONS)[number];

export const REPLY_STATUSES = ['accepted', 'failed', 'busy'] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

/** Per-item outcome a phone reports (p. 26). Note the blanks: `read only`, not `read-only`. */
export const ITEM_STATUSES = [
  'failed',
  'unknown item',
  'read only',
  'invalid index',
  'unexpected item',
  'not supported',
  'invalid data',
  'undefined status',
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface WpiItem {
  name: string;
  /** Instance number of a multi-instance item; absent for single items. */
  index?: number;
  value: string;
  /** Only in phone messages. Unknown strings are kept as sent. */
  status?: string;
}

/** A `WorkpointMessage` as parsed leniently from a phone. */
export interface PhoneMessage {
  nonce: string;
  /** -1 = unlimited (also when the phone omits it). */
  maxItems: number;
  fragment: 'next' | 'final';
  reason: Reason;
  action?: Action;
  status?: ReplyStatus;
  items: WpiItem[];
}

/** A `DLSMessage` the service sends; `items === undefined` means no ItemList element. */
export interface ServiceMessage {
  nonce: string;
  action: Action;
  items?: WpiItem[];
}

/** Protocol limits (p. 69). */
export const MAX_MESSAGE_BYTES = 50 * 1024;

/** Fixed password phones require for a factory reset on any interface (p. 51). */
export const FACTORY_RESET_PASSWORD = '124816';

/** Characters phones do not decode from entities in item values (spec README, quirks). */
export const UNSAFE_VALUE_CHARS = /[<>&]/;

export function itemKey(item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? item.name : `${item.name}#${item.index}`;
}

/** DCMP poll target for phones behind NAT (Unify wiki, wpi-protocol.md §5). */
export const DCMP_URL_ITEM = 'dcmp-url';
/**
 * The poll interval item's real name is unknown (guide §6.1 was not readable; wpi-protocol.md
 * §13). This is our choice, kept in one place; a phone that does not know it reports
 * `unknown item` for it, which the job's per-item results show.
 */
export const DCMP_POLL_INTERVAL_ITEM = 'dcmp-poll-interval';
