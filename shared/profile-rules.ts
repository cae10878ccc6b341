import { checkItem, type ItemToCheck, type ItemViolation, type ItemRule } from './item-rules.js';

/** `{{name}}`: a per-phone variable (an extension-list column or a phone fact) in a profile value. */
const TEMPLATE_VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * Rules that do not depend on the value a variable stands for: a profile value with a variable
 * is checked by these now and by every rule once it is resolved per phone (plan.ts `rowItems`).
 */
const RULES_BEFORE_RESOLVING: ReadonlySet<ItemRule> = new Set([
  'name',
  'index',
  'indexForbidden',
  'indexRequired',
  'indexRange',
  'readOnly',
  'characters',
  'control',
  'bytes',
]);

/** The variables a profile value uses, in order, each once. */
export function templateVariables(value: string): string[] {
  return [...new Set(Array.from(value.matchAll(TEMPLATE_VARIABLE), (m) => m[1] as string))];
}

/**
 * One profile item: a plain value by every catalogue rule (as a phone's editor does); a value
 * with variables only by the rules its resolved text cannot change.
 */
export function checkProfileItem(item: ItemToCheck, together: readonly ItemToCheck[] = []): ItemViolation | null {
  const violation = checkItem(item, together);
  if (!violation || templateVariables(item.value).length === 0) return violation;
  return RULES_BEFORE_RESOLVING.has(violation.rule) ? violation : null;
}
