import type { ItemResult, JobKind, JobState } from './jobs.js';
import type { WpiItem } from './protocol.js';
import type { TracingView } from './traces.js';

/** What the UI sees of a phone (the phones table and the phone header). */
export interface PhoneSummary {
  mac: string;
  model: string | null;
  softwareVersion: string | null;
  partNumber: string | null;
  e164: string | null;
  displayName: string | null;
  ip: string | null;
  adoption: 'quarantined' | 'adopted';
  inventoryComplete: boolean;
  firstContact: number;
  lastContact: number;
  lastReason: string | null;
  /** DCMP poll interval in seconds; null = reached by contact-me only. */
  pollIntervalS: number | null;
  /** Most relevant job state for the table: running > waiting > queued > failed (last hour) > none. */
  jobState: JobState | null;
  pendingJobs: number;
  /** The phone reported another identity; its writing jobs wait until the technician confirms. */
  identityChange: IdentityChange | null;
  /** False while a pre-staged MAC (jobs created before it ever called) has not called in. */
  seen: boolean;
  /** Raised trace levels and until when (issue 10); null when tracing is off. */
  tracing: TracingView | null;
  /** In Secure Mode (mutual TLS on the secure port) since; null = default mode. */
  secureSince: number | null;
}

/** Identity facts of a phone compared between contacts (electron/core/identity). */
export type IdentityField = 'ip' | 'model' | 'partNumber' | 'e164' | 'contactMeUri';

export interface IdentityFieldChange {
  field: IdentityField;
  /** The trusted value (what the adopted phone reported before). */
  from: string;
  /** What the device now answering for this MAC reports. */
  to: string;
}

export interface IdentityChange {
  /** When it was last seen. */
  at: number;
  changes: IdentityFieldChange[];
}

export interface ItemView {
  name: string;
  index?: number;
  /** SECRET_MASK for secret items unless revealed. */
  value: string;
  status: string | null;
  updatedAt: number;
  secret: boolean;
}

export interface JobView {
  id: string;
  mac: string;
  kind: JobKind;
  state: JobState;
  /** Secret values masked. */
  items: WpiItem[];
  results: ItemResult[];
  /** Things the job did not manage that did not make it fail; empty mostly. */
  warnings: string[];
  reason: string | null;
  /** While the job waits for its phone: when the next contact-me to wake it is due; null = none planned. */
  nextContactAt: number | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Library files the job deploys (its download progress arrives as `file.download` with its id). */
  fileIds: string[];
}

export interface ExchangeSummary {
  id: number;
  mac: string | null;
  peer: string;
  at: number;
  durationMs: number;
  reason: string | null;
  action: string | null;
  httpStatus: number;
  note: string | null;
}

export interface ExchangeView extends ExchangeSummary {
  requestXml: string;
  responseXml: string;
}

export interface ValidationIssue {
  name: string;
  index?: number;
  message: string;
}

export interface NetworkInterfaceView {
  name: string;
  address: string;
  family: 'IPv4' | 'IPv6';
  cidr: string | null;
  internal: boolean;
}

export interface SweepProgress {
  sweepId: string;
  done: number;
  total: number;
  found: number;
  finished: boolean;
  cancelled: boolean;
}

export interface SweepResult {
  sweepId: string;
  ip: string;
  outcome: 'phone' | 'no-answer' | 'other';
  detail: string;
  /** A phone's model from its web interface's `main_banner.cmd`, when it answered (issue 10). */
  model?: string;
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  phonePort: number;
  httpPort: number;
  /** Addresses phones can use to reach the laptop (non-internal IPv4 first). */
  addresses: string[];
  certificateFingerprint: string;
  /** An HTTPS phone listener is up. */
  listening: boolean;
  /** Port of the HTTPS file server phones download from; 0 while it is not listening. */
  filePort: number;
  /** Every phone listener as it really is. */
  listeners: ListenerStatus[];
  /** The Secure Mode listener's port (mutual TLS); 0 while it does not run (no local CA yet, or not bound). */
  securePort: number;
  /** SHA-256 of Fieldstage's local CA, for the technician's records; null until it is created. */
  localCaFingerprint: string | null;
  /** The saved listener settings could not be bound at start: the defaults run instead. */
  listenerFallback: { failed: ListenerStatus } | null;
  /** Values the environment (FIELDSTAGE_PHONE_PORT, FIELDSTAGE_BIND) sets over the settings. */
  overrides: { phonePort: number | null; bindAddresses: string[] | null };
}

