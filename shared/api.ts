import type { ProfileView, RolloutPreview, RolloutStatus } from './rollout.js';
import { MIN_SITE_PASSPHRASE_CHARS, type SiteExportView, type SiteImportView, type SiteView, type SitesListView } from './sites.js';
import { z } from 'zod';
import { CERTIFICATE_SLOTS, type CertificateView, type DeployedCertificateView } from './certificates.js';
import { JOB_KINDS, JOB_STATES } from './jobs.js';
import { FILE_KINDS } from './model.js';
import { DEFAULT_TRACE_MINUTES, MAX_TRACE_MINUTES, TRACE_LEVEL_INDEX_COUNT, TRACE_PRESETS } from './traces.js';
import type {
  AppInfo,
  DhcpHelp,
  ExchangeSummary,
  ExchangeView,
  FileView,
  ItemView,
  JobView,
  NetworkInterfaceView,
  PhoneSummary,
  SettingsView,
  ValidationIssue,
} from './model.js';

/**
 * The one API between renderer and main process. Both transports (Electron IPC and the
 * loopback browser-mode server) carry exactly these calls; requests are validated at run
 * time with these schemas because the renderer is untrusted.
 */

const mac = z.string().min(1).max(32);

/** Phones per `phones.list` page; the renderer pages with `afterMac` until a page comes back short. */
export const PHONES_PAGE_MAX = 2000;
const item = z.object({ name: z.string().min(1).max(128), index: z.number().int().min(0).optional(), value: z.string().max(65536) });

const rolloutInput = z
  .object({
    csv: z.string().max(4_000_000).optional(),
    csvBase64: z.string().max(7_000_000).optional(),
    profileId: z.string().min(1).max(64).optional(),
    mapping: z.record(z.string().max(200), z.string().max(64)).optional(),
  })
  .refine((r) => (r.csv === undefined) !== (r.csvBase64 === undefined), { message: 'give csv or csvBase64' });
const siteId = z.string().regex(/^[a-z0-9-]{1,64}$/);
const siteName = z.string().trim().min(1).max(100);
const passphrase = z.string().min(MIN_SITE_PASSPHRASE_CHARS).max(1024);
const reportInput = z.object({
  site: z.string().max(200).default(''),
  technician: z.string().max(200).default(''),
  language: z.enum(['en', 'de']).default('en'),
});

