import { Loader, Stack, Text } from '@mantine/core';
import { useDeferredValue, useState } from 'react';
import type { PhoneSummary } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { CategorizedGroups } from './CategorizedGroups.js';
import { EditorToolbar } from './EditorToolbar.js';
import { PendingChangesPanel } from './PendingChangesPanel.js';
import { useEditorGroups } from './useEditorGroups.js';
import { useItemOutcomes } from './useItemOutcomes.js';

/**
 * The parameter editor: the phone's items (and on request the catalogue's) by category, typed
 * controls checked as you type, the diff of what will be sent, and the phone's answer per item.
 */
export function ParametersTab({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const hasItems = useAppStore((state) => state.editor.items.length > 0);
  const loading = useAppStore((state) => state.editor.loading);
  const applying = useAppStore((state) => state.editor.applying);
  const applyPending = useAppStore((state) => state.applyPending);
  const discardAllPending = useAppStore((state) => state.discardAllPending);
  const reloadEditorItems = useAppStore((state) => state.reloadEditorItems);
  const notify = useAppStore((state) => state.notify);

  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [includeCatalogue, setIncludeCatalogue] = useState(false);
  const { groups, views, pendingCount, pendingByCategory, hasLocalProblems } = useEditorGroups(deferredQuery, includeCatalogue);
  const outcomes = useItemOutcomes(phone.mac);
  const locked = phone.adoption === 'quarantined';

  const apply = useAsyncAction(async () => {
    const outcome = await applyPending();
    if (outcome.kind === 'queued') notify({ tone: 'success', message: 'notice.writeQueued', params: { mac: phone.mac } });
    if (outcome.kind === 'invalid') notify({ tone: 'error', message: 'notice.invalidChanges', params: { count: outcome.issues } });
  }, 'notice.applyFailed');
  const reload = useAsyncAction(reloadEditorItems, 'notice.loadFailed');

  const searching = deferredQuery.trim() !== '';
  const applyBlockedBy = locked ? t('editor.lockedQuarantined') : hasLocalProblems ? t('editor.fixProblems') : null;

  return (
    <Stack gap="sm">
      <EditorToolbar
        query={query}
        onQueryChange={setQuery}
        includeCatalogue={includeCatalogue}
        onIncludeCatalogueChange={setIncludeCatalogue}
        pendingCount={pendingCount}
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
      {loading && !hasItems ? (
        <Loader size="sm" />
      ) : groups.length === 0 ? (
        <Text c="dimmed" data-testid="editor-empty">
          {searching ? t('editor.noMatch') : t('editor.noItems')}
        </Text>
      ) : (
        <CategorizedGroups
          groups={groups}
          searching={searching}
          pendingByCategory={pendingByCategory}
          views={views}
          outcomes={outcomes}
          locked={locked}
          maxHeight="calc(100dvh - 260px)"
        />
      )}
    </Stack>
  );
}
