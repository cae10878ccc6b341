import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ValidationIssue } from '../../../../shared/model.js';
import { itemKey, type WpiItem } from '../../../../shared/protocol.js';
import type { ProfileView } from '../../../../shared/rollout.js';
import type { EditorState, ItemRef, PendingChange } from '../../store/editor.js';

/**
 * A profile's values in the editor's own shape: every item of the profile is a "pending" value
 * (there is no phone whose current value it replaces), so the phone editor's controls work unchanged.
 */
export type ProfileEditorStore = StoreApi<EditorState> & {
  setValue(item: ItemRef, value: string): void;
  remove(key: string): void;
  setIssues(issues: ValidationIssue[]): void;
  items(): WpiItem[];
};

export function createProfileEditorStore(profile: ProfileView | null): ProfileEditorStore {
  const pending: Record<string, PendingChange> = {};
  for (const item of profile?.items ?? [])
    pending[itemKey(item)] = { name: item.name, index: item.index, value: item.value, original: item.value };
  const store = createStore<EditorState>(() => ({
    mac: null,
    items: [],
    loading: false,
    pending,
    revealed: {},
    serverIssues: [],
    applying: false,
  }));
  const withoutIssue = (key: string) => store.getState().serverIssues.filter((issue) => itemKey(issue) !== key);
  return Object.assign(store, {
    setValue(item: ItemRef, value: string) {
      const key = itemKey(item);
      const current = store.getState().pending;
      const change = { name: item.name, index: item.index, value, original: current[key]?.original ?? '' };
      store.setState({ pending: { ...current, [key]: change }, serverIssues: withoutIssue(key) });
    },
    remove(key: string) {
      const rest = { ...store.getState().pending };
      delete rest[key];
      store.setState({ pending: rest, serverIssues: withoutIssue(key) });
    },
    setIssues(issues: ValidationIssue[]) {
      store.setState({ serverIssues: issues });
    },
    items(): WpiItem[] {
      return Object.values(store.getState().pending).map(({ name, index, value }) =>
        index === undefined ? { name, value } : { name, index, value },
      );
    },
  });
}