export const API_REQUESTS = {
  'app.info': z.object({}),
  'phones.list': z.object({
    /** The last MAC of the previous page (exclusive). */
    afterMac: mac.optional(),
    limit: z.number().int().min(1).max(PHONES_PAGE_MAX).default(PHONES_PAGE_MAX),
  }),
  'phones.get': z.object({ mac }),
  'phones.items': z.object({ mac }),
  'phones.revealItem': z.object({ mac, name: z.string(), index: z.number().int().min(0).optional() }),
  'phones.adopt': z.object({ macs: z.array(mac).min(1).max(10000) }),
  /** Removes the phones and everything known about them: inventory, jobs, protocol log, open interactions. */
  'phones.forget': z.object({ macs: z.array(mac).min(1).max(10000) }),
  'phones.contact': z.object({ macs: z.array(mac).min(1).max(10000) }),
  /** The technician vouches for a phone whose identity changed: its writing jobs may go out again. */
  'phones.confirmIdentity': z.object({ mac }),
  /** What Fieldstage deployed into the phone's certificate slots and what it last reported (ReadAllItems never shows certificates). */
  'phones.certificates': z.object({ mac }),
  /** Phones behind NAT poll us instead of waiting for contact-me; 0 switches polling off. */
  'phones.setPolling': z.object({ macs: z.array(mac).min(1).max(10000), intervalSeconds: z.number().int().min(0).max(86400) }),
  'items.validate': z.object({ mac: mac.optional(), items: z.array(item).max(5000) }),
  'jobs.create': z.object({
    macs: z.array(mac).min(1).max(10000),
    kind: z.enum(JOB_KINDS),
    items: z.array(item).max(5000).default([]),
    /** Kind `certificate`: the stored certificate and the slot it goes to (its items are built by the core). */
    certificateId: z.string().min(1).max(64).optional(),
    slot: z.enum(CERTIFICATE_SLOTS).optional(),
    /** `dls-server-ca` index (default 0) or the expert item's index. */
    slotIndex: z.number().int().min(0).max(99).optional(),
    /** Expert slot: the item name the technician gives, and its format (default PEM). */
    itemName: z.string().min(1).max(128).optional(),
    itemFormat: z.enum(['pem', 'pkcs12']).optional(),
    /** file-deployment / software-deployment of a library file: the URL and file items come from it. */
    fileId: z.string().min(1).max(64).optional(),
    /** file-deployment of several library files at once (one index each). */
    fileIds: z.array(z.string().min(1).max(64)).min(1).max(20).optional(),
  }),
  'jobs.list': z.object({
    mac: mac.optional(),
    states: z.array(z.enum(JOB_STATES)).optional(),
    limit: z.number().int().min(1).max(10000).default(500),
  }),
  'jobs.cancel': z.object({ id: z.string() }),
  'jobs.retry': z.object({ id: z.string() }),
  'exchanges.list': z.object({
    mac: mac.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    beforeId: z.number().int().optional(),
  }),
  'exchanges.get': z.object({ id: z.number().int() }),
  'discovery.interfaces': z.object({}),
  'discovery.dhcp': z.object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(18443),
    vlanId: z.number().int().min(1).max(4094).optional(),
  }),
  'discovery.sweepStart': z.object({ targets: z.string().min(1).max(10000) }),
  'discovery.sweepCancel': z.object({ sweepId: z.string() }),
  'settings.get': z.object({}),
  'settings.update': z.object({
    phonePort: z.number().int().min(1).max(65535).optional(),
    httpPort: z.number().int().min(0).max(65535).optional(),
    bindAddresses: z.array(z.string()).optional(),
    legacyTls: z.boolean().optional(),
    sendSolicited: z.enum(['auto', 'always', 'never']).optional(),
    adoption: z.object({ adoptAll: z.boolean(), macs: z.array(z.string()), prefixes: z.array(z.string()) }).optional(),
    contactMe: z.object({ minIntervalMs: z.number().int(), maxAttempts: z.number().int() }).partial().optional(),
    quarantine: z.object({ maxPhones: z.number().int(), expireDays: z.number().int() }).partial().optional(),
    language: z.enum(['en', 'de']).optional(),
    theme: z.enum(['light', 'dark', 'auto']).optional(),
    fileServer: z.object({ port: z.number().int(), maxFirmwareDownloads: z.number().int() }).partial().optional(),
    /** `adminPassword`: the site's admin password for the phones' web interface ('' removes it); stored sealed. */
    wbm: z
      .object({
        port: z.number().int(),
        adminPassword: z.string().max(128),
        allowFactoryDefault: z.boolean(),
        maxParallel: z.number().int(),
      })
      .partial()
      .optional(),
  }),
  'certificate.regenerate': z.object({}),
  // Certificate store (issue 9).
  'certificates.list': z.object({}),
  'certificates.remove': z.object({ id: z.string().min(1).max(64) }),
  /** Electron: the open-file dialog, then the same import as an upload. Browser mode has no dialog (400). */
  'certificates.pick': z.object({ password: z.string().max(1024).optional() }),
  /**
   * The import itself. Browser mode also accepts it as `POST /api/certificates.upload?name=<file name>`
   * with the raw file as body and the password in `X-Certificate-Password` (UTF-8 bytes).
   */
  'certificates.upload': z.object({
    name: z.string().min(1).max(255),
    password: z.string().max(1024).optional(),
    contentBase64: z.string().min(1).max(400_000),
  }),
  'certificates.revoke': z.object({ id: z.string().min(1).max(64) }),
  /** Fieldstage's own CA, created on first use. */
  'certificates.localCa': z.object({}),
  // File library (issue 8). Browser mode imports by `POST /api/files.upload?name=<file name>[&kind=<kind>]`
  // with the raw bytes as body (see ui-api/server.ts), which answers a FileView like files.pick.
  'files.list': z.object({}),
  'files.remove': z.object({ id: z.string().min(1).max(64) }),
  'files.setKind': z.object({ id: z.string().min(1).max(64), kind: z.enum(FILE_KINDS) }),
  /** Electron only: the main process shows the open-file dialog; the renderer never names a path. */
  'files.pick': z.object({ kind: z.enum(FILE_KINDS).optional() }),
  // Diagnostics (issue 10): trace levels raised for a while, then written back by Fieldstage.
  /** Either `preset` or explicit `levels` (value = the phone's number for the level, see shared/traces.ts). */
  'traces.start': z.object({
    macs: z.array(mac).min(1).max(10000),
    preset: z.enum(TRACE_PRESETS).optional(),
    levels: z
      .array(
        z.object({
          index: z
            .number()
            .int()
            .min(0)
            .max(TRACE_LEVEL_INDEX_COUNT - 1),
          value: z.string().regex(/^\d{1,2}$/),
        }),
      )
      .max(TRACE_LEVEL_INDEX_COUNT)
      .optional(),
    minutes: z.number().int().min(1).max(MAX_TRACE_MINUTES).default(DEFAULT_TRACE_MINUTES),
  }),
  /** Writes the levels read before tracing back now. */
  'traces.stop': z.object({ macs: z.array(mac).min(1).max(10000) }),
  /** A `trace-download` job per phone: its trace files from its web interface (progress: `trace.download` events). */
  'traces.download': z.object({ macs: z.array(mac).min(1).max(10000) }),
  /** The phone's web certificate changed and the technician trusts the new one: the next download pins it. */
  'traces.trustCertificate': z.object({ mac }),
  /**
   * A zip of the phones' diagnostics (trace files, items, protocol log of the window from–to in
   * ms, summary, jobs, README). Electron: the save dialog; browser mode: `url` to GET with the token.
   */
  'diagnostics.bundle': z.object({
    macs: z.array(mac).min(1).max(500),
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    /** The protocol log of the window alone (the phone's WPI exchanges as XML files). */
    logOnly: z.boolean().optional(),
  }),
  // Site roll-out (issue 11).
  'profiles.list': z.object({}),
  /** Item values may use `{{extension}}`, `{{display_name}}`, `{{sip_user}}`, `{{sip_password}}`, any list column, `{{mac}}`, `{{model}}`. */
  'profiles.save': z.object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(100),
    model: z.string().max(64).nullable().optional(),
    items: z.array(item).max(2000),
  }),
  'profiles.remove': z.object({ id: z.string().min(1).max(64) }),
  /** A profile from a configured phone: identity, per-phone and secret items left out (and listed). */
  'profiles.fromPhone': z.object({ mac, name: z.string().min(1).max(100) }),
  /** The profiles (all, or those named) as a JSON file; literal secrets are left out and listed. */
  'profiles.export': z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(500).optional() }),
  /** A file of `profiles.export`: all its profiles or none (a corrupt file is refused, nothing changed). */
  'profiles.import': z.object({ json: z.string().min(1).max(2_000_000) }),
  /** `preview`: what would change per phone, nothing queued; otherwise one write job per phone. */
  'profiles.apply': z.object({
    profileId: z.string().min(1).max(64),
    macs: z.array(mac).min(1).max(10000),
    preview: z.boolean().default(true),
  }),
  /** An extension list (CSV as text, or its bytes as base64 for Windows-1252 files): the preview, nothing changed. */
  'rollout.import': rolloutInput,
  /** Applies a list without problems (else 400 and nothing changes): pre-stages MACs, queues their jobs. */
  'rollout.confirm': rolloutInput,
  'rollout.status': z.object({}),
  /** Gives a row to a phone by hand (reversible with rollout.unassign until its provisioning ran). */
  'rollout.assign': z.object({ rowId: z.string().min(1).max(64), mac }),
  'rollout.unassign': z.object({ rowId: z.string().min(1).max(64) }),
  /** Bench mode: the next unknown phone that calls takes the next row without a MAC. */
  'rollout.benchMode': z.object({ on: z.boolean() }),
  /** The current list as CSV in the import's own form (round trip); passwords only when asked for. */
  'rollout.export': z.object({ withPasswords: z.boolean().default(false) }),
  /** A CSV to fill in for a profile: its columns (every variable it uses) and one example row. */
  'rollout.sample': z.object({ profileId: z.string().min(1).max(64).optional() }),
  'report.csv': reportInput,
  'report.html': reportInput,
  /** Desktop app only: the report printed to an A4 PDF and saved where the technician chooses. */
  'report.pdf': reportInput,
  /** Every site of this laptop and which one is open. */
  'sites.list': z.object({}),
  /** A new, empty site; opened at once unless `open` is false. */
  'sites.create': z.object({ name: siteName, open: z.boolean().default(true) }),
  /** Stops the open site's core and starts this one's (phones calling meanwhile retry). */
  'sites.open': z.object({ id: siteId }),
  'sites.rename': z.object({ id: siteId, name: siteName }),
  /** `archived: false` restores the site. The open site cannot be archived. */
  'sites.archive': z.object({ id: siteId, archived: z.boolean().default(true) }),
  /** One file of a site (default the open one); secrets only with a passphrase, then encrypted with it. */
  'sites.export': z.object({ id: siteId.optional(), passphrase: passphrase.optional() }),
  /**
   * A site file (browser mode: uploaded with POST /api/sites.upload; Electron without `uploadId`:
   * the open dialog) as a new site; `passphrase` for a file with secrets.
   */
  'sites.import': z.object({
    uploadId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    passphrase: z.string().min(1).max(1024).optional(),
    open: z.boolean().default(false),
  }),
  /** Stops the export or import that is running; false when none was. */
  'sites.cancel': z.object({}),
} as const;

