import type { ItemView, JobView, ValidationIssue } from '../../../shared/model.js';
import { itemKey, type WpiItem } from '../../../shared/protocol.js';
import { toApiError } from '../api/errors.js';
import { checkItem } from '../../../shared/item-rules.js';
import type { SliceCreator } from './types.js';

export interface ItemRef {
  name: string;
  index?: number | undefined;
}

/** A value the technician typed but has not applied yet, with what it replaces (for the diff). */
export interface PendingChange extends ItemRef {
  value: string;
  original: string;
}

export interface EditorState {
  /** The phone whose items are loaded; switching phones starts a fresh editor. */
  mac: string | null;
  items: ItemView[];
  loading: boolean;
  /** Keyed by `itemKey` (`name` or `name#index`). */
  pending: Record<string, PendingChange>;
  /** Secret values fetched on purpose with `phones.revealItem`, keyed like `pending`. */
  revealed: Record<string, string>;
  /** Issues the main process found (`items.validate` or a refused `jobs.create`). */
  serverIssues: ValidationIssue[];
  applying: boolean;
}

export type ApplyOutcome = { kind: 'nothing' } | { kind: 'invalid'; issues: number } | { kind: 'queued'; jobs: JobView[] };

export interface EditorSlice {
  editor: EditorState;
  openEditor(mac: string): Promise<void>;
  reloadEditorItems(): Promise<void>;
  setPendingValue(item: ItemRef, value: string): void;
  discardPending(key: string): void;
  discardAllPending(): void;
  revealItem(item: ItemRef): Promise<string>;
  /** Checks locally, then with `items.validate`, then queues one write-items job. */
  applyPending(): Promise<ApplyOutcome>;
}

const emptyEditor = (mac: string | null): EditorState => ({
  mac,
  items: [],
  loading: false,
  pending: {},
  revealed: {},
  serverIssues: [],
  applying: false,
});

function toWpiItem({ name, index, value }: PendingChange): WpiItem {
  return index === undefined ? { name, value } : { name, index, value };
}

export const createEditorSlice: SliceCreator<EditorSlice> = (api) => (set, get) => {
  const patchEditor = (patch: Partial<EditorState>) => set((state) => ({ editor: { ...state.editor, ...patch } }));

  return {
    editor: emptyEditor(null),

    async openEditor(mac) {
      if (get().editor.mac !== mac) set({ editor: emptyEditor(mac) });
      await get().reloadEditorItems();
    },

    async reloadEditorItems() {
      const { mac } = get().editor;
      if (mac === null) return;
      patchEditor({ loading: true });
      try {
        const items = await api.call('phones.items', { mac });
        // The technician may have moved on to another phone while this was loading.
        if (get().editor.mac === mac) patchEditor({ items });
      } finally {
        if (get().editor.mac === mac) patchEditor({ loading: false });
      }
    },

    setPendingValue(item, value) {
      const key = itemKey(item);
      const { editor } = get();
      const current = editor.items.find((view) => itemKey(view) === key);
      const original = editor.revealed[key] ?? current?.value ?? '';
      const pending = { ...editor.pending };
      if (value === original) delete pending[key];
      else pending[key] = { name: item.name, index: item.index, value, original: pending[key]?.original ?? original };
      const serverIssues = editor.serverIssues.filter((issue) => itemKey(issue) !== key);
      patchEditor({ pending, serverIssues });
    },

    discardPending(key) {
      const { pending, serverIssues } = get().editor;
      const rest = { ...pending };
      delete rest[key];
      patchEditor({ pending: rest, serverIssues: serverIssues.filter((issue) => itemKey(issue) !== key) });
    },

    discardAllPending() {
      patchEditor({ pending: {}, serverIssues: [] });
    },

    async revealItem(item) {
      const { mac, revealed } = get().editor;
      const key = itemKey(item);
      const known = revealed[key];
      if (known !== undefined) return known;
      if (mac === null) throw new Error('No phone is open in the editor');
      const { value } = await api.call('phones.revealItem', { mac, ...item });
      if (get().editor.mac === mac) patchEditor({ revealed: { ...get().editor.revealed, [key]: value } });
      return value;
    },

    async applyPending() {
      const { mac, pending } = get().editor;
      const changes = Object.values(pending);
      if (mac === null || changes.length === 0) return { kind: 'nothing' };

      const localProblems = changes.filter((change) => checkItem(change, changes));
      if (localProblems.length > 0) return { kind: 'invalid', issues: localProblems.length };

      const items = changes.map(toWpiItem);
      patchEditor({ applying: true, serverIssues: [] });
      try {
        const { issues } = await api.call('items.validate', { mac, items });
        if (issues.length > 0) {
          patchEditor({ serverIssues: issues });
          return { kind: 'invalid', issues: issues.length };
        }
        const jobs = await get().createJobs([mac], 'write-items', items);
        // Keep anything edited again while the request was in flight.
        const sent = new Map(items.map((item) => [itemKey(item), item.value]));
        const stillPending = Object.fromEntries(
          Object.entries(get().editor.pending).filter(([key, change]) => sent.get(key) !== change.value),
        );
        patchEditor({ pending: stillPending });
        return { kind: 'queued', jobs };
      } catch (error) {
        const issues = toApiError(error).issues ?? [];
        if (issues.length === 0) throw error;
        patchEditor({ serverIssues: issues });
        return { kind: 'invalid', issues: issues.length };
      } finally {
        patchEditor({ applying: false });
      }
    },
  };
};
