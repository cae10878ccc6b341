/**
 * File and firmware deployment as the phone sees it (wpi-protocol.md §9.10, §9.11;
 * files-and-certificates.md): turning `file-*` items into orders, downloading, and the
 * `file-deployment-*` record the phone keeps of each stored file.
 */
import type { WpiItem } from '../../shared/protocol.js';
import { FIRMWARE_HEADER_LAYOUT, readFirmwareHeader } from '../../electron/core/files/firmware-header.js';
import { fetchFile, type FetchedFile, type RequestLimits } from './transport.js';

export interface FileOrder {
  /** undefined for the single-file form without indexes (p. 53). */
  index?: number;
  action: 'deploy' | 'delete';
  name: string;
  type: string;
  /** `file-https-base-url`, which holds the complete file URL (p. 53). */
  url?: string;
}

/** What the phone remembers about a stored file (p. 54; guide p. 245). */
export interface StoredFile {
  name: string;
  type: string;
  date: string;
  time: string;
  status: 'ok' | 'failed';
}

/** Groups `file-*` items by index; items with the same index describe one file (p. 55). */
export function fileOrders(items: readonly WpiItem[]): FileOrder[] {
  const groups = new Map<number | undefined, Map<string, string>>();
  for (const item of items) {
    const group = groups.get(item.index) ?? new Map<string, string>();
    group.set(item.name, item.value.trim());
    groups.set(item.index, group);
  }
  return [...groups].map(([index, fields]) => {
    const url = fields.get('file-https-base-url') || undefined;
    const order: FileOrder = {
      action: fields.get('file-action') === 'delete' ? 'delete' : 'deploy',
      name: fields.get('file-name') || nameFromUrl(url),
      type: fields.get('file-type') ?? '',
    };
    if (index !== undefined) order.index = index;
    if (url !== undefined) order.url = url;
    return order;
  });
}

function nameFromUrl(url: string | undefined): string {
  if (!url) return '';
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

/** What a download left the phone with. */
export interface DownloadResult {
  ok: boolean;
  error?: string;
  file?: FetchedFile;
}

/**
 * Downloads a file or image. Only HTTPS (and plain HTTP) URLs are fetched: the FTP variant is
 * not simulated and counts as a failed download.
 */
export async function download(url: string | undefined, limits: RequestLimits): Promise<DownloadResult> {
  if (!url || !/^https?:\/\//i.test(url)) return { ok: false, error: 'no HTTPS URL (FTP is not simulated)' };
  try {
    const file = await fetchFile(url, limits, { head: FIRMWARE_HEADER_LAYOUT.headBytes, tail: FIRMWARE_HEADER_LAYOUT.trailerFromEnd });
    return file.status === 200 ? { ok: true, file } : { ok: false, error: `download answered HTTP ${file.status}` };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The phone's own check of an image (research-notes §3.3): the bind header's model and device
 * type must be the phone's, or it abandons the update without a reboot. Returns the version the
 * image installs, or why it is rejected.
 */
export function checkImage(file: FetchedFile, model: string): { version: string } | { rejected: string } {
  const header = readFirmwareHeader(file.head, file.tail, file.bytes);
  if (!header) return { rejected: 'not a phone image' };
  if (header.model !== model) return { rejected: `image for ${header.model}, this phone is ${model}` };
  if (header.deviceType !== null && header.deviceType !== model)
    return { rejected: `device type ${header.deviceType} does not fit ${model}` };
  if (!header.version) return { rejected: 'no readable version in the image' };
  return { version: header.version };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `DD:MM:YYYY` and `HH:MM:SS`, as in the guide's example `10:06:2008` (p. 54). */
export function deploymentStamp(at: Date): { date: string; time: string } {
  return {
    date: `${two(at.getDate())}:${two(at.getMonth() + 1)}:${at.getFullYear()}`,
    time: `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`,
  };
}

/** The indexed `file-deployment-*` items for one stored file. */
export function fileRecordItems(file: StoredFile, index: number): WpiItem[] {
  return [
    { name: 'file-deployment-date', index, value: file.date },
    { name: 'file-deployment-time', index, value: file.time },
    { name: 'file-deployment-name', index, value: file.name },
    { name: 'file-deployment-type', index, value: file.type },
    { name: 'file-deployment-status', index, value: file.status },
  ];
}

export const FILE_RECORD_NAMES = [
  'file-deployment-date',
  'file-deployment-time',
  'file-deployment-name',
  'file-deployment-type',
  'file-deployment-status',
] as const;
