import { Alert, Autocomplete, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useDeferredValue, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { checkProfileItem } from '../../../../shared/profile-rules.js';
import type { ProfileView } from '../../../../shared/rollout.js';
import { toApiError } from '../../api/errors.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import type { EditorState } from '../../store/editor.js';
import { CategorizedGroups } from '../editor/CategorizedGroups.js';
import { EditorSearch } from '../editor/EditorSearch.js';
import { EditorSourceProvider, type EditorSource } from '../editor/editorSource.js';
import { PendingChangesPanel } from '../editor/PendingChangesPanel.js';
import { useEditorGroups } from '../editor/useEditorGroups.js';
import { createProfileEditorStore, type ProfileEditorStore } from './profileEditorStore.js';

const NO_VIEWS = new Map();
const NO_OUTCOMES = new Map();

/**
 * A profile built in the phone's own editor (the same catalogue-driven controls): name, target
 * model, items including indexed ones such as keys, values with `{{variables}}`; saved with
 * `profiles.save`, whose per-item refusals are shown next to the item.
 */
export function ProfileEditor({ profile, onDone }: { profile: ProfileView | null; onDone(saved: ProfileView | null): void }) {
  const [store] = useState(() => createProfileEditorStore(profile));
  const source = useMemo(() => profileSource(store), [store]);
  return (
    <EditorSourceProvider source={source}>
      <ProfileForm profile={profile} store={store} onDone={onDone} />
    </EditorSourceProvider>
  );
}

function profileSource(store: ProfileEditorStore): EditorSource {
  return {
    useEditor: function useProfileEditor<T>(select: (editor: EditorState) => T): T {
      return useStore(store, select);
    },
    setPendingValue: store.setValue,
    discardPending: store.remove,
    // A profile's values are the technician's own, held here: nothing to fetch from a phone.
    revealItem: async (item) => store.items().find((i) => i.name === item.name && i.index === item.index)?.value ?? '',
    check: checkProfileItem,
    acceptsVariables: true,
  };
}

function ProfileForm({
  profile,
  store,
  onDone,
}: {
  profile: ProfileView | null;
  store: ProfileEditorStore;
  onDone(saved: ProfileView | null): void;
}) {
  const t = useT();
  const saveProfile = useAppStore((s) => s.saveProfile);
  const phones = useAppStore((s) => s.phones);
  const [name, setName] = useState(profile?.name ?? '');
  const [model, setModel] = useState(profile?.model ?? '');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  // A new profile has no items yet: the catalogue is where they come from.
  const [includeCatalogue, setIncludeCatalogue] = useState(profile === null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const { groups, pendingCount, pendingByCategory, hasLocalProblems } = useEditorGroups(deferredQuery, includeCatalogue);
  const models = useMemo(() => [...new Set(Object.values(phones).flatMap((p) => (p.model ? [p.model] : [])))].sort(), [phones]);

  const save = useAsyncAction(async () => {
    setRefusal(null);
    try {
      const saved = await saveProfile({
        ...(profile ? { id: profile.id } : {}),
        name: name.trim(),
        model: model.trim() || null,
        items: store.items(),
      });
      onDone(saved);
    } catch (error) {
      const apiError = toApiError(error);
      if (!apiError.issues?.length) throw error;
      store.setIssues(apiError.issues);
      setRefusal(t('profile.refused', { count: apiError.issues.length }));
    }
  }, 'profile.saveFailed');

  const searching = deferredQuery.trim() !== '';
  const blockedBy = !name.trim() ? t('profile.needsName') : hasLocalProblems ? t('editor.fixProblems') : null;

  return (
    <Stack gap="sm" data-testid="profile-editor">
      <Group align="flex-end">
        <TextInput
          label={t('rollout.profileName')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          data-testid="profile-name"
        />
        <Autocomplete
          label={t('profile.model')}
          description={t('profile.modelHint')}
          placeholder={t('rollout.anyModel')}
          data={models}
          value={model}
          onChange={setModel}
          data-testid="profile-model"
        />
      </Group>
      <Text size="xs" c="dimmed">
        {t('rollout.variablesHint')}
      </Text>
      <Group justify="space-between">
        <EditorSearch
          query={query}
          onQueryChange={setQuery}
          includeCatalogue={includeCatalogue}
          onIncludeCatalogueChange={setIncludeCatalogue}
          catalogueLabel={t('profile.showCatalogue')}
        />
        <Group gap="xs">
          {blockedBy && (
            <Text size="xs" c="red" data-testid="profile-blocked">
              {blockedBy}
            </Text>
          )}
          <Button size="xs" variant="default" onClick={() => onDone(null)}>
            {t('common.cancel')}
          </Button>
          <Button size="xs" disabled={blockedBy !== null} loading={save.busy} onClick={() => void save.run()} data-testid="profile-save">
            {t('profile.save', { count: pendingCount })}
          </Button>
        </Group>
      </Group>
      {refusal && (
        <Alert color="red" data-testid="profile-refused">
          {refusal}
        </Alert>
      )}
      <PendingChangesPanel ofProfile />
      {groups.length === 0 ? (
        <Text c="dimmed" size="sm">
          {searching ? t('editor.noMatch') : t('profile.empty')}
        </Text>
      ) : (
        <CategorizedGroups
          groups={groups}
          searching={searching}
          pendingByCategory={pendingByCategory}
          views={NO_VIEWS}
          outcomes={NO_OUTCOMES}
          locked={false}
          maxHeight="60dvh"
        />
      )}
    </Stack>
  );
}
