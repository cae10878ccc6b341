import ElectronStore from 'electron-store';
import { settingsStoreOptions, type SettingsData } from '../core/settings/settings.js';

/**
 * The only module that imports electron-store (it imports `electron`, which plain Node cannot
 * load). Same schema, defaults and file name (config.json) as `createNodeSettings`, kept in the
 * app's data directory.
 */
export function createElectronSettingsStore(dataDir: string): ElectronStore<SettingsData> {
  return new ElectronStore<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir });
}
