import { FINAL_JOB_STATES } from '../../../shared/jobs.js';
import type { Store } from '../store/index.js';
import type { DownloadFacts } from '../wpi/effects.js';
import { filePath } from './file-server.js';

/**
 * A firmware job holds a download slot from the moment it is handed to its phone until the
 * image was fetched whole, the job ended, or this long passed (a phone that never fetches must
 * not block the rest of the site for ever).
 */
export const FIRMWARE_SLOT_HOLD_MS = 15 * 60_000;

/** Said on a firmware job that waits because `fileServer.maxFirmwareDownloads` phones are downloading. */
export const FIRMWARE_SLOT_REASON = 'waits for a download slot: the set number of phones are fetching firmware now';

/** What the provisioning service needs of the file library for the jobs using it. */
export interface JobFiles {
  /** The job's URL of a library file, for a phone that reaches the laptop on `localAddress`; undefined without a file server. */
  url(jobId: string, fileId: string, localAddress: string): string | undefined;
  /** What the file server logged for the job's URLs; undefined when the job uses no library file. */
  downloads(jobId: string): DownloadFacts | undefined;
  /** Takes a firmware download slot for the job (true), or says that all are taken (false). */
  holdFirmwareSlot(jobId: string): boolean;
}

export interface JobFilesOptions {
  store: Store;
  now: () => number;
  /** The file server's port, or undefined while it does not run. */
  port: () => number | undefined;
  /** fileServer.maxFirmwareDownloads. */
  maxFirmwareDownloads: () => number;
}

export function createJobFiles(o: JobFilesOptions): JobFiles {
  const slots = new Map<string, number>();
  // Busy phones (priority normal, in a call) give their slot back; so do finished jobs.
  const holding = (jobId: string, since: number, now: number): boolean => {
    if (now - since >= FIRMWARE_SLOT_HOLD_MS) return false;
    const job = o.store.jobs.get(jobId);
    if (!job || FINAL_JOB_STATES.includes(job.state) || job.state === 'waiting-busy') return false;
    return !o.store.files.downloadsForJob(jobId).complete;
  };
  return {
    url(jobId, fileId, localAddress) {
      const port = o.port();
      const file = o.store.files.get(fileId);
      if (port === undefined || !file) return undefined;
      const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
      return `https://${host}:${port}${filePath(file, jobId)}`;
    },
    downloads(jobId) {
      if (!o.store.files.filesOf(jobId).length) return undefined;
      return o.store.files.downloadsForJob(jobId);
    },
    holdFirmwareSlot(jobId) {
      const now = o.now();
      for (const [id, since] of slots) if (!holding(id, since, now)) slots.delete(id);
      if (slots.has(jobId)) return true;
      if (slots.size >= o.maxFirmwareDownloads()) return false;
      slots.set(jobId, now);
      return true;
    },
  };
}
