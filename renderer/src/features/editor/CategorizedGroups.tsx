import { Group, ScrollArea, Stack } from '@mantine/core';
import { useState } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import type { EditorCategory, EditorGroup } from '../../lib/editorModel.js';
import type { ItemOutcome } from '../../lib/itemOutcome.js';
import { CategoryNav } from './CategoryNav.js';
import { ItemGroupView } from './ItemGroupView.js';

interface CategorizedGroupsProps {
  groups: EditorGroup[];
  /** While searching, every matching group is shown and the category list is hidden. */
  searching: boolean;
  pendingByCategory: ReadonlyMap<EditorCategory, number>;
  views: ReadonlyMap<string, ItemView>;
  outcomes: ReadonlyMap<string, ItemOutcome>;
  locked: boolean;
  maxHeight: string;
}

/** The editor's body, for a phone and a profile alike: categories on the left, the chosen one's items beside them. */
export function CategorizedGroups({ groups, searching, pendingByCategory, views, outcomes, locked, maxHeight }: CategorizedGroupsProps) {
  const [chosenCategory, setChosenCategory] = useState<EditorCategory | null>(null);
  const active = groups.some((group) => group.category === chosenCategory) ? chosenCategory : (groups[0]?.category ?? null);
  const shownGroups = searching ? groups : groups.filter((group) => group.category === active);
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      {!searching && <CategoryNav groups={groups} active={active} pendingByCategory={pendingByCategory} onSelect={setChosenCategory} />}
      <ScrollArea.Autosize mah={maxHeight} style={{ flex: 1, minWidth: 0 }} type="auto">
        <Stack gap="lg" pr="sm">
          {shownGroups.map((group) => (
            <ItemGroupView key={group.category} group={group} views={views} outcomes={outcomes} locked={locked} />
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Group>
  );
}
