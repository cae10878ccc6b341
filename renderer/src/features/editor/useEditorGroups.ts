import { useMemo } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import { itemKey } from '../../../../shared/protocol.js';
import { buildEditorModel, editorCategoryOf, type EditorCategory, type EditorGroup } from '../../lib/editorModel.js';
import { useEditorSource } from './editorSource.js';
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
  const source = useEditorSource();
  const items = source.useEditor((editor) => editor.items);
  // A joined string is a stable selector result: the groups are rebuilt when the set of pending
  // items changes, not on every keystroke inside one of them.
  const pendingKeys = source.useEditor((editor) => Object.keys(editor.pending).sort().join('\n'));
  const hasLocalProblems = source.useEditor((editor) =>
    Object.values(editor.pending).some((change, _, all) => source.check(change, all) !== null),
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
