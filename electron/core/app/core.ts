import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CoreApiHandlers } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/events.js';
import { FILE_KINDS, type AppInfo, type FileKind, type ListenerStatus } from '../../../shared/model.js';
import { CertificateLibrary } from '../certificates/library.js';
import { ContactMeThrottle } from '../discovery/contact-me-throttle.js';
import { sendContactMe, type ContactMeRequest } from '../discovery/contact-me.js';
import { Egress, loopbackOnlyFromEnv } from '../egress/egress.js';
import { listInterfaces } from '../discovery/interfaces.js';
import { createCertificate, loadOrCreateCertificate, type ServerCertificate } from '../provisioning/certificate.js';
import { FileRefusal } from '../files/checks.js';
import { FileServer } from '../files/file-server.js';
import { createJobFiles } from '../files/job-files.js';
import { rolloutHandlers } from '../rollout/handlers.js';
import { Rollout } from '../rollout/rollout.js';
import { deployedCertificates } from '../certificates/deployed.js';
import { FileLibrary } from '../files/library.js';
import { recordRefusal } from '../provisioning/refusals.js';
import { ProvisioningService } from '../provisioning/service.js';
import { pollSettingsItems } from '../reach/polling.js';
import { Reacher } from '../reach/reacher.js';
import { forgetPhones, trimQuarantine, type ForgetDeps, type QuarantineLimits } from '../retention/forget.js';
import { Settings, defaultSettings, type SettingsData, type SettingsPatch } from '../settings/settings.js';
import { Store, type ExchangeRetention } from '../store/index.js';
import type { PhoneAdoption } from '../store/types.js';
import { ChangePublisher } from './change-publisher.js';
import type { Core, CoreOptions, LogLevel } from './core-types.js';
import { escapeLogText } from '../log/escape.js';
import { EventBus } from './event-bus.js';
import { createFileHandlers } from './file-handlers.js';
import { createPrivateFile, ensurePrivateDir, tightenPrivate } from './private-files.js';
import { createHandlers, settingsView } from './handlers.js';
import { ListenerBindError, PhoneListeners, type ListenerConfig } from './phone-listeners.js';
import { Sweeps } from './sweeps.js';
import { bootstrapItems } from '../secure-mode/bootstrap.js';
import { SecureListener } from '../secure-mode/secure-listener.js';
import { verifyClientCertificate } from '../secure-mode/verify.js';
import { traceHandlers } from '../traces/handlers.js';
import { TraceSessions } from '../traces/sessions.js';
import { TraceDownloads, TRACES_FOLDER } from '../traces/downloads.js';
import { DEFAULT_WBM_LIMITS } from '../wbm/session.js';
import { probeModel } from '../wbm/banner.js';
import { diagnosticsHandlers } from '../diagnostics/handlers.js';
import { KeptBundles } from '../diagnostics/kept-bundles.js';
import { jobView } from './views.js';
import { APP_VERSION } from './version.js';

export type { Core, CoreOptions, LogLevel } from './core-types.js';

/** How often pending work is pushed towards phones and overdue jobs are settled. */
export const REACH_INTERVAL_MS = 5_000;

