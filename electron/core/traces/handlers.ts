import type { ApiHandlers } from '../../../shared/api.js';
import type { JobView } from '../../../shared/model.js';
import { needsReboot, presetLevels, TRACE_LEVEL_INDEX_COUNT, type TraceLevelSetting } from '../../../shared/traces.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/types.js';
import type { TraceSessions } from './sessions.js';

export type TraceMethod = 'traces.start' | 'traces.stop' | 'traces.download' | 'traces.trustCertificate';

export interface TraceHandlerContext {
  store: Store;
  sessions: TraceSessions;
  now: () => number;
  /** New work was queued: wake the phones now. */
  jobsQueued: () => void;
  jobView: (job: JobRecord) => JobView;
}

class TraceRequestError extends Error {
  readonly statusCode: number;
  constructor(statusCode: 400 | 404, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

export function traceHandlers(ctx: TraceHandlerContext): Pick<ApiHandlers, TraceMethod> {
  const knownPhones = (macs: readonly string[]): string[] =>
    [...new Set(macs.map(macOrThrow))].map((mac) => {
      if (!ctx.store.phones.get(mac)) throw new TraceRequestError(404, `no phone with MAC ${mac}`);
      return mac;
    });
  return {
    'traces.start': async ({ macs, preset, levels, minutes }) => {
      const targets = knownPhones(macs);
      const chosen = chosenLevels(preset, levels);
      const jobs = ctx.sessions.start(targets, chosen, minutes, ctx.now());
      ctx.jobsQueued();
      return { jobs: jobs.map(ctx.jobView), needsReboot: needsReboot(chosen) };
    },
    'traces.stop': async ({ macs }) => {
      const { jobs, notTracing } = ctx.sessions.stop(knownPhones(macs), ctx.now());
      ctx.jobsQueued();
      return { jobs: jobs.map(ctx.jobView), notTracing };
    },
    'traces.download': async ({ macs }) => {
      const targets = knownPhones(macs);
      const at = ctx.now();
      const jobs = ctx.store.transaction(() => targets.map((mac) => ctx.store.jobs.create(mac, 'trace-download', [], at)));
      ctx.jobsQueued();
      return { jobs: jobs.map(ctx.jobView) };
    },
    'traces.trustCertificate': async ({ mac }) => {
      const [target] = knownPhones([mac]);
      return { forgotten: ctx.store.transaction(() => ctx.store.wbmPins.forget(target as string)) };
    },
  };
}

/** A preset or explicit levels, exactly one of them; one setting per index. */
function chosenLevels(
  preset: Parameters<typeof presetLevels>[0] | undefined,
  levels: TraceLevelSetting[] | undefined,
): TraceLevelSetting[] {
  if ((preset === undefined) === (levels === undefined)) throw new TraceRequestError(400, 'give either a preset or explicit levels');
  if (preset !== undefined) return presetLevels(preset);
  const chosen = levels ?? [];
  if (chosen.length === 0) throw new TraceRequestError(400, 'no levels given');
  if (new Set(chosen.map((l) => l.index)).size !== chosen.length) throw new TraceRequestError(400, 'an index is given twice');
  const outside = chosen.find((l) => l.index >= TRACE_LEVEL_INDEX_COUNT);
  if (outside) throw new TraceRequestError(400, `trace-level index ${outside.index} is outside 0..${TRACE_LEVEL_INDEX_COUNT - 1}`);
  return [...chosen].sort((a, b) => a.index - b.index);
}

function macOrThrow(raw: string): string {
  try {
    return normalizeMac(raw);
  } catch {
    throw new TraceRequestError(400, `"${raw.slice(0, 40)}" is not a MAC address`);
  }
}
