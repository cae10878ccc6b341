import type {
  ExchangeSummary,
  FileDownloadView,
  FileView,
  JobView,
  PhoneSummary,
  SettingsView,
  SweepProgress,
  SweepResult,
} from './model.js';
import type { SiteProgress, SiteView } from './sites.js';
import type { TraceDownloadProgress } from './traces.js';

/** Events the main process pushes to the renderer; the UI never polls for these. */
export type AppEvent =
  | { type: 'phone.updated'; phone: PhoneSummary }
  /** The phone and its data were removed (forgotten by the technician, or quarantine expired). */
  | { type: 'phone.forgotten'; mac: string }
  | { type: 'job.updated'; job: JobView }
  | { type: 'exchange.logged'; exchange: ExchangeSummary }
  | { type: 'sweep.progress'; progress: SweepProgress }
  | { type: 'sweep.result'; result: SweepResult }
  | { type: 'settings.changed'; settings: SettingsView }
  | { type: 'file.updated'; file: FileView }
  | { type: 'file.removed'; id: string }
  | { type: 'file.download'; download: FileDownloadView }
  /** A trace download from a phone's web interface moved on (issue 10). */
  | { type: 'trace.download'; progress: TraceDownloadProgress }
  /** Another site was opened: everything the renderer shows belongs to the old one, so it reloads. */
  | { type: 'site.opened'; site: SiteView }
  /** A site export or import moved on. */
  | { type: 'site.progress'; progress: SiteProgress };

export type AppEventType = AppEvent['type'];
