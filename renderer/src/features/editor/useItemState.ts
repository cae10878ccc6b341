import { itemKey } from '../../../../shared/protocol.js';
import { useT } from '../../i18n/index.js';
import { checkItem } from '../../../../shared/item-rules.js';
import { useAppStore } from '../../store/context.js';
import type { ItemRef, PendingChange } from '../../store/editor.js';
import { violationText } from './violationText.js';

export interface ItemState {
  key: string;
  pending: PendingChange | undefined;
  revealed: string | undefined;
  /** Local rule violation of the pending value, else the main process's issue, else undefined. */
  problem: string | undefined;
}

/** One item's editing state; subscribes to that item only, so typing re-renders one control. */
export function useItemState(item: ItemRef): ItemState {
  const t = useT();
  const key = itemKey(item);
  const pending = useAppStore((state) => state.editor.pending[key]);
  const revealed = useAppStore((state) => state.editor.revealed[key]);
  const serverIssue = useAppStore((state) => state.editor.serverIssues.find((issue) => itemKey(issue) === key));
  const violation = pending ? checkItem(pending) : null;
  return { key, pending, revealed, problem: violation ? violationText(t, violation) : serverIssue?.message };
}

/** Inverse of `itemKey`: `name#index` back to its parts. */
export function parseItemKey(key: string): ItemRef {
  const hash = key.lastIndexOf('#');
  if (hash === -1) return { name: key };
  const index = Number(key.slice(hash + 1));
  return Number.isInteger(index) ? { name: key.slice(0, hash), index } : { name: key };
}
