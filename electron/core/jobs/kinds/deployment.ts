import { MAX_MESSAGE_BYTES, type WpiItem } from '../../../../shared/protocol.js';
import { validateItems } from '../../../../shared/validation.js';
import { ENVELOPE_BYTES, itemBytes } from '../../wpi/split.js';
import { JobRequestError } from '../job-requests.js';

/** The request check shared by file and firmware deployment. */
export function checkDeployment(kind: string, items: readonly WpiItem[]): void {
  const hasSource = items.some((i) => i.name === 'file-https-base-url' || i.name === 'file-server');
  // Deleting stored files needs no server: name and type identify them (p. 55).
  const actions = items.filter((i) => i.name === 'file-action').map((i) => i.value.trim());
  const onlyDeletes = kind === 'file-deployment' && actions.length > 0 && actions.every((a) => a === 'delete');
  if (!hasSource && !onlyDeletes) throw new JobRequestError(`${kind} needs file-https-base-url or file-server`);
  const issues = validateItems(items);
  if (issues.length) throw new JobRequestError(`${kind} items refused`, issues);
  // A deployment is one message, never split (p. 52–57): it must fit the 50 kB limit (p. 69).
  const bytes = ENVELOPE_BYTES + items.reduce((n, i) => n + itemBytes(i), 0);
  if (bytes > MAX_MESSAGE_BYTES) throw new JobRequestError(`${kind} items take ${bytes} bytes; one message holds at most 50 kB`);
}

/** `file-name`, or the last path segment of `file-https-base-url` (which holds the full URL, p. 53). */
export function fileNameOf(fields: { get(name: string): string | undefined }): string | undefined {
  const name = fields.get('file-name');
  if (name) return name;
  const last = fields
    .get('file-https-base-url')
    ?.replace(/[?#].*$/, '')
    .split('/')
    .pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Items grouped by index: items with the same index describe one file (p. 55). */
export function byIndex(items: readonly WpiItem[]): Map<number | undefined, Map<string, string>> {
  const groups = new Map<number | undefined, Map<string, string>>();
  for (const item of items) {
    const group = groups.get(item.index) ?? new Map<string, string>();
    group.set(item.name, item.value.trim());
    groups.set(item.index, group);
  }
  return groups;
}
