import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { WpiItem } from '../../../../shared/protocol.js';
import type { Effect } from '../../wpi/effects.js';
import type { JobKindModule } from '../kind.js';
import { asStored, refused, value } from './common.js';
import { checkDeployment } from './deployment.js';

/** How long a phone may take to download, flash and come back with the new firmware. */
export const FIRMWARE_TIMEOUT_MS = 30 * 60_000;

/** `file-type` of a firmware image (guide p. 57; the text says file-sw-type replaces it, p. 56). */
export const FIRMWARE_FILE_TYPE = 'APP';

/**
 * SoftwareDeployment (p. 56–57): acknowledged, the phone downloads and reboots; the start-up
 * with the expected `software-version` settles the job.
 */
export const softwareDeployment: JobKindModule = {
  kind: 'software-deployment',
  facts: JOB_KIND_FACTS['software-deployment'],
  wakesPhone: true,
  check: (items) => checkDeployment('software-deployment', items),
  render: asStored,
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
      settle(message, jobs) {
        if (message.reason !== 'start-up') return { effects: [] };
        const version = value(message.items, 'software-version');
        return {
          effects: jobs.map((job): Effect => {
            if (!job.expectVersion || sameVersion(version, job.expectVersion)) {
              return { type: 'job-done', jobId: job.id, results: [{ name: 'software-version', status: 'accepted', value: version ?? '' }] };
            }
            return {
              type: 'job-failed',
              jobId: job.id,
              reason: `phone came back with software ${version ?? 'unknown'}, expected ${job.expectVersion}`,
              results: [{ name: 'software-version', status: 'failed', value: version ?? '' }],
            };
          }),
        };
      },
    },
  },
};

/** The guide's example sends both file-type=APP and file-sw-type (§9.11): add the one left out. */
function withFirmwareFileType(items: WpiItem[]): WpiItem[] {
  const hasSwType = items.some((i) => i.name === 'file-sw-type');
  const hasType = items.some((i) => i.name === 'file-type' && i.index === undefined);
  return hasSwType && !hasType ? [...items, { name: 'file-type', value: FIRMWARE_FILE_TYPE }] : items;
}

/** `V3 R5.12.0` and `3.5.12.0` name the same firmware (p. 57). */
function sameVersion(reported: string | undefined, expected: string): boolean {
  if (!reported) return false;
  const digits = (s: string): string => (s.match(/\d+/g) ?? []).join('.');
  return digits(reported) === digits(expected);
}
