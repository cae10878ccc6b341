import type { Rollout } from '../rollout/rollout.js';
import type Conf from 'conf';
import type { CoreApiHandlers } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/events.js';
import type { AppInfo, FileView } from '../../../shared/model.js';
import type { PrintReportPdf } from '../rollout/report-pdf.js';
import type { PickCertificateFile } from '../certificates/handlers.js';
import type { ContactMeRequest, ContactMeResult } from '../discovery/contact-me.js';
import type { Egress } from '../egress/egress.js';
import type { FileLibrary } from '../files/library.js';
import type { ProvisioningService } from '../provisioning/service.js';
import type { SettingsData } from '../settings/settings.js';
import type { Store } from '../store/index.js';
import type { SecretBox } from '../store/secrets.js';
import type { WbmLimits } from '../wbm/session.js';
import type { SaveBundle } from '../diagnostics/handlers.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** What the composition roots (electron/main.ts, browser mode, tests) hand the core. */
export interface CoreOptions {
  /** Everything the app stores: database, certificates. */
  dataDir: string;
  /** electron-store in the app, plain `conf` in tests and browser mode (same schema). */
  settingsStore: Conf<SettingsData>;
  secretBox: SecretBox;
  mode: 'electron' | 'browser';
  /** Overrides for tests and the simulator demo; the settings decide otherwise. */
  bindAddresses?: string[];
  phonePort?: number;
  /** Secure Mode port over the setting (tests: 0 picks a free one). */
  securePort?: number;
  /** File server port (0 = any free port in tests); the setting decides otherwise. */
  filePort?: number;
  contactMePort?: number;
  reachIntervalMs?: number;
  busyRetryMs?: number;
  /** Memory budget of open flows (tests); FLOW_MEMORY_BUDGET_BYTES otherwise. */
  flowBudgetBytes?: number;
  sendContactMe?: (request: ContactMeRequest) => Promise<ContactMeResult>;
  /** The guard every outgoing connection passes; default: loopback-only from FIELDSTAGE_LOOPBACK_ONLY. */
  egress?: Egress;
  now?: () => number;
  log?: (level: LogLevel, message: string) => void;
  /** The native open-file dialog for certificates (Electron only). */
  pickCertificateFile?: PickCertificateFile;
  /** Largest file import (tests); default MAX_IMPORT_BYTES. */
  maxImportBytes?: number;
  /** Electron: the save dialog for diagnostic bundles (adapters/); browser mode keeps them for download. */
  saveBundle?: SaveBundle;
  /** Bounds of trace downloads from the phones' web interface (tests); DEFAULT_WBM_LIMITS otherwise. */
  wbmLimits?: Partial<WbmLimits>;
  /** Electron: shows the open-file dialog and returns the chosen paths (files.pick). */
  pickFiles?: () => Promise<string[]>;
  /** Electron: the hand-over report printed to PDF (report.pdf); browser mode prints from the browser. */
  printReportPdf?: PrintReportPdf;
  /** Sites: the other site a phone belongs to (its name), or null; see ServiceDeps.belongsElsewhere. */
  belongsElsewhere?: (mac: string) => string | null;
}

export interface Core {
  handlers: CoreApiHandlers;
  events: { subscribe(listener: (event: AppEvent) => void): () => void };
  /** For tests and benchmarks that look behind the API. */
  store: Store;
  service: ProvisioningService;
  /** The file library, for the browser-mode upload route and for tests. */
  files: FileLibrary;
  /** The site roll-out, for tests that watch it without the API's promises. */
  rollout: Rollout;
  /** Imports an uploaded body (browser mode): the bytes stream to disk, never through the JSON API. */
  upload(body: AsyncIterable<Buffer>, name: string, kind: string | undefined): Promise<FileView>;
  info(): AppInfo;
  /** Browser mode: a built diagnostic bundle by its id (the UI API's download route), or null. */
  bundle(id: string): { name: string; bytes: Uint8Array } | null;
  /**
   * One pass of what the timer does every REACH_INTERVAL_MS: idle interactions expired, overdue
   * jobs settled, phones with work woken. Resolves when the pass is over; tests on an injected
   * clock drive the core with it instead of waiting for the timer.
   */
  tick(): Promise<void>;
  /** Opens the phone-facing listeners and starts reaching phones. */
  start(): Promise<void>;
  /** Stops listeners and closes the store; the app awaits it before quitting. */
  stop(): Promise<void>;
}
