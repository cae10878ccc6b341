import type { ApiReq } from '../../../shared/api.js';
import type { SettingsView } from '../../../shared/model.js';
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
    const portsChanged =
      get().settings !== null &&
      (get().settings?.phonePort !== settings.phonePort || get().settings?.httpPort !== settings.httpPort);
    set({ settings, language: settings.language, theme: settings.theme });
    // The listener restarts on a new port; refresh what the status bar says about it.
    if (portsChanged) get().loadAppInfo().catch(() => undefined);
  },
});
