import { itemKey } from '../../../../shared/protocol.js';
import { useT } from '../../i18n/index.js';
import { templateVariables } from '../../../../shared/profile-rules.js';
import type { ItemRef, PendingChange } from '../../store/editor.js';
import { useEditorSource } from './editorSource.js';
import { violationText } from './violationText.js';

export interface ItemState {
  key: string;
  pending: PendingChange | undefined;
  revealed: string | undefined;
  /** Local rule violation of the pending value, else the main process's issue, else undefined. */
  problem: string | undefined;
  /** Profiles: the `{{variables}}` of the value, resolved per phone when the profile is applied. */
  variables: string[];
}

/** One item's editing state; subscribes to that item only, so typing re-renders one control. */
export function useItemState(item: ItemRef): ItemState {
  const t = useT();
  const source = useEditorSource();
  const key = itemKey(item);
  const pending = source.useEditor((editor) => editor.pending[key]);
  const revealed = source.useEditor((editor) => editor.revealed[key]);
  const serverIssue = source.useEditor((editor) => editor.serverIssues.find((issue) => itemKey(issue) === key));
  const violation = pending ? source.check(pending) : null;
  const variables = source.acceptsVariables && pending ? templateVariables(pending.value) : [];
  return { key, pending, revealed, problem: violation ? violationText(t, violation) : serverIssue?.message, variables };
}

/** Inverse of `itemKey`: `name#index` back to its parts. */
export function parseItemKey(key: string): ItemRef {
  const hash = key.lastIndexOf('#');
  if (hash === -1) return { name: key };
  const index = Number(key.slice(hash + 1));
  return Number.isInteger(index) ? { name: key.slice(0, hash), index } : { name: key };
}
