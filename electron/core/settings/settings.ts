import { isDeepStrictEqual } from 'node:util';
import Conf, { type Options } from 'conf';
import { APP_VERSION } from '../app/version.js';
import {
  MIN_CONTACT_ME_INTERVAL_MS,
  SETTINGS_SCHEMA,
  SettingsValidationError,
  defaultSettings,
  isPlainObject,
  normalizeMacEntry,
  normalizeMacPrefix,
  readSettings,
  validateSettings,
  type SettingsData,
  type SettingsPatch,
} from './schema.js';

export {
  MIN_CONTACT_ME_INTERVAL_MS,
  SettingsValidationError,
  defaultSettings,
  validateSettings,
  SETTINGS_SCHEMA,
  type SettingsData,
  type SettingsIssue,
  type SettingsPatch,
} from './schema.js';

/**
 * Options for the Conf-compatible store behind `Settings` (conf here and in tests,
 * electron-store in the app, which extends Conf): the same schema and defaults everywhere.
 * clearInvalidConfig: a file that is not JSON or breaks the schema starts over from the
 * defaults instead of stopping the app; a technician on site cannot repair JSON by hand,
 * and every setting can be entered again in the UI. Migrations run before that check, so a
 * file that only breaks a rule made stricter since is repaired instead of discarded.
 */
export function settingsStoreOptions(): Partial<Options<SettingsData>> {
  return {
    schema: SETTINGS_SCHEMA,
    defaults: defaultSettings(),
    clearInvalidConfig: true,
    // 0600: the settings file lives in the private data folder (see app/private-files.ts).
    configFileMode: 0o600,
    projectVersion: APP_VERSION,
    migrations: SETTINGS_MIGRATIONS,
  };
}

/**
 * conf runs each entry once, for files last migrated below its version (a file without a
 * version counts as 0.0.0). Entries are written against the raw file: any field may be missing.
 */
const SETTINGS_MIGRATIONS: NonNullable<Options<SettingsData>['migrations']> = {
  // Intervals down to 1 s were accepted before; the rule is one contact-me a minute at most.
  '0.1.0': (store) => {
    const contactMe: unknown = store.store.contactMe;
    if (!isPlainObject(contactMe)) return;
    const interval = contactMe['minIntervalMs'];
    if (typeof interval === 'number' && interval < MIN_CONTACT_ME_INTERVAL_MS) {
      store.set('contactMe', { ...contactMe, minIntervalMs: MIN_CONTACT_ME_INTERVAL_MS } as SettingsData['contactMe']);
    }
  },
};

export type SettingsListener = (next: SettingsData, previous: SettingsData) => void;

/** Typed, validated access to the app settings over a Conf-compatible store. */
export class Settings {
  readonly #store: Conf<SettingsData>;

  constructor(store: Conf<SettingsData>) {
    this.#store = store;
  }

  /** The current settings, complete: missing or unreadable fields read as their defaults. */
  get(): SettingsData {
    return readSettings(this.#store.store);
  }

  /**
   * Applies a change (nested groups may be partial; `undefined` means "leave as is") after
   * validating the complete result. Throws SettingsValidationError naming each field and
   * rule; nothing is written then. Returns the new settings.
   */
  update(patch: SettingsPatch): SettingsData {
    const current = this.get();
    const settings = this.resolve(patch, current);
    const changed = Object.fromEntries(
      Object.entries(settings).filter(([key, value]) => !isDeepStrictEqual(value, current[key as keyof SettingsData])),
    ) as Partial<SettingsData>;
    // One set() call: one file write and one change event, however many fields changed.
    if (Object.keys(changed).length > 0) this.#store.set(changed);
    return settings;
  }

  /**
   * The settings `update(patch)` would save, validated the same way, without saving them: what
   * must be tried first (binding listeners) is tried on this, and saved only if it worked.
   */
  preview(patch: SettingsPatch): SettingsData {
    return this.resolve(patch, this.get());
  }

  private resolve(patch: SettingsPatch, current: SettingsData): SettingsData {
    if (!isPlainObject(patch)) {
      throw new SettingsValidationError([{ field: '', rule: 'type', message: 'a settings change must be an object' }]);
    }
    const next: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const base = next[key];
      next[key] = isPlainObject(value) && isPlainObject(base) ? { ...base, ...definedEntries(value) } : value;
    }
    normalizeAdoption(next);
    const issues = validateSettings(next);
    if (issues.length > 0) throw new SettingsValidationError(issues);
    return next as SettingsData;
  }

  /** Called after every change made through this store; returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    return this.#store.onDidAnyChange((next, previous) => {
      const nextSettings = readSettings(next);
      const previousSettings = readSettings(previous);
      // conf also reports changes of its own bookkeeping (migration versions); those are not ours.
      if (!isDeepStrictEqual(nextSettings, previousSettings)) listener(nextSettings, previousSettings);
    });
  }
}

/** Settings kept as conf.json in `dir` (browser mode and tests). */
export function createNodeSettings(dir: string): Settings {
  return new Settings(new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dir, projectName: 'fieldstage' }));
}

function normalizeAdoption(settings: Record<string, unknown>): void {
  const adoption = settings['adoption'];
  if (!isPlainObject(adoption)) return;
  const { macs, prefixes } = adoption;
  settings['adoption'] = {
    ...adoption,
    ...(Array.isArray(macs) ? { macs: macs.map(normalizeMacEntry) } : {}),
    ...(Array.isArray(prefixes) ? { prefixes: prefixes.map(normalizeMacPrefix) } : {}),
  };
}

function definedEntries(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
