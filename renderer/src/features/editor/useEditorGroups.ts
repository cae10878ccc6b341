import { useMemo } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import { itemKey } from '../../../../shared/protocol.js';
import { buildEditorModel, editorCategoryOf, type EditorCategory, type EditorGroup } from '../../lib/editorModel.js';
import { checkItem } from '../../../../shared/item-rules.js';
import { useAppStore } from '../../store/context.js';
import { parseItemKey } from './useItemState.js';

export interface EditorGroups {
  groups: EditorGroup[];
  /** The phone's items by `itemKey`. */
  views: ReadonlyMap<string, ItemView>;
  pendingCount: number;
  pendingByCategory: ReadonlyMap<EditorCategory, number>;
  /** Some pending value breaks a catalogue rule, so Apply must wait. */
  hasLocalProblems: boolean;
}

/** The editor's view of the store: groups to show, items by key, and what is pending where. */
export function useEditorGroups(query: string, includeCatalogue: boolean): EditorGroups {
  const items = useAppStore((state) => state.editor.items);
  // A joined string is a stable selector result: the groups are rebuilt when the set of pending
  // items changes, not on every keystroke inside one of them.
  const pendingKeys = useAppStore((state) => Object.keys(state.editor.pending).sort().join('\n'));
  const hasLocalProblems = useAppStore((state) =>
    Object.values(state.editor.pending).some((change, _, all) => checkItem(change, all) !== null),
  );

  const pendingRefs = useMemo(() => (pendingKeys === '' ? [] : pendingKeys.split('\n').map(parseItemKey)), [pendingKeys]);
  const groups = useMemo(
    () => buildEditorModel({ items, pending: pendingRefs, includeCatalogue, query }),
    [items, pendingRefs, includeCatalogue, query],
  );
  const views = useMemo(() => new Map(items.map((item) => [itemKey(item), item])), [items]);
  const pendingByCategory = useMemo(() => {
    const counts = new Map<EditorCategory, number>();
    for (const ref of pendingRefs) {
      const category = editorCategoryOf(ref.name);
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    return counts;
  }, [pendingRefs]);

  return { groups, views, pendingCount: pendingRefs.length, pendingByCategory, hasLocalProblems };
}