/**
 * Composition root of the plain-Node core: store, settings, provisioning service, phone
 * listeners, reacher, sweeps and the API handlers. Electron and browser mode start it alike.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const now = options.now ?? Date.now;
  const token = (): string => randomBytes(16).toString('hex').toUpperCase();
  const settings = new Settings(options.settingsStore);
  const sink =
    options.log ??
    ((level: LogLevel, message: string) =>
      (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(`[fieldstage] ${message}`));
  // Every line may carry phone input: escaped once here, for every part of the core.
  const log = (level: LogLevel, message: string): void => sink(level, escapeLogText(message));
  const egress = options.egress ?? new Egress({ loopbackOnly: loopbackOnlyFromEnv(), onRefused: (message) => log('error', message) });
  if (egress.loopbackOnly) log('info', 'loopback-only: connections to other machines are refused');
  const contactMe = options.sendContactMe ?? ((request: ContactMeRequest) => sendContactMe(request, egress));
  ensurePrivateDir(options.dataDir);
  const dbFile = join(options.dataDir, 'fieldstage.db');
  createPrivateFile(dbFile);
  const privateFiles = (): string[] => [
    ...['', '-wal', '-shm'].map((suffix) => dbFile + suffix),
    options.settingsStore.path,
    join(options.dataDir, 'secret.key'),
    join(options.dataDir, 'tls'),
    join(options.dataDir, 'files'),
    join(options.dataDir, 'files', '.incoming'),
    join(options.dataDir, TRACES_FOLDER),
  ];
  tightenPrivate(privateFiles());

  // conf re-reads its file on every get(); phone messages use this cached copy instead.
  let current = settings.get();
  settings.onChange((next) => {
    current = next;
  });
  const initial = current;
  const store = Store.open(dbFile, {
    secrets: options.secretBox,
    exchanges: { retention: exchangeRetention(initial) },
    onListenerError: (error) => log('error', `a change listener failed: ${errorText(error)}`),
  });
  const certificateLibrary = new CertificateLibrary({ store, now, log });
  const bus = new EventBus((error, event) => log('error', `an event listener failed on ${event.type}: ${errorText(error)}`));
  // Every change to phones, jobs and exchanges is announced by the store, once, after its COMMIT.
  const publisher = new ChangePublisher(bus, store, now);
  publisher.attach();

  const library = new FileLibrary({
    dir: join(options.dataDir, 'files'),
    store,
    now,
    changed: (file) => bus.publish({ type: 'file.updated', file: library.view(file) }),
    removed: (id) => bus.publish({ type: 'file.removed', id }),
    ...(options.maxImportBytes !== undefined ? { maxBytes: options.maxImportBytes } : {}),
  });
  const fileServer = new FileServer({
    lookup: (serveToken) => store.files.byServeToken(serveToken),
    contentPath: (record) => library.contentPath(record),
    now,
    onDownload: (download, record) => {
      if (download.state !== 'running') {
        // The log is what later tells "never fetched" from "fetched and rejected" (research-notes §3.4).
        store.transaction(() => store.files.logDownload({ ...download, complete: download.state === 'complete' }));
        // A fetched image frees a download slot: phones waiting for one are woken now.
        if (download.state === 'complete' && download.jobId !== undefined && record.kind === 'FIRMWARE') wake();
        log(
          'info',
          `file ${record.name} to ${download.peer}: ${download.bytes} of ${download.expected} bytes in ${download.durationMs} ms, ${download.state}`,
        );
      }
      if (bus.hasListeners()) bus.publish({ type: 'file.download', download });
    },
  });
  const jobFiles = createJobFiles({
    store,
    now,
    port: () => fileServer.listening()[0]?.port,
    maxFirmwareDownloads: () => current.fileServer.maxFirmwareDownloads,
  });
  const startFileServer = async (s: SettingsData): Promise<void> => {
    if (!certificate) throw new Error('certificate not loaded');
    await fileServer.start({
      bindAddresses: options.bindAddresses ?? s.bindAddresses,
      port: options.filePort ?? s.fileServer.port,
      tls: { key: certificate.key, cert: certificate.cert, legacy: s.legacyTls },
    });
  };

  const adoptionFor = (mac: string): PhoneAdoption => {
    const rules = current.adoption;
    const adopted = rules.adoptAll || rules.macs.includes(mac) || rules.prefixes.some((p) => mac.startsWith(p));
    return adopted ? 'adopted' : 'quarantined';
  };

  let reacher: Reacher | null = null;
  const rollout = new Rollout({ store, now, jobsQueued: () => wake(), log });
  const service = new ProvisioningService({
    store,
    now,
    token,
    policy: () => ({ sendSolicited: current.sendSolicited }),
    adoptionFor,
    ...(options.belongsElsewhere ? { belongsElsewhere: options.belongsElsewhere } : {}),
    pollItems: (address, intervalS) => pollItems(address, intervalS),
    files: jobFiles,
    ...(options.busyRetryMs !== undefined ? { busyRetryMs: options.busyRetryMs } : {}),
    ...(options.flowBudgetBytes !== undefined ? { flowBudgetBytes: options.flowBudgetBytes } : {}),
    verifyClient: (client) =>
      verifyClientCertificate(client, {
        caPem: store.certificates.list('local-ca')[0]?.certsPem ?? null,
        now: now(),
        lookup: (fingerprint) => store.certificates.byFingerprint(fingerprint),
      }),
    notify: {
      phoneContacted: (mac, reason) => {
        reacher?.noteCallback(mac);
        if (reason === 'start-up') reacher?.noteStartUp(mac);
        // After the COMMIT: the phone's answer is decided; a roll-out failure must not turn it into a 500.
        try {
          rollout.noteContact(mac);
        } catch (error) {
          log('error', `roll-out after the contact of ${mac} failed: ${errorText(error)}`);
        }
      },
      log,
    },
  });

  let certificate: ServerCertificate | null = null;
  // The settings the listeners run on: the saved ones, or the defaults after a failed start.
  let effective = initial;
  let fallback: { failed: ListenerStatus } | null = null;
  const phoneHandlers: ConstructorParameters<typeof PhoneListeners>[0] = {
    handle: (req) => service.handle(req),
    poll: (deviceId, peer) => service.poll(deviceId, peer),
    log,
    refused: async (refusal) => {
      // The phone is known only if the refused request carried the cookie of its open flow.
      const mac = service.flows.get(refusal.sessionId, now())?.flow.mac ?? null;
      // The store announces the logged exchange after its commit.
      await recordRefusal(store, refusal, mac, now());
    },
  };
  const listeners = new PhoneListeners(phoneHandlers);
  const secureListener = new SecureListener(phoneHandlers);
  /** The Secure Mode listener runs once the local CA exists (created by the first bootstrap). */
  const startSecureListener = async (s: SettingsData): Promise<void> => {
    const ca = store.certificates.list('local-ca')[0];
    if (!ca) return;
    const server = await certificateLibrary.secureServer(reachableAddresses(options.bindAddresses ?? s.bindAddresses));
    const key = certificateLibrary.privateKeyPem(server);
    if (!key) throw new Error('the secure port certificate has no key');
    await secureListener.start({
      bindAddresses: options.bindAddresses ?? s.bindAddresses,
      port: options.securePort ?? s.securePort,
      legacyTls: s.legacyTls,
      keepAliveTimeoutMs: s.keepAliveTimeoutMs,
      tls: { key, cert: server.certsPem, ca: ca.certsPem },
    });
  };
  const certDir = join(options.dataDir, 'tls');
  const httpPort = (): number => listeners.listening().find((b) => !b.secure)?.port ?? 0;
  const pollItems = (address: string, intervalS: number) => (httpPort() > 0 ? pollSettingsItems(address, httpPort(), intervalS) : null);
  const phonePort = (): number => listeners.listening().find((b) => b.secure)?.port ?? options.phonePort ?? current.phonePort;

  const listenerConfig = (s: SettingsData, tls: ListenerConfig['tls']): ListenerConfig => ({
    bindAddresses: options.bindAddresses ?? s.bindAddresses,
    httpsPort: options.phonePort ?? s.phonePort,
    httpPort: s.httpPort,
    legacyTls: s.legacyTls,
    keepAliveTimeoutMs: s.keepAliveTimeoutMs,
    tls,
  });
  /** Binds `s` in place of the running listeners, or throws and leaves them as they are. */
  const startListeners = async (s: SettingsData): Promise<void> => {
    if (!certificate) throw new Error('certificate not loaded');
    await listeners.start(listenerConfig(s, certificate));
    effective = s;
  };
  /** The saved settings cannot be bound: the default addresses and ports, so phones can still call. */
  const startOnDefaults = async (error: ListenerBindError): Promise<void> => {
    const defaults = defaultSettings();
    const fallbackSettings = {
      ...current,
      phonePort: defaults.phonePort,
      httpPort: defaults.httpPort,
      bindAddresses: defaults.bindAddresses,
    };
    const bindsOf = (c: ListenerConfig): string => JSON.stringify([c.bindAddresses, c.httpsPort, c.httpPort]);
    const tls = certificate ?? { key: '', cert: '' };
    if (bindsOf(listenerConfig(fallbackSettings, tls)) === bindsOf(listenerConfig(current, tls))) throw error;
    log('warn', `${error.message}: starting on the default listener settings instead (the saved ones are kept)`);
    await startListeners(fallbackSettings);
    fallback = { failed: error.status };
  };

  const throttleFor = (s: SettingsData): ContactMeThrottle =>
    new ContactMeThrottle({ now, minIntervalMs: s.contactMe.minIntervalMs, maxAttempts: s.contactMe.maxAttempts });
  let throttle = throttleFor(initial);
  settings.onChange((next, previous) => {
    if (
      next.contactMe.minIntervalMs !== previous.contactMe.minIntervalMs ||
      next.contactMe.maxAttempts !== previous.contactMe.maxAttempts
    ) {
      throttle = throttleFor(next);
    }
  });
  reacher = new Reacher({
    store,
    throttle: () => throttle,
    send: contactMe,
    now,
    dlsPort: phonePort,
    inFlow: (mac) => service.flows.forMac(mac) !== null,
    jobDownloads: (jobId) => jobFiles.downloads(jobId),
    log,
  });
  const sweeps = new Sweeps({
    send: contactMe,
    dlsPort: phonePort,
    throttle: () => throttle,
    token,
    ...(options.contactMePort ? { phonePort: options.contactMePort } : {}),
    probeModel: (ip) => probeModel(egress, ip, current.wbm.port),
    progress: (progress) => bus.publish({ type: 'sweep.progress', progress }),
    result: (result) => bus.publish({ type: 'sweep.result', result }),
    log,
  });

  const info = (): AppInfo => ({
    version: APP_VERSION,
    mode: options.mode,
    phonePort: phonePort(),
    httpPort: httpPort(),
    addresses: reachableAddresses(effective.bindAddresses),
    certificateFingerprint: certificate?.fingerprint ?? '',
    listening: listeners.listening().some((b) => b.secure),
    listeners: listeners.status(),
    securePort: secureListener.port(),
    localCaFingerprint: store.certificates.list('local-ca')[0]?.fingerprint ?? null,
    listenerFallback: fallback,
    overrides: { phonePort: options.phonePort ?? null, bindAddresses: options.bindAddresses ?? null },
    filePort: fileServer.listening()[0]?.port ?? 0,
  });

  const forgetting: ForgetDeps = {
    store,
    dropFlow: (mac) => {
      const open = service.flows.forMac(mac);
      if (open) service.flows.remove(open.sessionId);
    },
    forgotten: (mac) => bus.publish({ type: 'phone.forgotten', mac }),
  };
  const trim = (): void => {
    try {
      const gone = trimQuarantine(forgetting, quarantineLimits(current), now());
      if (gone.length) log('info', `${gone.length} quarantined phone(s) forgotten (limit or expiry): ${gone.slice(0, 5).join(', ')}`);
    } catch (error) {
      log('warn', `forgetting quarantined phones failed: ${String(error)}`);
    }
  };

  const downloads = new TraceDownloads({
    store,
    egress,
    dataDir: options.dataDir,
    now,
    settings: () => current,
    openSecret: (sealed) => options.secretBox.decrypt(Buffer.from(sealed, 'base64')),
    limits: { ...DEFAULT_WBM_LIMITS, ...options.wbmLimits },
    progress: (progress) => {
      if (bus.hasListeners()) bus.publish({ type: 'trace.download', progress });
    },
    log,
  });
  const wake = (): void => {
    downloads.poll();
    void reacher?.tick().catch((error: unknown) => log('warn', `reaching phones failed: ${String(error)}`));
  };
  const traceSessions = new TraceSessions(store);
  /** Restores of tracing whose time ran out are queued here, so the pass below wakes their phones. */
  const settleTraces = (): void => {
    try {
      const queued = traceSessions.settle(now());
      if (queued.length) log('info', `tracing time over on ${queued.length} phone(s): original trace levels queued to be written back`);
    } catch (error) {
      log('warn', `switching tracing off failed: ${String(error)}`);
    }
  };
  const tick = async (): Promise<void> => {
    service.expireFlows();
    trim();
    settleTraces();
    downloads.poll();
    await reacher?.tick();
  };
  const handlers = createHandlers({
    store,
    now,
    info,
    settings: {
      get: () => current,
      update: async (patch: SettingsPatch) => {
        // Listeners first, saved only if they could be bound: a failure leaves the running ones
        // and the saved settings as they were (no lock-out at the next start).
        const next = settings.preview(patch);
        if (touchesListeners(patch) && listenerSettingsChanged(effective, next)) {
          await startListeners(next);
          fallback = null;
        }
        if (fileServerSettingsChanged(current, next)) await startFileServer(next);
        if (secureListenerSettingsChanged(current, next)) await startSecureListener(next);
        const after = settings.update(patch);
        store.exchanges.setRetention(exchangeRetention(after));
        bus.publish({ type: 'settings.changed', settings: settingsView(after) });
        return after;
      },
    },
    sweeps,
    contactNow: (macs) => reacher?.contactNow(macs) ?? Promise.resolve([]),
    pollItems,
    regenerateCertificate: async () => {
      certificate = await createCertificate(certDir, reachableAddresses([]));
      tightenPrivate([certDir]);
      await startListeners(effective);
      await startFileServer(current);
      return certificate.fingerprint;
    },
    jobsQueued: wake,
    sealSecret: (plain) => options.secretBox.encrypt(plain).toString('base64'),
    secureModeItems: async (mac) => {
      await certificateLibrary.localCa();
      if (secureListener.port() === 0) await startSecureListener(current);
      const port = secureListener.port();
      if (port === 0)
        throw new SecurePortError(`the Secure Mode port ${options.securePort ?? current.securePort} is not listening (see the log)`);
      return bootstrapItems(certificateLibrary, mac, port);
    },
    forget: (macs) => forgetPhones(forgetting, macs),
    certificates: {
      library: certificateLibrary,
      ...(options.pickCertificateFile ? { pickFile: options.pickCertificateFile } : {}),
    },
    log,
  });

  const fileHandlers = createFileHandlers({
    library,
    listFiles: () => store.files.list().map((record) => library.view(record)),
    ...(options.pickFiles ? { pickFiles: options.pickFiles } : {}),
  });

  const tracing = traceHandlers({ store, sessions: traceSessions, now, jobsQueued: wake, jobView });
  const keptBundles = new KeptBundles(now);
  const diagnostics = diagnosticsHandlers({
    store,
    dataDir: options.dataDir,
    now,
    appVersion: APP_VERSION,
    kept: keptBundles,
    ...(options.saveBundle ? { saveBundle: options.saveBundle } : {}),
  });
  const rolloutApi = rolloutHandlers({
    rollout,
    store,
    now,
    ...(options.printReportPdf ? { printReportPdf: options.printReportPdf } : {}),
    jobsQueued: wake,
    jobView,
    reportFacts: (mac) => ({
      e164: store.phones.get(mac)?.e164 ?? null,
      certificates: deployedCertificates(store.jobs.listForPhone(mac)).map(
        (c) => `${c.item}${c.index === undefined ? '' : `[${c.index}]`}: ${c.subject}`,
      ),
      tracingOn: traceSessions.view(store.traces.get(mac)) !== null,
    }),
  });
  // A running trace download is cancelled by aborting it; every other job as before.
  const cancelJob: (typeof handlers)['jobs.cancel'] = async (req) =>
    downloads.cancel(req.id) ? { cancelled: true } : handlers['jobs.cancel'](req);

  let timer: NodeJS.Timeout | null = null;
  return {
    handlers: committedFirst(store, { ...handlers, 'jobs.cancel': cancelJob, ...fileHandlers, ...tracing, ...diagnostics, ...rolloutApi }),
    bundle: (id) => keptBundles.get(id),
    files: library,
    rollout,
    async upload(body, name, kind) {
      if (kind !== undefined && !(FILE_KINDS as readonly string[]).includes(kind)) {
        throw new FileRefusal('kind', `kind must be one of ${FILE_KINDS.join(', ')}`);
      }
      store.flush();
      return library.view(await library.importStream(body, name, kind as FileKind | undefined));
    },
    events: { subscribe: (listener: (e: AppEvent) => void) => bus.subscribe(listener) },
    store,
    service,
    info,
    tick,
    async start() {
      // Jobs a crash left half-done go back to the queue; nothing is lost or run twice.
      const requeued = store.transaction(() => store.jobs.requeueInterrupted(now()));
      if (requeued.length) log('info', `${requeued.length} interrupted job(s) queued again`);
      certificate = await loadOrCreateCertificate(certDir, reachableAddresses([]));
      // The WAL files and the certificate exist by now.
      tightenPrivate(privateFiles());
      await startListeners(current).catch((error: unknown) => {
        if (!(error instanceof ListenerBindError)) throw error;
        return startOnDefaults(error);
      });
      trim();
      settleTraces();
      await startFileServer(current);
      timer = setInterval(() => {
        tick().catch((error: unknown) => log('warn', `reaching phones failed: ${String(error)}`));
      }, options.reachIntervalMs ?? REACH_INTERVAL_MS);
      timer.unref();
      wake();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      sweeps.cancelAll();
      await downloads.stop();
      await listeners.stop();
      await secureListener.stop();
      await fileServer.stop();
      publisher.flush();
      store.close();
    },
  };
}