export type ApiMethod = keyof typeof API_REQUESTS;
export const API_METHODS = Object.keys(API_REQUESTS) as ApiMethod[];

/** What a caller passes (defaults optional). */
export type ApiReq<M extends ApiMethod> = z.input<(typeof API_REQUESTS)[M]>;
/** What a handler receives (defaults filled in). */
export type ApiParsedReq<M extends ApiMethod> = z.output<(typeof API_REQUESTS)[M]>;

export interface ApiResponses {
  'app.info': AppInfo;
  'phones.list': PhoneSummary[];
  'phones.get': PhoneSummary;
  'phones.items': ItemView[];
  'phones.certificates': DeployedCertificateView[];
  'phones.revealItem': { value: string };
  'phones.adopt': { adopted: number };
  'phones.forget': { forgotten: number };
  'phones.contact': { results: { mac: string; outcome: string; detail: string }[] };
  /** false: nothing was held. */
  'phones.confirmIdentity': { confirmed: boolean };
  'phones.setPolling': { jobs: JobView[] };
  'items.validate': { issues: ValidationIssue[] };
  /** `refused`: phones that got no job, with why (a firmware image that does not fit them). */
  'jobs.create': { jobs: JobView[]; refused: { mac: string; reason: string }[] };
  'jobs.list': JobView[];
  'jobs.cancel': { cancelled: boolean };
  'jobs.retry': { job: JobView };
  'exchanges.list': ExchangeSummary[];
  'exchanges.get': ExchangeView;
  'discovery.interfaces': NetworkInterfaceView[];
  'discovery.dhcp': DhcpHelp;
  'discovery.sweepStart': { sweepId: string; total: number };
  'discovery.sweepCancel': { cancelled: boolean };
  'settings.get': SettingsView;
  'settings.update': SettingsView;
  'certificate.regenerate': { fingerprint: string };
  'certificates.list': CertificateView[];
  'certificates.remove': { removed: boolean };
  /** `cancelled` when the technician closed the dialog. */
  'certificates.pick': { certificates: CertificateView[]; cancelled: boolean };
  'certificates.upload': { certificates: CertificateView[] };
  'certificates.revoke': CertificateView;
  'certificates.localCa': CertificateView;
  'files.list': FileView[];
  'files.remove': { removed: boolean };
  'files.setKind': FileView;
  'files.pick': { files: FileView[]; refused: FileRefusalView[] };
  /** `needsReboot`: SIP message tracing takes effect only after a restart of the phone. */
  'traces.start': { jobs: JobView[]; needsReboot: boolean };
  /** The restore jobs; `notTracing`: phones that had no tracing on. */
  'traces.stop': { jobs: JobView[]; notTracing: string[] };
  'traces.download': { jobs: JobView[] };
  /** false: no certificate was pinned for the phone. */
  'traces.trustCertificate': { forgotten: boolean };
  'diagnostics.bundle': DiagnosticBundleView;
  'profiles.list': ProfileView[];
  'profiles.save': ProfileView;
  'profiles.remove': { removed: boolean };
  'profiles.fromPhone': { profile: ProfileView; leftOut: { name: string; why: string }[] };
  'profiles.export': { json: string; leftOut: { profile: string; item: string }[] };
  /** `replaced`: names of profiles that existed and were replaced by the file's. */
  'profiles.import': { profiles: ProfileView[]; replaced: string[] };
  'profiles.apply': { phones: ProfileApplyView[]; jobs: JobView[] };
  'rollout.import': RolloutPreview;
  'rollout.confirm': RolloutStatus;
  'rollout.status': RolloutStatus;
  'rollout.assign': RolloutStatus;
  'rollout.unassign': RolloutStatus;
  'rollout.benchMode': RolloutStatus;
  'rollout.export': { csv: string };
  'rollout.sample': { csv: string };
  'report.csv': { csv: string };
  'report.html': { html: string };
  /** `savedTo` null: the save dialog was closed without saving. */
  'report.pdf': { savedTo: string | null; cancelled: boolean };
  'sites.list': SitesListView;
  'sites.create': SiteView;
  'sites.open': SiteView;
  'sites.rename': SiteView;
  'sites.archive': SiteView;
  'sites.export': SiteExportView;
  'sites.import': SiteImportView;
  'sites.cancel': { cancelled: boolean };
}

