import type { WpiItem } from './protocol.js';

/** A file the phone keeps, from its indexed `file-deployment-*` items (guide p. 245). */
export interface StoredPhoneFile {
  index: number;
  name: string;
  type: string;
  status: string;
  /** `DD:MM:YYYY HH:MM:SS` as the phone reports it; empty when it does not. */
  when: string;
}

/** The phone's stored files, as its last inventory reports them. */
export function storedPhoneFiles(items: readonly { name: string; index?: number | undefined; value: string }[]): StoredPhoneFile[] {
  const byIndex = new Map<number, Map<string, string>>();
  for (const item of items) {
    if (!item.name.startsWith('file-deployment-') || item.index === undefined) continue;
    const fields = byIndex.get(item.index) ?? new Map<string, string>();
    fields.set(item.name.slice('file-deployment-'.length), item.value);
    byIndex.set(item.index, fields);
  }
  return [...byIndex]
    .filter(([, f]) => f.get('name'))
    .sort(([a], [b]) => a - b)
    .map(([index, f]) => ({
      index,
      name: f.get('name') ?? '',
      type: f.get('type') ?? '',
      status: f.get('status') ?? '',
      when: [f.get('date'), f.get('time')].filter(Boolean).join(' '),
    }));
}

/** FileDeployment items that delete stored files: name and type identify each (p. 55). */
export function fileDeletionItems(files: readonly { name: string; type: string }[]): WpiItem[] {
  return files.flatMap((file, i) => [
    { name: 'file-action', index: i + 1, value: 'delete' },
    { name: 'file-name', index: i + 1, value: file.name },
    { name: 'file-type', index: i + 1, value: file.type },
  ]);
}
