import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import { withFileUrls } from '../../files/deployment.js';
import type { AwaitedJob, Effect } from '../../wpi/effects.js';
import { sameVersion } from '../../wpi/firmware.js';
import type { JobKindModule } from '../kind.js';
import { refused, value } from './common.js';
import { checkDeployment } from './deployment.js';

/** How long a phone may take to download, flash and come back with the new firmware. */
export const FIRMWARE_TIMEOUT_MS = 30 * 60_000;

/** `file-type` of a firmware image (guide p. 57; the text says file-sw-type replaces it, p. 56). */
export const FIRMWARE_FILE_TYPE = 'APP';

/**
 * SoftwareDeployment (p. 56–57): acknowledged, the phone downloads and reboots; the start-up
 * with the expected `software-version` settles the job. One attempt: a phone that comes back
 * with its old version fails the job with what the file server saw (research-notes §3.3–3.4):
 * fetched whole = the phone rejected the image; broken off; never fetched = network or TLS.
 * A retry is the technician's decision.
 */
export const softwareDeployment: JobKindModule = {
  kind: 'software-deployment',
  facts: JOB_KIND_FACTS['software-deployment'],
  wakesPhone: true,
  check: (items) => checkDeployment('software-deployment', items),
  render: (items, ctx) => withFileUrls(items, ctx.fileUrl),
  wpi: {
    start(job) {
      const expectVersion = value(job.items, 'file-sw-version');
      return {
        effects: [{ type: 'job-awaiting', jobId: job.id, expect: 'start-up', ...(expectVersion ? { expectVersion } : {}) }],
        send: { action: 'SoftwareDeployment', phase: 'deploy', batches: [withFirmwareFileType(job.items)], batch: 0, results: [] },
        ends: true,
      };
    },
    reply(step, { status, items }) {
      // Downloading; the job settles at the start-up with the new version.
      if (status === 'accepted') return { effects: [], ends: true };
      // In a call and not `immediate` (p. 56): tried again when the phone is idle.
      if (status === 'busy') return { effects: [{ type: 'job-busy', jobId: step.jobId }] };
      return refused(step.jobId, 'the firmware deployment', status, items);
    },
    awaits: {
      report: 'start-up',
      timeoutMs: FIRMWARE_TIMEOUT_MS,
      overdue: 'come back with the new firmware',
      overdueReason: (job) =>
        job.download
          ? `${notInstalled(job.download)}; the phone did not come back within ${FIRMWARE_TIMEOUT_MS / 60_000} minutes`
          : undefined,
      settle(message, jobs) {
        const version = value(message.items, 'software-version');
        const effects = jobs.flatMap((job): Effect[] => {
          const arrived = !job.expectVersion || sameVersion(version, job.expectVersion);
          if (message.reason === 'start-up' && arrived) {
            return [{ type: 'job-done', jobId: job.id, results: [{ name: 'software-version', status: 'accepted', value: version ?? '' }] }];
          }
          // Rejected images are abandoned without a reboot (§3.3): any later contact on the old version tells.
          const stayed = message.reason === 'start-up' || (job.download?.complete === true && version !== undefined && !arrived);
          return stayed ? [failed(job, version)] : [];
        });
        return { effects };
      },
    },
  },
};

function failed(job: AwaitedJob, version: string | undefined): Effect {
  const back = `the phone came back with ${version ?? 'an unknown version'}, not ${job.expectVersion ?? 'the new one'}`;
  return {
    type: 'job-failed',
    jobId: job.id,
    reason: job.download ? `${notInstalled(job.download)}; ${back}` : back,
    results: [{ name: 'software-version', status: 'failed', value: version ?? '' }],
  };
}

/** What the file server's log says about why the new version is not on the phone. */
function notInstalled(download: NonNullable<AwaitedJob['download']>): string {
  if (download.complete) {
    return `the phone rejected the image: it fetched all ${download.expected} bytes but did not install it (hardware level or minimum version of the phone, see the image's model)`;
  }
  if (download.attempts > 0) return `the download broke off at ${download.bytes} of ${download.expected} bytes (network or file server)`;
  return 'the phone never fetched the image: check that it can reach the laptop on the file server port (network, firewall, VLAN) and that its secure file transfer policy accepts Fieldstage’s certificate';
}

/** The guide's example sends both file-type=APP and file-sw-type (§9.11): add the one left out. */
function withFirmwareFileType(items: WpiItem[]): WpiItem[] {
  const hasSwType = items.some((i) => i.name === 'file-sw-type');
  const hasType = items.some((i) => i.name === 'file-type' && i.index === undefined);
  return hasSwType && !hasType ? [...items, { name: 'file-type', value: FIRMWARE_FILE_TYPE }] : items;
}
