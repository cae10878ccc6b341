/**
 * Trace levels as Fieldstage sets them over WPI (`trace-level[i]`, diagnostics spec §1.2–1.3).
 * Which index is which component and which number is which level are NOT documented: every
 * mapping below is an assumption, kept here as data so it can be corrected after the lab
 * procedure (research-notes §1.4) without touching the code that uses it.
 */

/** The indexed WPI item holding one component's trace level. */
export const TRACE_LEVEL_ITEM = 'trace-level';

/** Indexes 0..41: the ones Gemeinschaft writes (spec §1.3) and the catalogue's index range. */
export const TRACE_LEVEL_INDEX_COUNT = 42;
export const TRACE_LEVEL_INDEXES: readonly number[] = Array.from({ length: TRACE_LEVEL_INDEX_COUNT }, (_, i) => i);

/**
 * ASSUMED (spec §1.3 "[inferred]"): the values 0..6 in the manual's order OFF, FATAL, ERROR,
 * WARNING, LOG, TRACE, DEBUG. Only 0 = off is confirmed (Gemeinschaft).
 */
export const ASSUMED_TRACE_LEVEL_VALUES = ['off', 'fatal', 'error', 'warning', 'log', 'trace', 'debug'] as const;
export type TraceLevelName = (typeof ASSUMED_TRACE_LEVEL_VALUES)[number];

export function traceLevelValue(level: TraceLevelName): string {
  return String(ASSUMED_TRACE_LEVEL_VALUES.indexOf(level));
}

/**
 * ASSUMED (spec §1.3 "index→component map [unconfirmed]"): index i is the i-th component of the
 * V3R3 manual's list (spec §1.2, HFA items left out). The manual lists 46 components for 42
 * indexes, so the tail of the list has no index here and the whole map may be shifted.
 */
export const ASSUMED_TRACE_COMPONENTS: readonly string[] = [
  'Administration',
  'AGP Phonelet',
  'Application framework',
  'Application menu',
  'Bluetooth service',
  'Call log',
  'Call view',
  'Certificate management',
  'Clock service',
  'Communications',
  'Component registrar',
  'CSTA service',
  'Data Access service',
  'Desktop',
  'Digit analysis service',
  'Directory service',
  'DLS client management',
  'Health service',
  'Help',
  'Instrumentation service',
  'Java',
  'Journal service',
  'Media control service',
  'Media processing service',
  'Mobility service',
  'OBEX service',
  'OpenStage client management',
  'Password management service',
  'Phonebook',
  'POT service',
  'Performance Marks',
  'Physical interface service',
  'Security Log Service',
  'Service framework',
  'Service registry',
  'Sidecar service',
  'SIP call control',
  'SIP messages',
  'SIP signalling',
  'Team service',
  'Tone generation service',
  'Transport service',
];

/** The component whose tracing only takes effect after a reboot (spec §1.2, A1 p. 275). */
export const REBOOT_NEEDED_COMPONENT = 'SIP messages';

export const TRACE_PRESETS = ['sip', 'calls', 'provisioning', 'everything'] as const;
export type TracePreset = (typeof TRACE_PRESETS)[number];

/** What a preset raises: component names (ASSUMED_TRACE_COMPONENTS) at a level; `everything`: all indexes. */
export const TRACE_PRESET_COMPONENTS: Record<Exclude<TracePreset, 'everything'>, Record<string, TraceLevelName>> = {
  sip: { 'SIP signalling': 'debug', 'SIP messages': 'debug', 'SIP call control': 'debug', 'DLS client management': 'log' },
  calls: {
    'SIP call control': 'debug',
    'SIP signalling': 'trace',
    'Call view': 'debug',
    Communications: 'debug',
    'Media control service': 'debug',
    'Media processing service': 'debug',
    'Tone generation service': 'trace',
  },
  provisioning: {
    'DLS client management': 'debug',
    Administration: 'debug',
    'Certificate management': 'debug',
    'Transport service': 'trace',
  },
};

/** One index at one value, as written to the phone. */
export interface TraceLevelSetting {
  index: number;
  value: string;
}

/** The levels a preset raises, by index (the assumed map). */
export function presetLevels(preset: TracePreset): TraceLevelSetting[] {
  if (preset === 'everything') return TRACE_LEVEL_INDEXES.map((index) => ({ index, value: traceLevelValue('debug') }));
  return Object.entries(TRACE_PRESET_COMPONENTS[preset])
    .map(([component, level]) => ({ index: ASSUMED_TRACE_COMPONENTS.indexOf(component), value: traceLevelValue(level) }))
    .filter((s) => s.index >= 0)
    .sort((a, b) => a.index - b.index);
}

/** Whether these levels include SIP message tracing, which needs a reboot to take effect. */
export function needsReboot(levels: readonly TraceLevelSetting[]): boolean {
  const index = ASSUMED_TRACE_COMPONENTS.indexOf(REBOOT_NEEDED_COMPONENT);
  return levels.some((l) => l.index === index && Number(l.value) >= Number(traceLevelValue('trace')));
}

export const DEFAULT_TRACE_MINUTES = 30;
/** A day: tracing left on longer hurts the phone (trace guides); a longer capture is started again. */
export const MAX_TRACE_MINUTES = 24 * 60;

/**
 * A phone's tracing as the UI shows it: `starting` (levels not raised yet), `on`, `stopping`
 * (the restore job is queued or running) or `restore-failed` (the phone refused the original
 * levels; Stop tracing tries again).
 */
export interface TracingView {
  state: 'starting' | 'on' | 'stopping' | 'restore-failed';
  startedAt: number;
  /** When Fieldstage restores the original levels by itself. */
  until: number;
  levels: TraceLevelSetting[];
}

/** Where a trace download (a `trace-download` job) stands. */
export interface TraceDownloadProgress {
  jobId: string;
  mac: string;
  /** The link text of the file being fetched. */
  file: string;
  fileIndex: number;
  files: number;
  bytes: number;
  /** null when the phone does not say how large the file is. */
  total: number | null;
}
