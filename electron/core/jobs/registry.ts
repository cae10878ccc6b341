/**
 * The job kinds: one module per kind (./kinds/<kind>.ts), one line per kind below; a kind
 * missing from JOB_KINDS is a compile error.
 *
 * A module (JobKindModule, ./kind.ts) says
 * - `facts`: writes? reboots? executed over `wpi`, `wbm` or `local`? (shared/jobs.ts JOB_KIND_FACTS,
 *   which the renderer reads too);
 * - `wakesPhone`: whether a pending job makes the reacher send contact-me;
 * - `check(items)`: refuses a request before it is queued (throws JobRequestError);
 * - `render(items, ctx)`: the items as sent, from the stored ones, at send time (the service
 *   passes the laptop's local address of the socket that reached the phone);
 * - `wpi`: its steps. `start(job)` and `reply(step, reply)` return an Outcome: effects (job
 *   done/failed/busy/awaiting/warning, inventory), optionally the next message of this job in
 *   the same interaction (`send`: action + item batches; e.g. write, then read back), `ends`
 *   (the phone reboots after acknowledging) and `reread` (inventory no longer trusted).
 *   `awaits` names the report a sent job waits for in a later first message (start-up, status),
 *   its timeout (enforced by the reacher) and `settle`, which turns that report into effects.
 * The engine keeps fragments, limits and ordering and calls the module; it never reads the
 * database: the service loads and renders the items of the phone's runnable jobs beforehand.
 *
 * A new kind: its module here, its name in JOB_KINDS and JOB_KIND_FACTS (shared/jobs.ts), its
 * texts (renderer i18n + renderer/src/features/jobs/kinds.tsx) and the simulator's answer.
 */
import { JOB_KINDS, type JobKind } from '../../../shared/jobs.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { JobKindModule, RenderContext } from './kind.js';
import { certificate } from './kinds/certificate.js';
import { secureMode } from './kinds/secure-mode.js';
import { factoryReset } from './kinds/factory-reset.js';
import { fileDeployment } from './kinds/file-deployment.js';
import { readAll } from './kinds/read-all.js';
import { readItems } from './kinds/read-items.js';
import { restart } from './kinds/restart.js';
import { softwareDeployment } from './kinds/software-deployment.js';
import { traceStart } from './kinds/trace-start.js';
import { traceDownload } from './kinds/trace-download.js';
import { traceStop } from './kinds/trace-stop.js';
import { writeItems } from './kinds/write-items.js';

export const JOB_KIND_REGISTRY = {
  'read-all': readAll,
  'read-items': readItems,
  'write-items': writeItems,
  restart,
  'factory-reset': factoryReset,
  'file-deployment': fileDeployment,
  'software-deployment': softwareDeployment,
  'trace-start': traceStart,
  'trace-stop': traceStop,
  certificate,
  'trace-download': traceDownload,
  'secure-mode': secureMode,
} as const satisfies Record<JobKind, JobKindModule>;

export function jobKind(kind: JobKind): JobKindModule {
  return JOB_KIND_REGISTRY[kind];
}

/** Kinds a quarantined phone may still get: they do not change it. */
export const READ_ONLY_JOB_KINDS: readonly JobKind[] = JOB_KINDS.filter((k) => !jobKind(k).facts.writes);

/** Kinds whose pending jobs make the reacher wake the phone. */
export const WAKING_JOB_KINDS: readonly JobKind[] = JOB_KINDS.filter((k) => jobKind(k).wakesPhone);

/** Checks a job request up front, so nothing invalid is ever queued or sent. */
export function checkJobRequest(kind: JobKind, items: readonly WpiItem[]): void {
  jobKind(kind).check(items);
}

/** A job's stored items as its kind sends them now. */
export function renderJobItems(kind: JobKind, items: WpiItem[], ctx: RenderContext): WpiItem[] {
  return jobKind(kind).render(items, ctx);
}
