import { isIP } from 'node:net';
import type { Schema } from 'conf';
import { normalizeMac } from '../discovery/fingerprint.js';

/**
 * What the settings are, their defaults, and the rules they must follow. The JSON schema
 * below is the single statement of the rules: conf/electron-store (ajv) enforce it on every
 * write and read of the file, and `validateSettings` walks the same schema to produce
 * messages that name the field and the rule, which ajv's do not do in plain words.
 *
 * Groups are deliberately open and partial in the JSON schema: a file written by an older or
 * newer version (a group key added or removed) must still load, since conf discards a file
 * that breaks the schema. `readSettings` completes such a file from the defaults, while
 * `validateSettings` holds a change to the exact shape (complete groups, no unknown keys).
 */

/** Never more than one contact-me per phone per minute (wpi-protocol.md §4.3). */
export const MIN_CONTACT_ME_INTERVAL_MS = 60_000;

const SEND_SOLICITED = ['auto', 'always', 'never'] as const;
const LANGUAGES = ['en', 'de'] as const;
const THEMES = ['light', 'dark', 'auto'] as const;

// A type alias, not an interface: conf requires `Record<string, unknown>`, which only aliases satisfy.
export type SettingsData = {
  /** HTTPS port the phones call (the WPI default). */
  phonePort: number;
  /** Plain-HTTP phone port for old or misconfigured phones; 0 = off. */
  httpPort: number;
  /** Secure Mode port (mutual TLS with the local CA); written to phones as `dls-secure-port`. */
  securePort: number;
  /** Local addresses to listen on; empty = all interfaces. */
  bindAddresses: string[];
  /** Accept TLS 1.0 and old ciphers, which V1/V2 phones need. */
  legacyTls: boolean;
  keepAliveTimeoutMs: number;
  /** When CleanUp carries send-solicited after a busy refusal (engine policy). */
  sendSolicited: (typeof SEND_SOLICITED)[number];
  /** Which newly seen phones are adopted at once instead of quarantined. */
  adoption: { adoptAll: boolean; macs: string[]; prefixes: string[] };
  contactMe: { minIntervalMs: number; callbackTimeoutMs: number; maxAttempts: number };
  /** Protocol log limits: exchanges per phone, in all, and megabytes in all (oldest go first). */
  exchangeRetention: { perPhone: number; total: number; maxMegabytes: number };
  /** Phones never adopted are kept up to `maxPhones` (the least recently seen go first) and for `expireDays` after their last contact. */
  quarantine: { maxPhones: number; expireDays: number };
  language: (typeof LANGUAGES)[number];
  theme: (typeof THEMES)[number];
  /** Fieldstage's HTTPS file server (issue 8); it binds `bindAddresses` and follows `legacyTls`. */
  fileServer: { port: number; maxFirmwareDownloads: number };
  /**
   * The phones' web interface (issue 10): its port (443 on real phones), the site's admin
   * password sealed with the store's SecretBox (base64; '' = none), whether the factory default
   * may be tried, and how many phones are downloaded from at once.
   */
  wbm: { port: number; adminPasswordSealed: string; allowFactoryDefault: boolean; maxParallel: number };
};

/** A change: any top-level field; nested groups may be given in part. */
export type SettingsPatch = {
  [K in keyof SettingsData]?: SettingsData[K] extends unknown[]
    ? SettingsData[K]
    : SettingsData[K] extends object
      ? Partial<SettingsData[K]>
      : SettingsData[K];
};

const DEFAULTS: SettingsData = {
  phonePort: 18443,
  httpPort: 0,
  securePort: 18444,
  bindAddresses: [],
  legacyTls: false,
  keepAliveTimeoutMs: 10_000,
  sendSolicited: 'auto',
  adoption: { adoptAll: false, macs: [], prefixes: [] },
  contactMe: { minIntervalMs: 60_000, callbackTimeoutMs: 120_000, maxAttempts: 5 },
  exchangeRetention: { perPhone: 500, total: 100_000, maxMegabytes: 512 },
  quarantine: { maxPhones: 2_000, expireDays: 30 },
  language: 'en',
  theme: 'auto',
  // At most this many phones fetch a firmware image at once, so a site's uplink is not saturated.
  fileServer: { port: 18446, maxFirmwareDownloads: 10 },
  // A phone's web server is small: a few at once keeps each download fast (WBM_MAX_PARALLEL).
  wbm: { port: 443, adminPasswordSealed: '', allowFactoryDefault: false, maxParallel: 4 },
};

