import type { Language } from '../i18n/index.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', Number.POSITIVE_INFINITY],
];

// Creating an Intl formatter costs far more than formatting with one; tables format thousands of cells.
const relativeFormats = new Map<Language, Intl.RelativeTimeFormat>();
const dateTimeFormats = new Map<Language, Intl.DateTimeFormat>();

function relativeFormat(language: Language): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    relativeFormats.set(language, format);
  }
  return format;
}

function dateTimeFormat(language: Language): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' });
    dateTimeFormats.set(language, format);
  }
  return format;
}

/** "3 minutes ago" / "vor 3 Minuten": how fresh a phone's last contact is matters more than the clock time. */
export function formatRelative(timestamp: number, now: number, language: Language): string {
  // The UI's clock ticks coarsely: a contact a moment "in the future" is simply now.
  let amount = Math.round(Math.min(0, timestamp - now) / 1000);
  for (const [unit, perNext] of UNITS) {
    if (Math.abs(amount) < perNext) return relativeFormat(language).format(amount, unit);
    amount = Math.round(amount / perNext);
  }
  return relativeFormat(language).format(amount, 'day');
}

const timeFormats = new Map<Language, Intl.DateTimeFormat>();

/** Clock time only (`14:05:09`): for times within the next minutes. */
export function formatTime(timestamp: number, language: Language): string {
  let format = timeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { timeStyle: 'medium' });
    timeFormats.set(language, format);
  }
  return format.format(timestamp);
}

export function formatDateTime(timestamp: number | null, language: Language): string {
  if (timestamp === null) return '—';
  return dateTimeFormat(language).format(timestamp);
}

/** `function-key-def [3]`: how an indexed item is written in lists and diffs. */
export function itemLabel(item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? item.name : `${item.name} [${item.index}]`;
}

/** `item-<name>` / `item-<name>-<index>` style suffix shared by all per-item test ids. */
export function itemTestId(prefix: string, item: { name: string; index?: number | undefined }): string {
  return item.index === undefined ? `${prefix}-${item.name}` : `${prefix}-${item.name}-${item.index}`;
}

/** `1.2 MB`: decimal units, as the phones' limits are written. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
