import { Group, Switch, TextInput } from '@mantine/core';
import { useT } from '../../i18n/index.js';

interface EditorSearchProps {
  query: string;
  onQueryChange(query: string): void;
  includeCatalogue: boolean;
  onIncludeCatalogueChange(include: boolean): void;
  /** The switch's label: a phone shows "items it does not report", a profile "every catalogue item". */
  catalogueLabel: string;
}

/** The editor's search field and its "show the whole catalogue" switch, for a phone and a profile alike. */
export function EditorSearch(props: EditorSearchProps) {
  const t = useT();
  return (
    <Group gap="sm">
      <TextInput
        size="xs"
        w={280}
        placeholder={t('editor.search')}
        aria-label={t('editor.search')}
        value={props.query}
        onChange={(event) => props.onQueryChange(event.currentTarget.value)}
        data-testid="editor-search"
      />
      <Switch
        size="xs"
        label={props.catalogueLabel}
        checked={props.includeCatalogue}
        onChange={(event) => props.onIncludeCatalogueChange(event.currentTarget.checked)}
        data-testid="editor-show-catalogue"
      />
    </Group>
  );
}
