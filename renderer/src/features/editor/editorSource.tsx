import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { checkItem, type ItemToCheck, type ItemViolation } from '../../../../shared/item-rules.js';
import { useAppStore } from '../../store/context.js';
import type { EditorState, ItemRef } from '../../store/editor.js';

/**
 * Where the catalogue-driven editor reads and writes its values. A phone's parameters use the
 * app store's editor; a profile has its own values and lets `{{variables}}` stand for per-phone text.
 */
export interface EditorSource {
  /** Selects from the editing state; return stable values, as with any zustand selector. */
  useEditor<T>(select: (editor: EditorState) => T): T;
  setPendingValue(item: ItemRef, value: string): void;
  discardPending(key: string): void;
  revealItem(item: ItemRef): Promise<string>;
  /** The rule a value breaks, if any. */
  check(item: ItemToCheck, together?: readonly ItemToCheck[]): ItemViolation | null;
  /** Profiles: values may hold `{{variables}}`, so controls also take free text. */
  acceptsVariables: boolean;
}

const EditorSourceContext = createContext<EditorSource | null>(null);

export function EditorSourceProvider({ source, children }: { source: EditorSource; children: ReactNode }) {
  return <EditorSourceContext.Provider value={source}>{children}</EditorSourceContext.Provider>;
}

/** The provided source, else the phone editor of the app store. */
export function useEditorSource(): EditorSource {
  const provided = useContext(EditorSourceContext);
  const setPendingValue = useAppStore((s) => s.setPendingValue);
  const discardPending = useAppStore((s) => s.discardPending);
  const revealItem = useAppStore((s) => s.revealItem);
  const phone = useMemo<EditorSource>(
    () => ({ useEditor: usePhoneEditor, setPendingValue, discardPending, revealItem, check: checkItem, acceptsVariables: false }),
    [setPendingValue, discardPending, revealItem],
  );
  return provided ?? phone;
}

function usePhoneEditor<T>(select: (editor: EditorState) => T): T {
  return useAppStore((state) => select(state.editor));
}
