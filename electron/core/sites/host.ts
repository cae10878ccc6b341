import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { API_METHODS, SITE_METHODS, type ApiHandlers, type ApiMethod, type SiteMethod } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/events.js';
import { SITE_FILE_EXTENSION, type SiteExportView, type SiteView } from '../../../shared/sites.js';
import type { FileView } from '../../../shared/model.js';
import { createCore } from '../app/core.js';
import type { Core, CoreOptions, LogLevel } from '../app/core-types.js';
import { EventBus } from '../app/event-bus.js';
import { ensurePrivateDir } from '../app/private-files.js';
import { APP_VERSION } from '../app/version.js';
import { exportSite, importSite } from './archive.js';
import { loadOrUpgrade, siteDir, SITES_FOLDER } from './layout.js';
import { phonesOfOtherSites } from './other-sites.js';
import { newSiteId, SiteError, type SiteRegistry } from './registry.js';

/** Browser mode: where exports wait to be downloaded, and uploaded site files to be imported. */
export const EXPORTS_FOLDER = 'exports';
export const INCOMING_FOLDER = 'incoming';
/** Browser mode: an export is kept this long for its download, then removed. */
export const SITE_EXPORT_KEEP_MS = 60 * 60_000;
/** Largest site file the upload route takes. */
export const MAX_SITE_FILE_BYTES = 8 * 1024 ** 3;

export interface SiteHostOptions {
  /** The laptop's data folder: settings, secret key, the site list, and sites/<id>/. */
  root: string;
  /** What every site's core gets; the data folder and the isolation hook are the host's. */
  core: Omit<CoreOptions, 'dataDir' | 'belongsElsewhere'>;
  now?: () => number;
  /** Electron: the save dialog for an export (the chosen path, or null when cancelled). */
  saveSiteFile?: (suggestedName: string) => Promise<string | null>;
  /** Electron: the open dialog for an import. */
  pickSiteFile?: () => Promise<string | null>;
}

/**
 * Owns the one running Core, that of the open site, and the laptop's list of sites. Every API
 * call goes to the open site's core, except the `sites.*` calls it answers itself; its events
 * are forwarded across switches. Opening another site stops this core (listeners closed; phones
 * calling meanwhile retry) and starts the other on its own data folder.
 */
export class SiteHost {
  readonly handlers: ApiHandlers;
  readonly events: { subscribe(listener: (event: AppEvent) => void): () => void };
  readonly #options: SiteHostOptions;
  readonly #registry: SiteRegistry;
  readonly #bus: EventBus;
  readonly #now: () => number;
  readonly #log: (level: LogLevel, message: string) => void;
  #core: Core | null = null;
  #unsubscribe: () => void = () => undefined;
  /** Calls wait while another site opens. */
  #ready: Promise<void> = Promise.resolve();
  /** The export, import or switch that is running; one at a time. */
  #operation: AbortController | null = null;
  readonly #names = new Map<string, string>();
  readonly #uploads = new Map<string, string>();
  readonly #exports = new Map<string, { name: string; path: string; at: number }>();

