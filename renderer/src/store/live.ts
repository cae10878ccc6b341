import { FINAL_JOB_STATES } from '../../../shared/jobs.js';
import type { AppEvent } from '../../../shared/events.js';
import { describeError } from '../api/errors.js';
import type { AppState, SliceCreator } from './types.js';

export interface LiveSlice {
  /** Applies one pushed event to the state. */
  handleEvent(event: AppEvent): void;
  /**
   * Subscribes to pushed events and loads what the shell needs, again whenever the event stream
   * reopens; returns the unsubscribe function.
   */
  connect(): () => void;
}

export const createLiveSlice: SliceCreator<LiveSlice> = (api) => (_set, get) => ({
  handleEvent(event) {
    const state = get();
    switch (event.type) {
      case 'phone.updated':
        state.upsertPhone(event.phone);
        return;
      case 'phone.forgotten':
        state.removePhone(event.mac);
        return;
      case 'job.updated': {
        state.upsertJob(event.job);
        const { job } = event;
        // A finished write changed the phone's values: show what it holds now.
        if (job.kind === 'write-items' && FINAL_JOB_STATES.includes(job.state) && job.mac === state.editor.mac) {
          state
            .reloadEditorItems()
            .catch((error: unknown) => state.notify({ tone: 'error', message: 'notice.loadFailed', detail: describeError(error) }));
        }
        return;
      }
      case 'exchange.logged':
        state.upsertExchange(event.exchange);
        return;
      case 'sweep.progress':
        state.recordSweepProgress(event.progress);
        return;
      case 'sweep.result':
        state.recordSweepResult(event.result);
        return;
      case 'settings.changed':
        state.receiveSettings(event.settings);
        return;
      case 'file.updated':
        state.upsertFile(event.file);
        return;
      case 'file.removed':
        state.forgetFile(event.id);
        return;
      case 'file.download':
        state.recordDownload(event.download);
        return;
      case 'trace.download':
        state.recordTraceProgress(event.progress);
        return;
    }
  },

  connect() {
    // Loads run one after the other, so an older list answer never lands after a newer one.
    let loading: Promise<unknown> = Promise.resolve();
    const load = (): void => {
      loading = loading.then(() => loadShellState(get));
    };
    // Subscribe first so nothing that happens while the lists load is missed; whenever the
    // stream (re)opens, events may have been missed while it was down: load everything again.
    const unsubscribe = api.onEvent((event) => get().handleEvent(event), load);
    load();
    return unsubscribe;
  },
});

/** What the shell shows from the start; a failure is a notice, never an unhandled rejection. */
async function loadShellState(get: () => AppState): Promise<void> {
  const state = get();
  const outcomes = await Promise.allSettled([state.loadAppInfo(), state.loadSettings(), state.loadPhones(), state.loadOpenJobs()]);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) get().notify({ tone: 'error', message: 'notice.loadFailed', detail: describeError(failure.reason) });
}