export interface ListenerStatus {
  address: string;
  port: number;
  protocol: 'https' | 'http';
  listening: boolean;
  /** Why it is not listening, naming the address and port; null while it listens. */
  error: string | null;
}

export interface SettingsView {
  phonePort: number;
  httpPort: number;
  bindAddresses: string[];
  legacyTls: boolean;
  sendSolicited: 'auto' | 'always' | 'never';
  adoption: { adoptAll: boolean; macs: string[]; prefixes: string[] };
  /** At most one contact-me per phone per `minIntervalMs`; give up after `maxAttempts` silent ones. */
  contactMe: { minIntervalMs: number; maxAttempts: number };
  /** Phones never adopted: at most `maxPhones` (least recently seen go first), forgotten `expireDays` after their last contact. */
  quarantine: { maxPhones: number; expireDays: number };
  language: 'en' | 'de';
  theme: 'light' | 'dark' | 'auto';
  /** The HTTPS file server: its port and how many firmware downloads may run at once. */
  fileServer: { port: number; maxFirmwareDownloads: number };
  /** The phones' web interface: port, whether a site admin password is set (never the password), factory default allowed, phones at once. */
  wbm: { port: number; adminPasswordSet: boolean; allowFactoryDefault: boolean; maxParallel: number };
}

export interface DhcpHelp {
  url: string;
  hex: string;
  colonHex: string;
  snippets: { iscDhcpd: string; dnsmasq: string; windowsNetsh: string; windowsPowerShell: string; mikrotik: string };
}

/** What a library file is for; `FIRMWARE` goes out with SoftwareDeployment, the rest with FileDeployment. */
export const FILE_KINDS = ['LOGO', 'PIC', 'SCREENSAVER', 'RINGTONE', 'MOH', 'LDAP', 'FIRMWARE'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Content formats recognised from magic bytes. */
export type FileFormat = 'png' | 'jpeg' | 'bmp' | 'wav' | 'midi' | 'mp3' | 'text' | 'firmware';

/** A finding of the import checks: `rule` is a stable code, `message` says it in plain words. */
export interface FileCheck {
  level: 'warning';
  rule: string;
  message: string;
}

/** What the firmware image header says (research-notes §3.3); null where the layout did not parse. */
export interface FirmwareHeaderView {
  model: string | null;
  /** As the phone reports it, e.g. `V3 R5.12.0`. */
  version: string | null;
  /** Dotted, as `file-sw-version` wants it, e.g. `3.5.12.0`. */
  swVersion: string | null;
  deviceType: string | null;
  /** `file-sw-type`, e.g. `Siemens SIP`. */
  swType: string | null;
}

export interface FileView {
  id: string;
  name: string;
  kind: FileKind;
  format: FileFormat;
  size: number;
  sha256: string;
  addedAt: number;
  /** Pixel size for images. */
  width?: number;
  height?: number;
  firmware?: FirmwareHeaderView;
  checks: FileCheck[];
  /** Jobs that reference the file and are not finished. */
  usedBy: { jobId: string; mac: string; state: string }[];
}

/** One phone fetching one library file from the file server. */
export interface FileDownloadView {
  id: string;
  fileId: string;
  /** The job whose URL was fetched (absent: a plain library URL). */
  jobId?: string;
  peer: string;
  bytes: number;
  /** Bytes this request asked for (the range or the whole file). */
  expected: number;
  startedAt: number;
  durationMs: number;
  state: 'running' | 'complete' | 'incomplete';
}