  private constructor(options: SiteHostOptions, registry: SiteRegistry) {
    this.#options = options;
    this.#registry = registry;
    this.#now = options.now ?? Date.now;
    const sink = options.core.log ?? ((level: LogLevel, message: string) => console.log(`[fieldstage] ${level}: ${message}`));
    this.#log = sink;
    this.#bus = new EventBus((error, event) => sink('error', `an event listener failed on ${event.type}: ${String(error)}`));
    this.events = { subscribe: (listener) => this.#bus.subscribe(listener) };
    this.handlers = { ...this.#delegating(), ...this.#siteHandlers() } as ApiHandlers;
    this.#refreshNames();
  }

  /** Upgrades a pre-sites folder if needed and starts the site that was open last. */
  static async start(options: SiteHostOptions): Promise<SiteHost> {
    const now = options.now ?? Date.now;
    const registry = loadOrUpgrade(options.root, now(), newSiteId);
    const host = new SiteHost(options, registry);
    // Left by an interrupted import or upload: never a site.
    for (const folder of [INCOMING_FOLDER, EXPORTS_FOLDER]) rmSync(join(options.root, folder), { recursive: true, force: true });
    for (const entry of readdirSync(join(options.root, SITES_FOLDER))) {
      if (entry.startsWith('.import-')) rmSync(join(options.root, SITES_FOLDER, entry), { recursive: true, force: true });
    }
    const sites = registry.list();
    const last = sites.find((s) => s.id === registry.openId && s.archivedAt === null) ?? sites.find((s) => s.archivedAt === null);
    const id = last?.id ?? host.#createRecord(host.#registry.freeName('Site 1')).id;
    await host.#startCore(id);
    return host;
  }

  /** The open site's core (tests, the Electron close reminder). */
  get core(): Core {
    if (!this.#core) throw new Error('no site is open');
    return this.#core;
  }

  /** The open site's core, or null while sites switch (the Electron close reminder asks at any time). */
  get openCore(): Core | null {
    return this.#core;
  }

  site(): SiteView {
    return this.#registry.view(this.#openId());
  }

  upload(body: AsyncIterable<Buffer>, name: string, kind: string | undefined): Promise<FileView> {
    return this.#ready.then(() => this.core.upload(body, name, kind));
  }

  bundle(id: string): { name: string; bytes: Uint8Array } | null {
    return this.#core?.bundle(id) ?? null;
  }

  /** Browser mode: an uploaded site file, kept for `sites.import`. */
  async receiveSiteFile(body: AsyncIterable<Buffer>): Promise<{ uploadId: string }> {
    const uploadId = randomBytes(16).toString('hex');
    const dir = join(this.#options.root, INCOMING_FOLDER);
    ensurePrivateDir(dir);
    const path = join(dir, `${uploadId}${SITE_FILE_EXTENSION}`);
    let size = 0;
    const bounded = Readable.from(body).map((chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SITE_FILE_BYTES) throw new SiteError(400, `site files over ${MAX_SITE_FILE_BYTES} bytes are not taken`);
      return chunk;
    });
    try {
      await pipeline(bounded, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
    this.#uploads.set(uploadId, path);
    return { uploadId };
  }

  /** Browser mode: a finished export by its id, for the download route. */
  exportFile(id: string): { name: string; path: string } | null {
    this.#dropOldExports();
    const found = this.#exports.get(id);
    return found && existsSync(found.path) ? { name: found.name, path: found.path } : null;
  }

  async stop(): Promise<void> {
    this.#operation?.abort();
    await this.#ready;
    this.#unsubscribe();
    await this.#core?.stop();
    this.#core = null;
  }

  #openId(): string {
    const id = this.#registry.openId;
    if (!id) throw new Error('no site is open');
    return id;
  }

  #delegating(): Partial<ApiHandlers> {
    const delegating: Record<string, (req: unknown) => Promise<unknown>> = {};
    const siteMethods: readonly ApiMethod[] = SITE_METHODS;
    for (const method of API_METHODS.filter((m) => !siteMethods.includes(m))) {
      delegating[method] = async (req) => {
        await this.#ready;
        const handler = (this.core.handlers as Record<string, (req: unknown) => Promise<unknown>>)[method];
        if (!handler) throw new Error(`${method} has no handler`);
        return handler(req);
      };
    }
    return delegating as Partial<ApiHandlers>;
  }

  #siteHandlers(): Pick<ApiHandlers, SiteMethod> {
    return {
      'sites.list': async () => ({
        sites: this.#registry
          .list()
          .map((s) => this.#registry.view(s.id))
          .sort((a, b) => a.name.localeCompare(b.name)),
        openId: this.#openId(),
      }),
      'sites.create': async ({ name, open }) => {
        const record = this.#createRecord(this.#registry.freeName(name));
        if (open) return this.#open(record.id);
        return this.#registry.view(record.id);
      },
      'sites.open': async ({ id }) => this.#open(id),
      'sites.rename': async ({ id, name }) => {
        this.#registry.update(id, { name: this.#registry.freeName(name, id) });
        this.#refreshNames();
        const view = this.#registry.view(id);
        if (view.open) this.#bus.publish({ type: 'site.opened', site: view });
        return view;
      },
      'sites.archive': async ({ id, archived }) => {
        if (archived && id === this.#openId()) throw new SiteError(409, 'the open site cannot be archived: open another site first');
        this.#registry.update(id, { archivedAt: archived ? this.#now() : null });
        return this.#registry.view(id);
      },
      'sites.export': async ({ id, passphrase }) => this.#exclusive((signal) => this.#export(id ?? this.#openId(), passphrase, signal)),
      'sites.import': async ({ uploadId, passphrase, open }) =>
        this.#exclusive(async (signal) => {
          const file = uploadId !== undefined ? this.#uploads.get(uploadId) : await this.#options.pickSiteFile?.();
          if (file === null) return { site: null, leftOut: [] };
          if (file === undefined) throw new SiteError(400, uploadId ? 'no such upload (upload the file again)' : 'give an uploadId');
          try {
            const imported = await this.#import(file, passphrase, signal);
            return { site: open ? await this.#open(imported.site.id, true) : imported.site, leftOut: imported.leftOut };
          } finally {
            if (uploadId !== undefined) {
              this.#uploads.delete(uploadId);
              rmSync(file, { force: true });
            }
          }
        }),
      'sites.cancel': async () => {
        if (!this.#operation) return { cancelled: false };
        this.#operation.abort();
        return { cancelled: true };
      },
    };
  }

  #createRecord(name: string) {
    const record = { id: newSiteId(), name, createdAt: this.#now(), archivedAt: null, lastOpenedAt: null };
    ensurePrivateDir(siteDir(this.#options.root, record.id));
    this.#registry.add(record);
    this.#refreshNames();
    return record;
  }

  #refreshNames(): void {
    this.#names.clear();
    for (const site of this.#registry.list()) this.#names.set(site.id, site.name);
  }

  async #exclusive<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#operation) throw new SiteError(409, 'another site export, import or switch is running');
    const controller = new AbortController();
    this.#operation = controller;
    try {
      return await work(controller.signal);
    } finally {
      this.#operation = null;
    }
  }

  async #open(id: string, alreadyExclusive = false): Promise<SiteView> {
    const site = this.#registry.get(id);
    if (site.archivedAt !== null) throw new SiteError(409, `site ${site.name} is archived: restore it first`);
    if (id === this.#registry.openId && this.#core) return this.#registry.view(id);
    const switchTo = async (): Promise<SiteView> => {
      const previous = this.#openId();
      let done: () => void = () => undefined;
      this.#ready = new Promise((resolve) => (done = resolve));
      try {
        this.#unsubscribe();
        await this.#core?.stop();
        this.#core = null;
        try {
          await this.#startCore(id);
        } catch (error) {
          this.#log('error', `site ${site.name} could not be opened: ${String(error)}; ${this.#names.get(previous) ?? previous} again`);
          await this.#startCore(previous);
          throw new SiteError(409, `site ${site.name} could not be opened: ${error instanceof Error ? error.message : String(error)}`);
        }
      } finally {
        done();
      }
      const view = this.#registry.view(id);
      this.#bus.publish({ type: 'site.opened', site: view });
      return view;
    };
    return alreadyExclusive ? switchTo() : this.#exclusive(switchTo);
  }

  async #startCore(id: string): Promise<void> {
    const { root } = this.#options;
    const owners = phonesOfOtherSites(root, this.#registry.list(), id, (message) => this.#log('warn', message));
    const core = await createCore({
      ...this.#options.core,
      dataDir: siteDir(root, id),
      // Every phone message passes here: two Map lookups.
      belongsElsewhere: (mac) => {
        const owner = owners.get(mac);
        return owner === undefined ? null : (this.#names.get(owner) ?? owner);
      },
    });
    try {
      await core.start();
    } catch (error) {
      await core.stop().catch(() => undefined);
      throw error;
    }
    this.#registry.setOpen(id, this.#now());
    this.#core = core;
    this.#unsubscribe = core.events.subscribe((event) => this.#bus.publish(event));
    this.#log('info', `site ${this.#names.get(id) ?? id} open (${owners.size} phone(s) of other sites are left alone)`);
  }

  async #export(id: string, passphrase: string | undefined, signal: AbortSignal): Promise<SiteExportView> {
    const site = this.#registry.get(id);
    if (id === this.#registry.openId) this.core.store.flush();
    const name = `${safeFileName(site.name)}-${new Date(this.#now()).toISOString().slice(0, 16).replace(/[-:T]/g, '')}${SITE_FILE_EXTENSION}`;
    let out: string;
    if (this.#options.saveSiteFile) {
      const chosen = await this.#options.saveSiteFile(name);
      if (!chosen) return { name, size: 0, secretsIncluded: false, leftOut: [], url: null, savedTo: null, cancelled: true };
      out = chosen;
    } else {
      const dir = join(this.#options.root, EXPORTS_FOLDER);
      ensurePrivateDir(dir);
      out = join(dir, name);
    }
    const result = await exportSite({
      siteDir: siteDir(this.#options.root, id),
      siteName: site.name,
      appVersion: APP_VERSION,
      now: this.#now(),
      laptopBox: this.#options.core.secretBox,
      ...(passphrase !== undefined ? { passphrase } : {}),
      out,
      workDir: join(this.#options.root, EXPORTS_FOLDER, `.work-${randomBytes(8).toString('hex')}`),
      signal,
      progress: this.#progress('export'),
    });
    this.#log(
      'info',
      `site ${site.name} exported to ${out} (${result.size} bytes, secrets ${result.secretsIncluded ? 'included' : 'left out'})`,
    );
    let url: string | null = null;
    if (!this.#options.saveSiteFile) {
      const downloadId = randomBytes(16).toString('hex');
      this.#exports.set(downloadId, { name, path: out, at: this.#now() });
      url = `/api/sites.download?id=${downloadId}`;
    }
    return {
      name,
      size: result.size,
      secretsIncluded: result.secretsIncluded,
      leftOut: result.leftOut,
      url,
      savedTo: out,
      cancelled: false,
    };
  }

  async #import(file: string, passphrase: string | undefined, signal: AbortSignal): Promise<{ site: SiteView; leftOut: string[] }> {
    const { root } = this.#options;
    const id = newSiteId();
    const staging = join(root, SITES_FOLDER, `.import-${id}`);
    try {
      const manifest = await importSite({
        file,
        staging,
        laptopBox: this.#options.core.secretBox,
        ...(passphrase !== undefined ? { passphrase } : {}),
        signal,
        progress: this.#progress('import'),
      });
      renameSync(staging, siteDir(root, id));
      this.#registry.add({
        id,
        name: this.#registry.freeName(manifest.siteName),
        createdAt: this.#now(),
        archivedAt: null,
        lastOpenedAt: null,
      });
      this.#refreshNames();
      this.#log('info', `site ${manifest.siteName} imported (exported ${manifest.exportedAt} by ${manifest.appVersion})`);
      return { site: this.#registry.view(id), leftOut: manifest.leftOut };
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  }

  #progress(operation: 'export' | 'import'): (doneBytes: number, totalBytes: number) => void {
    let last = 0;
    return (doneBytes, totalBytes) => {
      // At most a few events a second: a big firmware file is read in 64 KiB chunks.
      const at = this.#now();
      if (at - last < 200 && doneBytes < totalBytes) return;
      last = at;
      this.#bus.publish({ type: 'site.progress', progress: { operation, doneBytes, totalBytes } });
    };
  }

  #dropOldExports(): void {
    for (const [id, kept] of this.#exports) {
      if (this.#now() - kept.at < SITE_EXPORT_KEEP_MS) continue;
      rmSync(kept.path, { force: true });
      this.#exports.delete(id);
    }
  }
}

function safeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80) || 'site';
}
