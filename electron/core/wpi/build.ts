import { create } from 'xmlbuilder2';
import { UNSAFE_VALUE_CHARS, WPI_NAMESPACE, XSI_NAMESPACE, type ServiceMessage, type WpiItem } from '../../../shared/protocol.js';
import { ITEM_NAME_PATTERN, MAX_VALUE_BYTES } from '../../../shared/validation.js';
import { UnsendableItemError } from './errors.js';
/** Characters XML 1.0 cannot carry at all (unpaired surrogates would reach the phone as U+FFFD). */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this value cannot be sent, or null when it can. Used up front by validation too. */
export function unsendableReason(item: Pick<WpiItem, 'name' | 'value' | 'index'>): string | null {
  if (!ITEM_NAME_PATTERN.test(item.name)) return `item name "${item.name}" is not a valid WPI item name`;
  if (item.index !== undefined && !(Number.isSafeInteger(item.index) && item.index >= 0)) {
    return `index of ${item.name} must be a whole number of 0 or more`;
  }
  // No message may exceed 50 kB (p. 69): a value this long could only go out oversized.
  if (Buffer.byteLength(item.value, 'utf8') > MAX_VALUE_BYTES) return `value of ${item.name} is over ${MAX_VALUE_BYTES} bytes`;
  if (UNSAFE_VALUE_CHARS.test(item.value)) {
    return `value of ${item.name} contains <, > or &, which phones do not decode; remove those characters`;
  }
  if (XML_INVALID.test(item.value)) return `value of ${item.name} contains control characters XML cannot carry`;
  return null;
}

export function assertSendable(items: readonly WpiItem[]): void {
  for (const item of items) {
    const why = unsendableReason(item);
    if (why) throw new UnsendableItemError(item.name, why);
  }
}

/** Builds a `DLSMessage` exactly in the spec's form (wpi-protocol.md §7.1), UTF-8. */
export function buildServiceMessage(msg: ServiceMessage): string {
  if (msg.items) assertSendable(msg.items);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(WPI_NAMESPACE, 'DLSMessage', {
    'xmlns:xsi': XSI_NAMESPACE,
    'xsi:schemaLocation': WPI_NAMESPACE,
  });
  const message = root.ele('Message', { nonce: msg.nonce });
  message.ele('Action').txt(msg.action);
  if (msg.items) {
    const list = message.ele('ItemList');
    for (const item of msg.items) {
      const attrs: Record<string, string> = { name: item.name };
      if (item.index !== undefined) attrs.index = String(item.index);
      list.ele('Item', attrs).txt(item.value);
    }
  }
  return root.end({ prettyPrint: false });
}