/** A fresh copy each time, so no caller can change the defaults of another. */
export function defaultSettings(): SettingsData {
  return structuredClone(DEFAULTS);
}

/** The subset of JSON Schema used here; `description` words the rule in messages. */
type FieldSchema =
  | { type: 'integer'; minimum: number; maximum: number }
  | { type: 'boolean' }
  | { type: 'string'; enum: string[] }
  | { type: 'string'; pattern: string; description: string }
  | { type: 'string'; anyOf: Array<{ format: 'ipv4' | 'ipv6' }>; description: string }
  | { type: 'array'; items: FieldSchema; uniqueItems: true; maxItems: number }
  | { type: 'object'; properties: Record<string, FieldSchema> };

const integer = (minimum: number, maximum: number): FieldSchema => ({ type: 'integer', minimum, maximum });
const list = (items: FieldSchema, maxItems: number): FieldSchema => ({ type: 'array', items, uniqueItems: true, maxItems });
const group = (properties: Record<string, FieldSchema>): FieldSchema => ({ type: 'object', properties });

const MAC: FieldSchema = {
  type: 'string',
  pattern: '^[0-9A-F]{2}(:[0-9A-F]{2}){5}$',
  description: 'a MAC address such as 00:1A:E8:12:34:56',
};
const MAC_PREFIX: FieldSchema = {
  type: 'string',
  pattern: '^[0-9A-F]{2}(:[0-9A-F]{2}){0,4}$',
  description: 'a MAC prefix of 1 to 5 bytes such as 00:1A:E8',
};
const IP: FieldSchema = {
  type: 'string',
  anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }],
  description: 'an IPv4 or IPv6 address',
};

export const SETTINGS_SCHEMA = {
  phonePort: integer(1, 65535),
  httpPort: integer(0, 65535),
  securePort: integer(1, 65535),
  bindAddresses: list(IP, 64),
  legacyTls: { type: 'boolean' },
  keepAliveTimeoutMs: integer(1000, 600_000),
  sendSolicited: { type: 'string', enum: [...SEND_SOLICITED] },
  adoption: group({ adoptAll: { type: 'boolean' }, macs: list(MAC, 10_000), prefixes: list(MAC_PREFIX, 100) }),
  // Phones ignore contact-mes inside their contact gap and their web server can fall over when
  // hammered: never more than one a minute.
  contactMe: group({
    minIntervalMs: integer(MIN_CONTACT_ME_INTERVAL_MS, 86_400_000),
    callbackTimeoutMs: integer(1000, 3_600_000),
    maxAttempts: integer(1, 100),
  }),
  exchangeRetention: group({ perPhone: integer(10, 1_000_000), total: integer(100, 10_000_000), maxMegabytes: integer(1, 1_000_000) }),
  quarantine: group({ maxPhones: integer(1, 100_000), expireDays: integer(1, 3650) }),
  language: { type: 'string', enum: [...LANGUAGES] },
  theme: { type: 'string', enum: [...THEMES] },
  fileServer: group({ port: integer(1, 65535), maxFirmwareDownloads: integer(1, 1000) }),
  wbm: group({
    port: integer(1, 65535),
    adminPasswordSealed: { type: 'string', pattern: '^[A-Za-z0-9+/=]{0,8192}$', description: 'a sealed password (base64)' },
    allowFactoryDefault: { type: 'boolean' },
    maxParallel: integer(1, 50),
  }),
} satisfies Record<keyof SettingsData, FieldSchema> satisfies Schema<SettingsData>;

export interface SettingsIssue {
  /** Dotted path, e.g. `contactMe.maxAttempts` or `adoption.macs[2]`. */
  field: string;
  /** Stable code: type, range, enum, format, unique, max-items, unknown, required, distinct-ports, within-total. */
  rule: string;
  message: string;
}

