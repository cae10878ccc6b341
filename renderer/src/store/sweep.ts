import type { SweepProgress, SweepResult } from '../../../shared/model.js';
import type { SliceCreator } from './types.js';

export interface SweepRun {
  progress: SweepProgress;
  results: SweepResult[];
}

export interface SweepSlice {
  /** Keyed by sweep id: events may arrive before `discovery.sweepStart` has answered. */
  sweeps: Record<string, SweepRun>;
  currentSweepId: string | null;
  startSweep(targets: string): Promise<void>;
  cancelSweep(): Promise<void>;
  recordSweepProgress(progress: SweepProgress): void;
  recordSweepResult(result: SweepResult): void;
}

const startingProgress = (sweepId: string, total: number): SweepProgress => ({
  sweepId,
  done: 0,
  total,
  found: 0,
  finished: false,
  cancelled: false,
});

export const createSweepSlice: SliceCreator<SweepSlice> = (api) => (set, get) => ({
  sweeps: {},
  currentSweepId: null,

  async startSweep(targets) {
    const { sweepId, total } = await api.call('discovery.sweepStart', { targets });
    set((state) => ({
      currentSweepId: sweepId,
      sweeps: state.sweeps[sweepId]
        ? state.sweeps
        : { ...state.sweeps, [sweepId]: { progress: startingProgress(sweepId, total), results: [] } },
    }));
  },

  async cancelSweep() {
    const { currentSweepId } = get();
    if (currentSweepId !== null) await api.call('discovery.sweepCancel', { sweepId: currentSweepId });
  },

  recordSweepProgress(progress) {
    set((state) => ({
      sweeps: {
        ...state.sweeps,
        [progress.sweepId]: { progress, results: state.sweeps[progress.sweepId]?.results ?? [] },
      },
    }));
  },

  recordSweepResult(result) {
    set((state) => {
      const run = state.sweeps[result.sweepId] ?? { progress: startingProgress(result.sweepId, 0), results: [] };
      return { sweeps: { ...state.sweeps, [result.sweepId]: { ...run, results: [...run.results, result] } } };
    });
  },
});
