import { Group, Loader, ScrollArea, Stack, Text } from '@mantine/core';
import { useDeferredValue, useMemo, useState } from 'react';
import { catalogueItem } from '../../../../shared/catalogue.js';
import type { PhoneSummary } from '../../../../shared/model.js';
import { itemKey } from '../../../../shared/protocol.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { buildEditorModel, editorCategoryOf, type EditorCategory } from '../../lib/editorModel.js';
import { checkItemValue } from '../../lib/itemRules.js';
import { useAppStore } from '../../store/context.js';
import { CategoryNav } from './CategoryNav.js';
import { EditorToolbar } from './EditorToolbar.js';
import { ItemGroupView } from './ItemGroupView.js';
import { PendingChangesPanel } from './PendingChangesPanel.js';
import { parseItemKey } from './useItemState.js';
import { useItemOutcomes } from './useItemOutcomes.js';

/**
 * The parameter editor: the phone's items (and on request the catalogue's) by category, typed
 * controls checked as you type, the diff of what will be sent, and the phone's answer per item.
 */
export function ParametersTab({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const items = useAppStore((state) => state.editor.items);
  const loading = useAppStore((state) => state.editor.loading);
  const applying = useAppStore((state) => state.editor.applying);
  // A joined string is a stable selector result: the model is rebuilt when the set of pending
  // items changes, not on every keystroke inside one of them.
  const pendingKeys = useAppStore((state) => Object.keys(state.editor.pending).sort().join('\n'));
  const hasLocalProblems = useAppStore((state) =>
    Object.values(state.editor.pending).some((change) => checkItemValue(catalogueItem(change.name), change.value) !== null),
  );
  const applyPending = useAppStore((state) => state.applyPending);
  const discardAllPending = useAppStore((state) => state.discardAllPending);
  const reloadEditorItems = useAppStore((state) => state.reloadEditorItems);
  const notify = useAppStore((state) => state.notify);

  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [includeCatalogue, setIncludeCatalogue] = useState(false);
  const [chosenCategory, setChosenCategory] = useState<EditorCategory | null>(null);
  const outcomes = useItemOutcomes(phone.mac);
  const locked = phone.adoption === 'quarantined';

  const pendingRefs = useMemo(() => (pendingKeys === '' ? [] : pendingKeys.split('\n').map(parseItemKey)), [pendingKeys]);
  const groups = useMemo(
    () => buildEditorModel({ items, pending: pendingRefs, includeCatalogue, query: deferredQuery }),
    [items, pendingRefs, includeCatalogue, deferredQuery],
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

  const apply = useAsyncAction(async () => {
    const outcome = await applyPending();
    if (outcome.kind === 'queued') notify({ tone: 'success', message: 'notice.writeQueued', params: { mac: phone.mac } });
    if (outcome.kind === 'invalid') notify({ tone: 'error', message: 'notice.invalidChanges', params: { count: outcome.issues } });
  }, 'notice.applyFailed');
  const reload = useAsyncAction(reloadEditorItems, 'notice.loadFailed');

  const searching = deferredQuery.trim() !== '';
  const active = groups.some((group) => group.category === chosenCategory) ? chosenCategory : (groups[0]?.category ?? null);
  const shownGroups = searching ? groups : groups.filter((group) => group.category === active);
  const applyBlockedBy = locked ? t('editor.lockedQuarantined') : hasLocalProblems ? t('editor.fixProblems') : null;

  return (
    <Stack gap="sm">
      <EditorToolbar
        query={query}
        onQueryChange={setQuery}
        includeCatalogue={includeCatalogue}
        onIncludeCatalogueChange={setIncludeCatalogue}
        pendingCount={pendingRefs.length}
        applyBlockedBy={applyBlockedBy}
        applying={applying}
        reloading={reload.busy}
        onApply={() => void apply.run()}
        onDiscardAll={discardAllPending}
        onReload={() => void reload.run()}
      />
      {locked && (
        <Text size="sm" c="orange">
          {t('editor.lockedQuarantined')}
        </Text>
      )}
      <PendingChangesPanel />
      {loading && items.length === 0 ? (
        <Loader size="sm" />
      ) : groups.length === 0 ? (
        <Text c="dimmed" data-testid="editor-empty">
          {searching ? t('editor.noMatch') : t('editor.noItems')}
        </Text>
      ) : (
        <Group align="flex-start" wrap="nowrap" gap="md">
          {!searching && (
            <CategoryNav groups={groups} active={active} pendingByCategory={pendingByCategory} onSelect={setChosenCategory} />
          )}
          <ScrollArea.Autosize mah="calc(100dvh - 260px)" style={{ flex: 1, minWidth: 0 }} type="auto">
            <Stack gap="lg" pr="sm">
              {shownGroups.map((group) => (
                <ItemGroupView key={group.category} group={group} views={views} outcomes={outcomes} locked={locked} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Group>
      )}
    </Stack>
  );
}
