import type { StateCreator } from 'zustand/vanilla';
import type { ApiClient } from '../../../shared/api.js';
import type { DiagnosticsSlice } from './diagnostics.js';
import type { EditorSlice } from './editor.js';
import type { ExchangesSlice } from './exchanges.js';
import type { FilesSlice } from './files.js';
import type { JobsSlice } from './jobs.js';
import type { LiveSlice } from './live.js';
import type { PhonesSlice } from './phones.js';
import type { RolloutSlice } from './rollout.js';
import type { SettingsSlice } from './settings.js';
import type { SweepSlice } from './sweep.js';
import type { SystemSlice } from './system.js';
import type { UiSlice } from './ui.js';

export type AppState = PhonesSlice &
  JobsSlice &
  ExchangesSlice &
  EditorSlice &
  SweepSlice &
  FilesSlice &
  SettingsSlice &
  SystemSlice &
  UiSlice &
  DiagnosticsSlice &
  RolloutSlice &
  LiveSlice;

/** Slices see the whole state (cross-slice actions use `get()`) and the API they were built with. */
export type SliceCreator<Slice> = (api: ApiClient) => StateCreator<AppState, [], [], Slice>;
