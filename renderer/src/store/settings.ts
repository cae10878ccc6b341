import type { ApiReq } from '../../../shared/api.js';
import type { SettingsView } from '../../../shared/model.js';
import { describeError } from '../api/errors.js';
import type { SliceCreator } from './types.js';

export type SettingsPatch = ApiReq<'settings.update'>;

export interface SettingsSlice {
  settings: SettingsView | null;
  loadSettings(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<SettingsView>;
  /** Takes settings from a response or a `settings.changed` event, including language and theme. */
  receiveSettings(settings: SettingsView): void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (api) => (set, get) => ({
  settings: null,

  async loadSettings() {
    get().receiveSettings(await api.call('settings.get', {}));
  },

  async updateSettings(patch) {
    const settings = await api.call('settings.update', patch);
    get().receiveSettings(settings);
    return settings;
  },

  receiveSettings(settings) {
    const firstLoad = get().settings === null;
    set({ settings, language: settings.language, theme: settings.theme });
    // Ports and addresses may have changed and the listener restarted: refresh what the status bar
    // shows. The first load comes with app.info already (connect).
    if (!firstLoad) {
      get()
        .loadAppInfo()
        .catch((error: unknown) => get().notify({ tone: 'error', message: 'notice.loadFailed', detail: describeError(error) }));
    }
  },
});