export class SettingsValidationError extends Error {
  readonly issues: readonly SettingsIssue[];
  constructor(issues: readonly SettingsIssue[]) {
    super(`Invalid settings: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'SettingsValidationError';
    this.issues = issues;
  }
}

/** Issues of a complete settings object (empty when valid), including rules across fields. */
export function validateSettings(value: unknown): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  check(group(SETTINGS_SCHEMA), value, '', issues);
  if (issues.length > 0) return issues;
  const settings = value as SettingsData;
  if (settings.httpPort !== 0 && settings.httpPort === settings.phonePort) {
    issues.push({
      field: 'httpPort',
      rule: 'distinct-ports',
      message: `httpPort must differ from phonePort (both are ${settings.phonePort}); 0 turns it off`,
    });
  }
  if (settings.fileServer.port === settings.phonePort || settings.fileServer.port === settings.httpPort) {
    issues.push({
      field: 'fileServer.port',
      rule: 'distinct-ports',
      message: `fileServer.port (${settings.fileServer.port}) must differ from phonePort and httpPort`,
    });
  }
  if (settings.exchangeRetention.perPhone > settings.exchangeRetention.total) {
    issues.push({
      field: 'exchangeRetention.perPhone',
      rule: 'within-total',
      message: `exchangeRetention.perPhone (${settings.exchangeRetention.perPhone}) must not exceed exchangeRetention.total (${settings.exchangeRetention.total})`,
    });
  }
  return issues;
}

/**
 * Complete settings from whatever the store holds: each field, and each key of a group,
 * is taken if valid and otherwise read as its default. Unknown keys are dropped.
 */
export function readSettings(raw: unknown): SettingsData {
  const stored = isPlainObject(raw) ? raw : {};
  const result: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaultSettings())) {
    result[key] = readValue(SETTINGS_SCHEMA[key as keyof SettingsData], stored[key], fallback);
  }
  return result as SettingsData;
}

function readValue(schema: FieldSchema, value: unknown, fallback: unknown): unknown {
  if (schema.type === 'object' && isPlainObject(value) && isPlainObject(fallback)) {
    const group: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(schema.properties)) group[key] = readValue(sub, value[key], fallback[key]);
    return group;
  }
  const issues: SettingsIssue[] = [];
  check(schema, value, '', issues);
  return issues.length === 0 ? value : fallback;
}

function check(schema: FieldSchema, value: unknown, field: string, issues: SettingsIssue[]): void {
  const fail = (rule: string, expectation: string): void => {
    issues.push({ field, rule, message: `${field || 'settings'} must be ${expectation} (got ${show(value)})` });
  };
  switch (schema.type) {
    case 'integer': {
      const range = `an integer from ${schema.minimum} to ${schema.maximum}`;
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('type', range);
      else if (value < schema.minimum || value > schema.maximum) fail('range', range);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('type', 'true or false');
      return;
    case 'string':
      if (typeof value !== 'string') fail('type', 'a string');
      else if ('enum' in schema) {
        if (!schema.enum.includes(value)) fail('enum', `one of ${schema.enum.join(', ')}`);
      } else if ('pattern' in schema) {
        if (!new RegExp(schema.pattern).test(value)) fail('format', schema.description);
      } else if (!isPlainIp(value)) {
        fail('format', schema.description);
      }
      return;
    case 'array': {
      if (!Array.isArray(value)) return fail('type', 'a list');
      if (value.length > schema.maxItems) return fail('max-items', `a list of at most ${schema.maxItems} entries`);
      const seen = new Set<unknown>();
      value.forEach((entry: unknown, i) => {
        check(schema.items, entry, `${field}[${i}]`, issues);
        if (seen.has(entry)) issues.push({ field: `${field}[${i}]`, rule: 'unique', message: `${field} lists ${show(entry)} twice` });
        seen.add(entry);
      });
      return;
    }
    case 'object': {
      // Closed and complete, stricter than the file schema (see the top of this module).
      if (!isPlainObject(value)) return fail('type', 'an object');
      const prefix = field === '' ? '' : `${field}.`;
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(schema.properties, key)) {
          issues.push({ field: prefix + key, rule: 'unknown', message: `${prefix + key} is not a setting` });
        }
      }
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (!Object.hasOwn(value, key)) issues.push({ field: prefix + key, rule: 'required', message: `${prefix + key} is missing` });
        else check(sub, value[key], prefix + key, issues);
      }
      return;
    }
  }
}

/** Node's isIP also accepts IPv6 zone ids (`fe80::1%eth0`), which ajv's ipv6 format refuses. */
function isPlainIp(value: string): boolean {
  return isIP(value) !== 0 && !value.includes('%');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * MACs and prefixes are stored in the phones' own spelling (`00:1A:E8:12:34:56`) so that
 * adoption rules compare by plain string equality / startsWith. Input that cannot be read
 * is returned unchanged for validation to report.
 */
export function normalizeMacEntry(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return normalizeMac(value);
  } catch {
    return value;
  }
}

export function normalizeMacPrefix(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!/^[0-9a-f]{2}([:-]?[0-9a-f]{2}){0,4}$/i.test(trimmed)) return value;
  const hex = trimmed.replace(/[:-]/g, '').toUpperCase();
  return hex.match(/../g)?.join(':') ?? value;
}
