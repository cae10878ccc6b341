import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../shared/api.js';
import { createDiagnosticsSlice } from './diagnostics.js';
import { createEditorSlice } from './editor.js';
import { createExchangesSlice } from './exchanges.js';
import { createFilesSlice } from './files.js';
import { createJobsSlice } from './jobs.js';
import { createLiveSlice } from './live.js';
import { createPhonesSlice } from './phones.js';
import { createRolloutSlice } from './rollout.js';
import { createSettingsSlice } from './settings.js';
import { createSweepSlice } from './sweep.js';
import { createSystemSlice } from './system.js';
import type { AppState } from './types.js';
import { createUiSlice } from './ui.js';

export type { AppState } from './types.js';

/** A fresh store bound to one API client (the app's, or a fake in tests). */
export function createAppStore(api: ApiClient) {
  return createStore<AppState>()((...args) => ({
    ...createPhonesSlice(api)(...args),
    ...createJobsSlice(api)(...args),
    ...createExchangesSlice(api)(...args),
    ...createEditorSlice(api)(...args),
    ...createSweepSlice(api)(...args),
    ...createFilesSlice(api)(...args),
    ...createSettingsSlice(api)(...args),
    ...createSystemSlice(api)(...args),
    ...createUiSlice(api)(...args),
    ...createDiagnosticsSlice(api)(...args),
    ...createRolloutSlice(api)(...args),
    ...createLiveSlice(api)(...args),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
