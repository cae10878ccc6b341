import { FINAL_JOB_STATES, type JobState } from '../../../shared/jobs.js';
import type { WpiItem } from '../../../shared/protocol.js';
import { TRACE_LEVEL_ITEM, type TraceLevelSetting, type TracingView } from '../../../shared/traces.js';
import type { Store, TraceRecord } from '../store/index.js';
import type { JobRecord } from '../store/types.js';

/** A phone whose tracing cannot be changed right now (a trace job of it is on its way). */
export class TracingBusyError extends Error {
  readonly statusCode = 409;
}

/**
 * Tracing sessions over the job queue. `start` queues a trace-start job (read the levels, keep
 * them, raise them) and records until when; `settle` (every reach tick, and after each start or
 * stop) queues the trace-stop job that writes the originals back once that time has come. All of
 * it is in SQLite, so a restart of the app loses nothing: the restore job is queued by the next
 * tick after the time ran out and waits for a busy or unreachable phone like any job.
 */
export class TraceSessions {
  constructor(private readonly store: Store) {}

  /** Starts or extends tracing on the phones (must exist); the originals of a running session are kept. */
  start(macs: readonly string[], levels: readonly TraceLevelSetting[], minutes: number, now: number): JobRecord[] {
    const { store } = this;
    return store.transaction(() => {
      const jobs = macs.map((mac) => {
        const previous = this.#continued(store.traces.get(mac), now);
        const job = store.jobs.create(mac, 'trace-start', levels.map(levelItem), now);
        store.traces.save({
          mac,
          levels: [...levels],
          originals: previous?.originals ?? null,
          startedAt: previous?.startedAt ?? now,
          until: now + minutes * 60_000,
          startJob: job.id,
          stopJob: null,
        });
        return job;
      });
      this.settle(now);
      return jobs;
    });
  }

  /** Ends tracing now: the restore is queued (or, if nothing was raised yet, the start is cancelled). */
  stop(macs: readonly string[], now: number): { jobs: JobRecord[]; notTracing: string[] } {
    const { store } = this;
    return store.transaction(() => {
      // Sessions already over (restored) are forgotten first: those phones are not tracing.
      this.settle(now);
      const notTracing: string[] = [];
      const asked: string[] = [];
      for (const mac of macs) {
        const session = store.traces.get(mac);
        if (!session) {
          notTracing.push(mac);
          continue;
        }
        const stop = session.stopJob ? store.jobs.get(session.stopJob) : undefined;
        // A refused (or cancelled) restore is tried again; an open one is already on its way.
        if (!stop || stop.state === 'failed' || stop.state === 'cancelled') store.traces.setStopJob(mac, null, now);
        asked.push(mac);
      }
      this.settle(now);
      const jobs = asked.flatMap((mac) => {
        const id = store.traces.get(mac)?.stopJob;
        const job = id ? store.jobs.get(id) : undefined;
        return job ? [job] : [];
      });
      return { jobs, notTracing };
    });
  }

  /** Queues the restores that are due and forgets sessions that are over. Returns the jobs it queued. */
  settle(now: number): JobRecord[] {
    const { store } = this;
    return store.transaction(() => {
      const queued: JobRecord[] = [];
      for (const session of store.traces.all()) {
        const job = this.#settleOne(session, now);
        if (job) queued.push(job);
      }
      return queued;
    });
  }

  /** What the UI shows of a phone's tracing; null when it is off. */
  view(session: TraceRecord | undefined): TracingView | null {
    if (!session) return null;
    const base = { startedAt: session.startedAt, until: session.until, levels: session.levels };
    if (session.stopJob) {
      const state = this.#state(session.stopJob);
      if (state === 'done') return null;
      return { ...base, state: state === 'failed' || state === 'cancelled' ? 'restore-failed' : 'stopping' };
    }
    const start = this.#state(session.startJob);
    if (session.originals === null && (start === undefined || FINAL_JOB_STATES.includes(start))) return null;
    const startOpen = start !== undefined && !FINAL_JOB_STATES.includes(start);
    return { ...base, state: startOpen && session.originals === null ? 'starting' : 'on' };
  }

  #settleOne(session: TraceRecord, now: number): JobRecord | null {
    const { store } = this;
    if (session.stopJob) {
      if (this.#state(session.stopJob) === 'done') store.traces.delete(session.mac);
      return null;
    }
    const start = this.#state(session.startJob);
    const startOpen = start !== undefined && !FINAL_JOB_STATES.includes(start);
    if (session.until > now) {
      // Never got to read the phone (cancelled, failed before reading): nothing to restore.
      if (!startOpen && !raised(session)) store.traces.delete(session.mac);
      return null;
    }
    if (start === 'running') return null; // its read or write is on the wire: decide once it settled
    if (startOpen) store.jobs.cancel(session.startJob, now);
    const kept = store.traces.get(session.mac);
    if (!kept || !raised(kept)) {
      store.traces.delete(session.mac);
      return null;
    }
    const job = store.jobs.create(session.mac, 'trace-stop', kept.originals ?? [], now);
    store.traces.setStopJob(session.mac, job.id, now);
    return job;
  }

  /** A session being started again: the originals it holds stay the ones to restore. */
  #continued(session: TraceRecord | undefined, now: number): TraceRecord | null {
    if (!session) return null;
    const { store } = this;
    const start = this.#state(session.startJob);
    if (start === 'running') throw new TracingBusyError(`${session.mac}: tracing is being switched on right now; try again in a moment`);
    if (start !== undefined && !FINAL_JOB_STATES.includes(start)) store.jobs.cancel(session.startJob, now);
    if (!session.stopJob) return session;
    const stop = this.#state(session.stopJob);
    // Restored already: a new session reads the levels afresh.
    if (stop === 'done') return null;
    if (stop === 'running')
      throw new TracingBusyError(`${session.mac}: the original levels are being written back right now; try again in a moment`);
    if (stop !== undefined && !FINAL_JOB_STATES.includes(stop)) store.jobs.cancel(session.stopJob, now);
    return session;
  }

  #state(jobId: string): JobState | undefined {
    return this.store.jobs.get(jobId)?.state;
  }
}

function raised(session: TraceRecord): boolean {
  return session.originals !== null && session.originals.length > 0;
}

function levelItem(level: TraceLevelSetting): WpiItem {
  return { name: TRACE_LEVEL_ITEM, index: level.index, value: level.value };
}
