import { checkItem, checkItemRef, type ItemToCheck, type ItemViolation } from './item-rules.js';
import type { ValidationIssue } from './model.js';

export { INDEX_OPTIONAL_ITEMS, ITEM_NAME_PATTERN, MAX_VALUE_BYTES } from './item-rules.js';

/** The main process's words for a broken item rule (API errors, logs); the renderer has its own, in en/de. */
export function violationMessage(violation: ItemViolation): string {
  switch (violation.rule) {
    case 'name':
      return 'is not a valid item name (a letter, then letters, digits, - or _)';
    case 'index':
      return 'index must be a whole number of 0 or more';
    case 'indexForbidden':
      return 'takes no index';
    case 'indexRequired':
      return 'needs an index';
    case 'indexRange':
      return `index must be between ${violation.min} and ${violation.max}`;
    case 'characters':
      return 'must not contain <, > or &: phones do not decode them';
    case 'control':
      return 'must not contain control characters';
    case 'bytes':
      return `is too long: at most ${violation.max} bytes, so that one message stays within 50 kB`;
    case 'readOnly':
      return 'is read-only on the phone';
    case 'type':
      return TYPE_MESSAGES[violation.type];
    case 'enum':
      return `must be one of ${violation.values.map((v) => (violation.labels[v] ? `${v} (${violation.labels[v]})` : v)).join(', ')}`;
    case 'range':
      return `must be between ${violation.min} and ${violation.max}`;
    case 'excluded':
      return `must not be ${violation.value}`;
    case 'maxLength':
      return `must be at most ${violation.max} characters`;
    case 'maxLengthForFunction':
      return `must be at most ${violation.max} characters for key function ${violation.keyFunction}`;
  }
}

const TYPE_MESSAGES: Record<Extract<ItemViolation, { rule: 'type' }>['type'], string> = {
  boolean: 'must be true or false',
  integer: 'must be a whole number',
  ip: 'must be an IP address such as 192.168.1.10 (empty or NULL clears it)',
  hostname: 'must be a host name or IP address (empty or NULL clears it)',
  uri: 'must be an address without spaces, such as sip:user@host or https://host/path',
  e164: 'must be a phone number (digits, optional leading +)',
  mac: 'must be a MAC address such as 00:1A:E8:12:34:56',
  time: 'must be a time such as 15:30 or 15:30:00',
  base64: 'must be Base64 text (A–Z, a–z, 0–9, +, /, = padding at the end)',
};

/** Name and index only (ReadItems); an English message or null. */
export function validateItemRef(item: { name: string; index?: number | undefined }): string | null {
  const violation = checkItemRef(item);
  return violation && violationMessage(violation);
}

/** One item on its own; an English message or null. See `checkItem`. */
export function validateItem(item: ItemToCheck): string | null {
  const violation = checkItem(item);
  return violation && violationMessage(violation);
}

/** Every item of one request, each checked together with the others. */
export function validateItems(items: readonly ItemToCheck[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const item of items) {
    const violation = checkItem(item, items);
    if (violation) {
      issues.push({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message: violationMessage(violation) });
    }
  }
  return issues;
}