/**
 * API calls read and write committed data only: phone requests of this event-loop turn whose
 * group commit is still pending (see Store.write) are committed before the handler runs. Their
 * own writes then commit on their own, before they answer, as they did before group commit.
 */
function committedFirst(store: Store, handlers: CoreApiHandlers): CoreApiHandlers {
  const wrapped: Record<string, (req: never) => Promise<unknown>> = {};
  for (const [method, handler] of Object.entries(handlers) as [string, (req: never) => Promise<unknown>][]) {
    wrapped[method] = (req) => {
      store.flush();
      return handler(req);
    };
  }
  return wrapped as unknown as CoreApiHandlers;
}

function exchangeRetention(s: SettingsData): ExchangeRetention {
  const { perPhone, total, maxMegabytes } = s.exchangeRetention;
  return { perPhone, total, maxBytes: maxMegabytes * 1024 * 1024 };
}

function quarantineLimits(s: SettingsData): QuarantineLimits {
  return { maxPhones: s.quarantine.maxPhones, expireMs: s.quarantine.expireDays * 86_400_000 };
}

/** Addresses phones can reach the laptop on: the chosen ones, else every non-internal IPv4. */
function reachableAddresses(bindAddresses: string[]): string[] {
  const specific = bindAddresses.filter((a) => a !== '0.0.0.0' && a !== '::');
  if (specific.length) return specific;
  return listInterfaces()
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

const LISTENER_FIELDS = ['phonePort', 'httpPort', 'bindAddresses', 'legacyTls', 'keepAliveTimeoutMs'] as const;

/** A change that says nothing about listeners never restarts them (nor retries failed ones). */
function touchesListeners(patch: SettingsPatch): boolean {
  return LISTENER_FIELDS.some((field) => patch[field] !== undefined);
}

function listenerSettingsChanged(a: SettingsData, b: SettingsData): boolean {
  return (
    a.phonePort !== b.phonePort ||
    a.httpPort !== b.httpPort ||
    a.legacyTls !== b.legacyTls ||
    a.keepAliveTimeoutMs !== b.keepAliveTimeoutMs ||
    a.bindAddresses.join(',') !== b.bindAddresses.join(',')
  );
}

function secureListenerSettingsChanged(a: SettingsData, b: SettingsData): boolean {
  return a.securePort !== b.securePort || a.legacyTls !== b.legacyTls || a.bindAddresses.join(',') !== b.bindAddresses.join(',');
}

/** A bootstrap cannot be queued while nothing listens where it would send the phone. */
class SecurePortError extends Error {
  readonly statusCode = 409;
}

function fileServerSettingsChanged(a: SettingsData, b: SettingsData): boolean {
  return a.fileServer.port !== b.fileServer.port || a.legacyTls !== b.legacyTls || a.bindAddresses.join(',') !== b.bindAddresses.join(',');
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
