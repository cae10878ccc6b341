import type { ApiReq, ApiRes } from '../../../shared/api.js';
import { FINAL_JOB_STATES, JOB_STATES, type JobKind } from '../../../shared/jobs.js';
import type { JobView } from '../../../shared/model.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { SliceCreator } from './types.js';

export interface JobsSlice {
  /** Keyed by job id; every list load and `job.updated` event merges into it. */
  jobs: Record<string, JobView>;
  loadJobs(query?: ApiReq<'jobs.list'>): Promise<void>;
  /**
   * Loads every open job, and the current state of jobs known here as open that are no longer
   * (they ended while events could not arrive).
   */
  loadOpenJobs(): Promise<void>;
  upsertJob(job: JobView): void;
  createJobs(macs: string[], kind: JobKind, items?: WpiItem[]): Promise<JobView[]>;
  /** File or firmware jobs for library files; `refused`: phones the core would not queue it for, with why. */
  deployFiles(request: Omit<ApiReq<'jobs.create'>, 'items'> & { items?: WpiItem[] }): Promise<ApiRes<'jobs.create'>>;
  cancelJob(id: string): Promise<boolean>;
  retryJob(id: string): Promise<JobView>;
}

const OPEN_JOB_STATES = JOB_STATES.filter((state) => !FINAL_JOB_STATES.includes(state));
/** Jobs of one phone asked for when one of its jobs ended unseen: its newest ones. */
const ENDED_JOBS_PER_PHONE = 200;

function byId(jobs: JobView[]): Record<string, JobView> {
  return Object.fromEntries(jobs.map((job) => [job.id, job]));
}

export const createJobsSlice: SliceCreator<JobsSlice> = (api) => (set, get) => ({
  jobs: {},

  async loadJobs(query = {}) {
    const list = await api.call('jobs.list', query);
    set((state) => ({ jobs: { ...state.jobs, ...byId(list) } }));
  },

  async loadOpenJobs() {
    const open = await api.call('jobs.list', { states: [...OPEN_JOB_STATES], limit: 10000 });
    const stillOpen = new Set(open.map((job) => job.id));
    const ended = Object.values(get().jobs).filter((job) => !FINAL_JOB_STATES.includes(job.state) && !stillOpen.has(job.id));
    const macs = [...new Set(ended.map((job) => job.mac))];
    const ofPhones = await Promise.all(macs.map((mac) => api.call('jobs.list', { mac, limit: ENDED_JOBS_PER_PHONE })));
    for (const job of [...open, ...ofPhones.flat()]) get().upsertJob(job);
  },

  upsertJob(job) {
    const known = get().jobs[job.id];
    // Events and list responses can cross; never let an older snapshot overwrite a newer one.
    if (known && known.updatedAt > job.updatedAt) return;
    set((state) => ({ jobs: { ...state.jobs, [job.id]: job } }));
  },

  async createJobs(macs, kind, items = []) {
    const { jobs } = await api.call('jobs.create', { macs, kind, items });
    for (const job of jobs) get().upsertJob(job);
    return jobs;
  },

  async deployFiles(request) {
    const result = await api.call('jobs.create', { items: [], ...request });
    for (const job of result.jobs) get().upsertJob(job);
    return result;
  },

  async cancelJob(id) {
    const { cancelled } = await api.call('jobs.cancel', { id });
    return cancelled;
  },

  async retryJob(id) {
    const { job } = await api.call('jobs.retry', { id });
    get().upsertJob(job);
    return job;
  },
});
