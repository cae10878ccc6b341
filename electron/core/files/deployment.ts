import type { WpiItem } from '../../../shared/protocol.js';
import { FIRMWARE_FILE_TYPE } from '../jobs/kinds/software-deployment.js';
import { sameVersion } from '../wpi/firmware.js';
import type { FileRecord } from '../store/index.js';

/**
 * Deploying library files: the items a job sends for them, and the per-phone checks a firmware
 * image must pass before it is queued. The URL is not stored with the job: it depends on the
 * address the phone reaches the laptop on, so the job keeps a marker that the kind's render
 * step turns into `https://<local address>:<file server port>/files/…` at send time.
 */

/** Stored in `file-https-base-url` in place of the URL; never sent (render replaces it). */
export const FILE_URL_MARKER = 'fieldstage-file:';

/** `file-priority` of a firmware job unless the technician asks for `immediate` (waits for an idle phone). */
export const DEFAULT_FIRMWARE_PRIORITY = 'normal';

/** Refused: the request cannot become a job for this file (or this phone). */
export class DeploymentRefusal extends Error {
  readonly statusCode = 400;
}

const markerOf = (file: FileRecord): string => `${FILE_URL_MARKER}${file.id}`;

/** The library file a stored item points at, if it is a marker. */
export function markedFileId(value: string): string | undefined {
  return value.startsWith(FILE_URL_MARKER) ? value.slice(FILE_URL_MARKER.length) : undefined;
}

/** Items with every marker replaced by the file's URL for this phone (unknown files stay marked). */
export function withFileUrls(items: WpiItem[], fileUrl: ((fileId: string) => string | undefined) | undefined): WpiItem[] {
  if (!fileUrl) return items;
  return items.map((item) => {
    const id = item.name === 'file-https-base-url' ? markedFileId(item.value) : undefined;
    const url = id === undefined ? undefined : fileUrl(id);
    return url === undefined ? item : { ...item, value: url };
  });
}

/**
 * FileDeployment items for library files: one file without indexes (the phone reports it in a
 * `status`, p. 52–54), several with one index per file (p. 55). `file-name` is the library
 * name, `file-type` the file's kind.
 */
export function fileDeploymentItems(files: readonly FileRecord[]): WpiItem[] {
  if (!files.length) throw new DeploymentRefusal('no file to deploy');
  for (const file of files) {
    if (file.kind === 'FIRMWARE')
      throw new DeploymentRefusal(`${file.name} is a firmware image: use a firmware update (software-deployment)`);
  }
  if (files.length === 1) {
    const [file] = files as [FileRecord];
    return [
      { name: 'file-name', value: file.name },
      { name: 'file-type', value: file.kind },
      { name: 'file-https-base-url', value: markerOf(file) },
    ];
  }
  return files.flatMap((file, i) => {
    const index = i + 1;
    return [
      { name: 'file-action', index, value: 'deploy' },
      { name: 'file-name', index, value: file.name },
      { name: 'file-type', index, value: file.kind },
      { name: 'file-https-base-url', index, value: markerOf(file) },
    ];
  });
}

/**
 * SoftwareDeployment items for a firmware image. `file-sw-type` and `file-sw-version` come from
 * the image header; the technician's values are taken only for fields the header does not give
 * (the layout did not parse) and refused where they contradict it.
 */
export function firmwareItems(file: FileRecord, asked: readonly WpiItem[]): WpiItem[] {
  if (file.kind !== 'FIRMWARE') throw new DeploymentRefusal(`${file.name} is not a firmware image (${file.kind})`);
  const header = file.details.firmware;
  const given = (name: string): string | undefined =>
    asked.find((i) => i.name === name && i.index === undefined)?.value.trim() || undefined;
  const field = (name: string, fromHeader: string | null | undefined, what: string): string => {
    const own = given(name);
    if (fromHeader && own && own !== fromHeader) {
      throw new DeploymentRefusal(`${name} ${own} contradicts the image header (${fromHeader}); the header is what the phone checks`);
    }
    const chosen = fromHeader || own;
    if (!chosen) throw new DeploymentRefusal(`the image header of ${file.name} gives no ${what}: name ${name} to deploy it anyway`);
    return chosen;
  };
  const priority = given('file-priority') ?? DEFAULT_FIRMWARE_PRIORITY;
  if (priority !== 'normal' && priority !== 'immediate')
    throw new DeploymentRefusal(`file-priority must be normal or immediate, not ${priority}`);
  return [
    { name: 'file-name', value: file.name },
    { name: 'file-type', value: FIRMWARE_FILE_TYPE },
    { name: 'file-sw-type', value: field('file-sw-type', header?.swType, 'firmware type') },
    { name: 'file-sw-version', value: field('file-sw-version', header?.swVersion, 'version') },
    { name: 'file-priority', value: priority },
    { name: 'file-https-base-url', value: markerOf(file) },
  ];
}

/** What Fieldstage knows of a phone for the firmware checks. */
export interface PhoneFirmwareFacts {
  model: string | null;
  softwareVersion: string | null;
  /** `device-type` / `related-device-type` / `software-type` as last reported. */
  deviceType: string | null;
  softwareType: string | null;
  /** A firmware job of this phone that has not finished. */
  firmwareJobOpen: boolean;
}

/**
 * Why the image must not go to this phone, or null. Model and device type must match
 * (research-notes §3.3, the dlsir rule); a phone already running the version is not sent it
 * again (no loop); one firmware job per phone at a time. Unknown facts (a pre-staged phone) do
 * not refuse: the result says what could not be checked.
 */
export function firmwareRefusal(file: FileRecord, phone: PhoneFirmwareFacts): { refusal: string | null; unchecked: string[] } {
  const header = file.details.firmware;
  const unchecked: string[] = [];
  if (phone.firmwareJobOpen) return { refusal: 'a firmware update of this phone has not finished yet', unchecked };
  const phoneType = phone.deviceType ?? phone.model;
  if (!phoneType) unchecked.push('model');
  else if (header?.model && !sameName(header.model, phoneType)) {
    return { refusal: `the image is for ${header.model}, the phone is ${phoneType}`, unchecked };
  } else if (header?.deviceType && !sameName(header.deviceType, phoneType)) {
    return { refusal: `the image's device type is ${header.deviceType}, the phone is ${phoneType}`, unchecked };
  }
  if (header?.swType && phone.softwareType && !sameName(header.swType, phone.softwareType)) {
    return { refusal: `the image is ${header.swType} firmware, the phone runs ${phone.softwareType}`, unchecked };
  }
  if (!phone.softwareVersion) unchecked.push('software version');
  else if (header?.version && sameVersion(phone.softwareVersion, header.version)) {
    return { refusal: `the phone already runs ${phone.softwareVersion}`, unchecked };
  }
  return { refusal: null, unchecked };
}

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
