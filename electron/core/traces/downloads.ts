import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_MASK } from '../../../shared/catalogue.js';
import type { TraceDownloadProgress } from '../../../shared/traces.js';
import type { Egress } from '../egress/egress.js';
import type { SettingsData } from '../settings/settings.js';
import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/types.js';
import { WbmFailure } from '../wbm/failure.js';
import { FACTORY_DEFAULT_ADMIN_PASSWORD } from '../wbm/pages.js';
import { downloadTraces, type DownloadedTrace, type WbmLimits } from '../wbm/session.js';
import { parseFirmware } from '../wpi/firmware.js';

/**
 * ASSUMED: the WPI item `admin-pwd` ("Administrator password (WBM and admin menu)", catalogue)
 * is the WBM login password. Known only if Fieldstage wrote it or the phone reported it.
 */
export const WBM_PHONE_PASSWORD_ITEM = 'admin-pwd';
/** Below this firmware major version the phone has the older (V2) login form. */
export const WBM_V3_FORM_FROM_MAJOR = 3;
/** The folder in the data folder that holds downloaded traces, per phone and download. */
export const TRACES_FOLDER = 'traces';

export interface TraceDownloadDeps {
  store: Store;
  egress: Egress;
  dataDir: string;
  now: () => number;
  settings: () => SettingsData;
  /** Opens a sealed setting (base64). */
  openSecret: (sealed: string) => string;
  limits: WbmLimits;
  progress: (progress: TraceDownloadProgress) => void;
  log: (level: 'info' | 'warn', message: string) => void;
}

/**
 * Runs `trace-download` jobs: at most `wbm.maxParallel` phones at once, one session per job,
 * files into `<data>/traces/<MAC>/<UTC time>/`. The jobs are in SQLite like any other, so a
 * download cut off by a restart is queued again (requeueInterrupted) and runs anew.
 */
export class TraceDownloads {
  readonly #running = new Map<string, { mac: string; abort: AbortController; done: Promise<void> }>();
  #shuttingDown = false;

  constructor(private readonly deps: TraceDownloadDeps) {}

  /** Starts waiting downloads while there is room. */
  poll(): void {
    if (this.#shuttingDown) return;
    const { store } = this.deps;
    const room = this.deps.settings().wbm.maxParallel - this.#running.size;
    if (room <= 0) return;
    const busyPhones = new Set([...this.#running.values()].map((r) => r.mac));
    const waiting = store.jobs
      .list({ states: ['queued', 'waiting-for-phone'], limit: 100_000 })
      .filter((j) => j.kind === 'trace-download')
      .reverse();
    for (const job of waiting) {
      if (this.#running.size >= this.deps.settings().wbm.maxParallel) break;
      if (busyPhones.has(job.mac)) continue;
      busyPhones.add(job.mac);
      this.#start(job);
    }
  }

  /** Cancels a running download; false when `jobId` is not running here. */
  cancel(jobId: string): boolean {
    const running = this.#running.get(jobId);
    if (!running) return false;
    running.abort.abort();
    return true;
  }

  /** Stops every download (app shutdown): their jobs stay `running` and are queued again at the next start. */
  async stop(): Promise<void> {
    this.#shuttingDown = true;
    const all = [...this.#running.values()];
    for (const r of all) r.abort.abort();
    await Promise.all(all.map((r) => r.done));
  }

  #start(job: JobRecord): void {
    const { store, now } = this.deps;
    if (!store.transaction(() => store.jobs.transition(job.id, 'running', { startedAt: now(), incrementAttempts: true, reason: null })))
      return;
    const abort = new AbortController();
    const done = this.#run(job, abort.signal)
      .catch((error: unknown) => this.deps.log('warn', `trace download ${job.id} ended badly: ${String(error)}`))
      .finally(() => {
        this.#running.delete(job.id);
        this.poll();
      });
    this.#running.set(job.id, { mac: job.mac, abort, done });
  }

  async #run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { store, now, log } = this.deps;
    const settle = (state: 'done' | 'failed' | 'cancelled', patch: Parameters<Store['jobs']['transition']>[2]): void => {
      store.transaction(() => store.jobs.transition(job.id, state, { ...patch, updatedAt: now() }));
    };
    const phone = store.phones.get(job.mac);
    if (!phone?.ip) {
      settle('failed', { reason: "the phone's address is not known yet: it has not called in" });
      return;
    }
    const settings = this.deps.settings();
    try {
      const result = await downloadTraces(this.deps.egress, {
        host: phone.ip,
        port: settings.wbm.port,
        passwords: this.#passwords(job.mac, settings),
        form: (parseFirmware(phone.softwareVersion ?? undefined)?.major ?? WBM_V3_FORM_FROM_MAJOR) < WBM_V3_FORM_FROM_MAJOR ? 'v2' : 'v3',
        pinnedFingerprint: store.wbmPins.get(job.mac),
        onFirstCertificate: (fingerprint) => store.transaction(() => store.wbmPins.pin(job.mac, fingerprint, now())),
        limits: this.deps.limits,
        signal,
        onProgress: (p) => this.deps.progress({ jobId: job.id, mac: job.mac, ...p }),
      });
      const folder = this.#save(job, result.files);
      for (const href of result.skipped)
        store.jobs.warn(job.id, `a download link to another host was not followed: ${href.slice(0, 200)}`, now());
      settle('done', {
        results: result.files.map((f) => ({ name: f.name, value: `${f.content.length} bytes`, status: 'accepted' })),
        reason: null,
      });
      log('info', `${job.mac}: ${result.files.length} trace file(s) downloaded to ${folder}`);
    } catch (error) {
      const failure = error instanceof WbmFailure ? error : new WbmFailure('unreachable', `the download failed: ${String(error)}`);
      if (failure.code === 'cancelled') {
        // Shutdown leaves the job running, so it is queued again at the next start.
        if (this.#shuttingDown) return;
        settle('cancelled', { reason: 'cancelled by the technician' });
        return;
      }
      settle('failed', { reason: failure.message });
      log('warn', `${job.mac}: trace download failed: ${failure.message}`);
    }
  }

  /** The phone's own password, the site's, then the factory default if allowed; each once. */
  #passwords(mac: string, settings: SettingsData): string[] {
    const own = this.deps.store.inventory.get(mac, WBM_PHONE_PASSWORD_ITEM, undefined, { reveal: true })?.value;
    const site = settings.wbm.adminPasswordSealed ? this.deps.openSecret(settings.wbm.adminPasswordSealed) : undefined;
    const factory = settings.wbm.allowFactoryDefault ? FACTORY_DEFAULT_ADMIN_PASSWORD : undefined;
    return [...new Set([own, site, factory].filter((p): p is string => p !== undefined && p !== '' && p !== SECRET_MASK))];
  }

  /** Writes the files (private: 0600 in 0700 folders), each via a temporary name. */
  #save(job: JobRecord, files: readonly DownloadedTrace[]): string {
    const stamp = new Date(this.deps.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const folder = traceFolder(this.deps.dataDir, job.mac, `${stamp}-${job.id.slice(0, 8)}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (const file of files) {
      const target = join(folder, file.name);
      writeFileSync(`${target}.part`, file.content, { mode: 0o600 });
      renameSync(`${target}.part`, target);
    }
    return folder;
  }
}

/** A phone's trace folder, or one download's folder in it. */
export function traceFolder(dataDir: string, mac: string, download?: string): string {
  const phone = join(dataDir, TRACES_FOLDER, mac.replace(/:/g, ''));
  return download === undefined ? phone : join(phone, download);
}
