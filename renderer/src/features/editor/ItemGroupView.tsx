import { Stack, Title } from '@mantine/core';
import { memo } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import { useT } from '../../i18n/index.js';
import type { EditorGroup } from '../../lib/editorModel.js';
import type { ItemOutcome } from '../../lib/itemOutcome.js';
import { IndexedItemTable } from './IndexedItemTable.js';
import { SingleItemsTable } from './SingleItemsTable.js';

interface ItemGroupViewProps {
  group: EditorGroup;
  views: ReadonlyMap<string, ItemView>;
  outcomes: ReadonlyMap<string, ItemOutcome>;
  locked: boolean;
}

/** One catalogue category: its single items first, then its index tables. */
export const ItemGroupView = memo(function ItemGroupView({ group, views, outcomes, locked }: ItemGroupViewProps) {
  const t = useT();
  return (
    <Stack gap="sm" data-testid={`group-${group.category}`}>
      <Title order={5}>{t(`category.${group.category}`)}</Title>
      {group.singles.length > 0 && <SingleItemsTable entries={group.singles} views={views} outcomes={outcomes} locked={locked} />}
      {group.families.map((family) => (
        <IndexedItemTable key={family.id} family={family} views={views} outcomes={outcomes} locked={locked} />
      ))}
    </Stack>
  );
});
