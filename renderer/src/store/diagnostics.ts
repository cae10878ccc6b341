import type { DiagnosticBundleView } from '../../../shared/api.js';
import type { TraceDownloadProgress, TraceLevelSetting, TracePreset } from '../../../shared/traces.js';
import { saveBlob } from '../lib/download.js';
import type { SliceCreator } from './types.js';

export interface DiagnosticsSlice {
  /** By job id: where each trace download stands (from `trace.download` events). */
  traceProgress: Record<string, TraceDownloadProgress>;
  recordTraceProgress(progress: TraceDownloadProgress): void;
  /** Returns whether SIP message tracing needs a restart of the phones. */
  /** A preset, or (expert) explicit levels by index. */
  startTracing(macs: string[], levels: TracePreset | TraceLevelSetting[], minutes: number): Promise<{ jobs: number; needsReboot: boolean }>;
  stopTracing(macs: string[]): Promise<{ jobs: number; notTracing: number }>;
  /** Returns the ids of the download jobs. */
  downloadTraces(macs: string[]): Promise<string[]>;
  /** Builds the bundle; browser mode saves it through a download link, Electron through its dialog. */
  makeBundle(macs: string[], options?: { logOnly?: boolean }): Promise<DiagnosticBundleView>;
}

export const createDiagnosticsSlice: SliceCreator<DiagnosticsSlice> = (api) => (set, get) => ({
  traceProgress: {},

  recordTraceProgress(progress) {
    set((state) => ({ traceProgress: { ...state.traceProgress, [progress.jobId]: progress } }));
  },

  async startTracing(macs, levels, minutes) {
    const chosen = typeof levels === 'string' ? { preset: levels } : { levels };
    const { jobs, needsReboot } = await api.call('traces.start', { macs, ...chosen, minutes });
    for (const job of jobs) get().upsertJob(job);
    return { jobs: jobs.length, needsReboot };
  },

  async stopTracing(macs) {
    const { jobs, notTracing } = await api.call('traces.stop', { macs });
    for (const job of jobs) get().upsertJob(job);
    return { jobs: jobs.length, notTracing: notTracing.length };
  },

  async downloadTraces(macs) {
    const { jobs } = await api.call('traces.download', { macs });
    for (const job of jobs) get().upsertJob(job);
    return jobs.map((job) => job.id);
  },

  async makeBundle(macs, options = {}) {
    const bundle = await api.call('diagnostics.bundle', { macs, ...(options.logOnly ? { logOnly: true } : {}) });
    if (bundle.url && api.download) saveBlob(await api.download(bundle.url), bundle.name);
    return bundle;
  },
});
