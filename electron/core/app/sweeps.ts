import type { SweepProgress, SweepResult } from '../../../shared/model.js';
import type { ContactMeThrottle } from '../discovery/contact-me-throttle.js';
import type { ContactMeRequest, ContactMeResult } from '../discovery/contact-me.js';
import { parseTargets, runSweep, TargetParseError } from '../discovery/sweep.js';

export interface SweepDeps {
  send: (request: ContactMeRequest) => Promise<ContactMeResult>;
  dlsPort: () => number;
  /** The reacher's throttle: a sweep never contacts an address sooner than the reacher may. */
  throttle: () => ContactMeThrottle;
  token: () => string;
  progress: (p: SweepProgress) => void;
  result: (r: SweepResult) => void;
  log: (level: 'info' | 'warn', message: string) => void;
  /** The model of a phone that answered, from its web interface (null: none told). */
  probeModel?: (ip: string) => Promise<string | null>;
  /** Phone contact-me port; only tests change it. */
  phonePort?: number;
}

export class SweepError extends Error {
  readonly statusCode = 400;
}

/** Runs subnet sweeps in the background; progress and results go out as events. */
export class Sweeps {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: SweepDeps) {}

  start(text: string): { sweepId: string; total: number } {
    let targets: string[];
    try {
      targets = parseTargets(text);
    } catch (error) {
      if (error instanceof TargetParseError || error instanceof RangeError) throw new SweepError(error.message);
      throw error;
    }
    const sweepId = this.deps.token().slice(0, 12);
    const controller = new AbortController();
    this.running.set(sweepId, controller);
    let found = 0;
    const total = targets.length;
    const probes: Promise<void>[] = [];
    void runSweep({
      targets,
      dlsPort: this.deps.dlsPort(),
      ...(this.deps.phonePort ? { phonePort: this.deps.phonePort } : {}),
      signal: controller.signal,
      send: (request) => this.sendOnce(request),
      onProgress: (p) => {
        found = p.found;
        this.deps.progress({ sweepId, done: p.done, total: p.total, found: p.found, finished: false, cancelled: false });
      },
      onResult: (r) => {
        const result = { sweepId, ip: r.ip, outcome: r.outcome, detail: r.detail };
        const { probeModel } = this.deps;
        if (r.outcome !== 'phone' || !probeModel) return this.deps.result(result);
        // The result goes out once the probe answered or gave up (WBM_BANNER_TIMEOUT_MS).
        probes.push(probeModel(r.ip).then((model) => this.deps.result(model ? { ...result, model } : result)));
      },
    })
      // The sweep is finished once every probe has answered or given up.
      .then(async (report) => {
        await Promise.all(probes);
        this.deps.progress({
          sweepId,
          done: report.results.length,
          total,
          found: report.phones,
          finished: true,
          cancelled: report.cancelled,
        });
        this.deps.log(
          'info',
          `sweep ${sweepId}: ${report.phones} phones, ${report.other} other, ${report.noAnswer} silent in ${report.durationMs} ms`,
        );
      })
      .catch((error: unknown) => {
        this.deps.progress({ sweepId, done: 0, total, found, finished: true, cancelled: true });
        this.deps.log('warn', `sweep ${sweepId} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => this.running.delete(sweepId));
    return { sweepId, total };
  }

  cancel(sweepId: string): boolean {
    const controller = this.running.get(sweepId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  /** One contact-me per address as the shared throttle allows (wpi-protocol.md §4.3). */
  private async sendOnce(request: ContactMeRequest): Promise<ContactMeResult> {
    const throttle = this.deps.throttle();
    const decision = throttle.mayContact(request.phoneIp);
    if (!decision.allowed) {
      return { outcome: 'other', detail: `not contacted: ${decision.detail} (phones ignore or crash on repeats)` };
    }
    throttle.noteSent(request.phoneIp);
    return this.deps.send(request);
  }
}
