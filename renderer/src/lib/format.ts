import type { Language } from '../i18n/index.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago" / "vor 3 Minuten": how fresh a phone's last contact is matters more than the clock time. */
export function formatRelative(timestamp: number, now: number, language: Language): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  let amount = Math.round((timestamp - now) / 1000);
  for (const [unit, perNext] of UNITS) {
    if (Math.abs(amount) < perNext) return format.format(amount, unit);
    amount = Math.round(amount / perNext);
  }
  return format.format(amount, 'day');
}

export function formatDateTime(timestamp: number | null, language: Language): string {
  if (timestamp === null) return '—';
  return new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' }).format(timestamp);
}

/** `function-key-def [3]`: how an indexed item is written in lists and diffs. */
export function itemLabel(item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? item.name : `${item.name} [${item.index}]`;
}

/** `item-<name>` / `item-<name>-<index>` style suffix shared by all per-item test ids. */
export function itemTestId(prefix: string, item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? `${prefix}-${item.name}` : `${prefix}-${item.name}-${item.index}`;
}
