import { Button, Group, Text } from '@mantine/core';
import { useT } from '../../i18n/index.js';
import { EditorSearch } from './EditorSearch.js';

interface EditorToolbarProps {
  query: string;
  onQueryChange(query: string): void;
  includeCatalogue: boolean;
  onIncludeCatalogueChange(include: boolean): void;
  pendingCount: number;
  /** Why Apply is not possible right now, if it is not. */
  applyBlockedBy: string | null;
  applying: boolean;
  reloading: boolean;
  onApply(): void;
  onDiscardAll(): void;
  onReload(): void;
}

export function EditorToolbar(props: EditorToolbarProps) {
  const t = useT();
  const { pendingCount, applyBlockedBy } = props;
  return (
    <Group justify="space-between">
      <EditorSearch
        query={props.query}
        onQueryChange={props.onQueryChange}
        includeCatalogue={props.includeCatalogue}
        onIncludeCatalogueChange={props.onIncludeCatalogueChange}
        catalogueLabel={t('editor.showCatalogue')}
      />
      <Group gap="xs">
        <Button size="xs" variant="subtle" onClick={props.onReload} loading={props.reloading} data-testid="editor-reload">
          {t('editor.reload')}
        </Button>
        <Button size="xs" variant="default" disabled={pendingCount === 0} onClick={props.onDiscardAll} data-testid="discard-all">
          {t('editor.discardAll')}
        </Button>
        {pendingCount > 0 && applyBlockedBy !== null && (
          <Text size="xs" c="red" data-testid="apply-blocked">
            {applyBlockedBy}
          </Text>
        )}
        <Button
          size="xs"
          disabled={pendingCount === 0 || applyBlockedBy !== null}
          loading={props.applying}
          onClick={props.onApply}
          data-testid="apply-changes"
        >
          {t('editor.apply', { count: pendingCount })}
        </Button>
      </Group>
    </Group>
  );
}