/** A built diagnostic bundle: saved (Electron) or waiting at `url` (browser mode). */
export interface DiagnosticBundleView {
  name: string;
  size: number;
  contents: { mac: string; exchanges: number; traceFiles: number; jobs: number; items: number }[];
  /** Browser mode: GET it with the API token (kept for a few minutes). */
  url: string | null;
  /** Electron: where the technician saved it. */
  savedTo: string | null;
  /** Electron: the save dialog was closed without saving. */
  cancelled: boolean;
}

/** One phone of `profiles.apply`: what would change, or why it gets nothing. */
export interface ProfileApplyView {
  mac: string;
  changes: { name: string; index?: number; from: string | null; to: string }[];
  problems: string[];
}

/** A file the library did not take, and the rule it broke. */
export interface FileRefusalView {
  name: string;
  rule: string;
  message: string;
}

export type ApiRes<M extends ApiMethod> = ApiResponses[M];

/** A handler per method: a missing or mistyped handler is a compile error. */
export type ApiHandlers = { [M in ApiMethod]: (req: ApiParsedReq<M>) => Promise<ApiRes<M>> };

/** The calls the site host answers itself (electron/core/sites); every other call goes to the open site's core. */
export const SITE_METHODS = [
  'sites.list',
  'sites.create',
  'sites.open',
  'sites.rename',
  'sites.archive',
  'sites.export',
  'sites.import',
  'sites.cancel',
] as const satisfies readonly ApiMethod[];
export type SiteMethod = (typeof SITE_METHODS)[number];
/** What one site's core answers. */
export type CoreApiHandlers = Omit<ApiHandlers, SiteMethod>;
/** What a transport serves: a core alone (tests) answers the site calls with 404. */
export type ServedHandlers = CoreApiHandlers & Partial<Pick<ApiHandlers, SiteMethod>>;

export interface ApiClient {
  call<M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>>;
  /**
   * Browser mode only: streams a file's bytes to `POST /api/files.upload` (not through the JSON
   * API). Absent in Electron, where files.pick opens the dialog in the main process.
   */
  upload?(file: Blob, name: string): Promise<FileView>;
  /** Browser mode only: streams a site file to `POST /api/sites.upload`; `sites.import` takes the id. */
  uploadSite?(file: Blob): Promise<{ uploadId: string }>;
  /** Browser mode only: fetches a file the API offers at `url` (a diagnostic bundle) with the token. */
  download?(url: string): Promise<Blob>;
  /**
   * Subscribes to pushed events; returns the unsubscribe function. `onOpen` is called each time
   * the event stream (re)opens, after which events flow again: whatever happened before may have
   * been missed, so the caller reloads its state. A transport that cannot miss events once
   * subscribed (Electron IPC) never calls it.
   */
  onEvent(listener: (event: import('./events.js').AppEvent) => void, onOpen?: () => void): () => void;
}

/** Error shape both transports deliver to the renderer. */
export interface ApiErrorBody {
  error: string;
  /** Validation issues for forms (item name + rule). */
  issues?: ValidationIssue[];
}
