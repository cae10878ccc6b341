import type { JobKind } from '../../../shared/jobs.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { FileRecord, Store } from '../store/index.js';
import {
  DeploymentRefusal,
  fileDeploymentItems,
  firmwareItems,
  firmwareRefusal,
  markedFileId,
  type PhoneFirmwareFacts,
} from './deployment.js';
import { FileNotFoundError } from './library.js';

/** Files one multi-file deployment takes: each is one index, and the message must stay small. */
export const MAX_FILES_PER_DEPLOYMENT = 20;

/** A `jobs.create` for library files, turned into what every phone's job sends. */
export interface FileJobPlan {
  items: WpiItem[];
  files: FileRecord[];
  /** Per phone: why it gets no job (null: it gets one) and what could not be checked for it. */
  forPhone(mac: string): { refusal: string | null; warnings: string[] };
}

/**
 * Plans file and firmware jobs that name library files (`fileId`/`fileIds`). Items the request
 * brings are taken only where they make sense (`file-priority`, header fields the image lacks);
 * an explicit file URL marker is refused: only library files by id are linked to jobs.
 */
export function planFileJobs(store: Store, kind: JobKind, fileIds: readonly string[], asked: readonly WpiItem[]): FileJobPlan {
  if (kind !== 'file-deployment' && kind !== 'software-deployment') throw new DeploymentRefusal(`${kind} takes no fileId`);
  if (fileIds.length > MAX_FILES_PER_DEPLOYMENT) throw new DeploymentRefusal(`at most ${MAX_FILES_PER_DEPLOYMENT} files in one deployment`);
  const files = [...new Set(fileIds)].map((id) => {
    const file = store.files.get(id);
    if (!file) throw new FileNotFoundError(id);
    return file;
  });
  if (kind === 'file-deployment') {
    if (asked.length) throw new DeploymentRefusal('a file deployment of library files takes no items; the file decides them');
    return { items: fileDeploymentItems(files), files, forPhone: () => ({ refusal: null, warnings: [] }) };
  }
  if (files.length !== 1) throw new DeploymentRefusal('a firmware update takes exactly one image');
  const [image] = files as [FileRecord];
  const items = firmwareItems(image, asked);
  return {
    items,
    files,
    forPhone(mac) {
      const { refusal, unchecked } = firmwareRefusal(image, firmwareFacts(store, mac));
      const warnings = unchecked.length
        ? [`not checked against the phone yet (${unchecked.join(', ')} unknown): it has not reported them`]
        : [];
      return { refusal, warnings };
    },
  };
}

/** Refuses file URL markers typed into plain items: they would point a job at a file it is not linked to. */
export function refuseMarkers(items: readonly WpiItem[]): void {
  if (items.some((i) => markedFileId(i.value) !== undefined))
    throw new DeploymentRefusal('library files are named with fileId, not in items');
}

function firmwareFacts(store: Store, mac: string): PhoneFirmwareFacts {
  const phone = store.phones.get(mac);
  const item = (name: string): string | null => store.inventory.get(mac, name)?.value.trim() || null;
  const open = store.jobs.list({ mac, states: ['queued', 'waiting-for-phone', 'running', 'waiting-busy'], limit: 10_000 });
  return {
    model: phone?.model ?? null,
    softwareVersion: phone?.softwareVersion ?? item('software-version'),
    deviceType: item('device-type') ?? item('related-device-type'),
    softwareType: item('software-type') ?? item('related-software-type'),
    firmwareJobOpen: open.some((j) => j.kind === 'software-deployment'),
  };
}
