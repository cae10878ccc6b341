import { FINAL_JOB_STATES, JOB_STATES } from '../../../shared/jobs.js';
import type { AppEvent } from '../../../shared/events.js';
import { describeError } from '../api/errors.js';
import type { SliceCreator } from './types.js';

export interface LiveSlice {
  /** Applies one pushed event to the state. */
  handleEvent(event: AppEvent): void;
  /** Subscribes to pushed events and loads what the shell needs; returns the unsubscribe function. */
  connect(): () => void;
}

const OPEN_JOB_STATES = JOB_STATES.filter((state) => !FINAL_JOB_STATES.includes(state));

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
    }
  },

  connect() {
    // Subscribe first so nothing that happens while the lists load is missed.
    const unsubscribe = api.onEvent((event) => get().handleEvent(event));
    const state = get();
    const loads = [
      state.loadAppInfo(),
      state.loadSettings(),
      state.loadPhones(),
      state.loadJobs({ states: [...OPEN_JOB_STATES], limit: 10000 }),
    ];
    void Promise.allSettled(loads).then((outcomes) => {
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) get().notify({ tone: 'error', message: 'notice.loadFailed', detail: describeError(failure.reason) });
    });
    return unsubscribe;
  },
});
