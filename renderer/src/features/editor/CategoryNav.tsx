import { Badge, NavLink, Stack } from '@mantine/core';
import { useT } from '../../i18n/index.js';
import type { EditorCategory, EditorGroup } from '../../lib/editorModel.js';

interface CategoryNavProps {
  groups: EditorGroup[];
  active: EditorCategory | null;
  pendingByCategory: ReadonlyMap<EditorCategory, number>;
  onSelect(category: EditorCategory): void;
}

function itemCount(group: EditorGroup): number {
  return group.singles.length + group.families.reduce((sum, family) => sum + family.members.length, 0);
}

/** Category list beside the editor; a dot shows where unapplied changes are. */
export function CategoryNav({ groups, active, pendingByCategory, onSelect }: CategoryNavProps) {
  const t = useT();
  return (
    <Stack gap={0} w={220} style={{ flexShrink: 0 }}>
      {groups.map((group) => {
        const pending = pendingByCategory.get(group.category) ?? 0;
        return (
          <NavLink
            key={group.category}
            label={t(`category.${group.category}`)}
            active={group.category === active}
            onClick={() => onSelect(group.category)}
            data-testid={`category-${group.category}`}
            rightSection={
              <Badge size="xs" variant={pending > 0 ? 'filled' : 'light'} color={pending > 0 ? 'blue' : 'gray'}>
                {pending > 0 ? `${pending} / ${itemCount(group)}` : itemCount(group)}
              </Badge>
            }
          />
        );
      })}
    </Stack>
  );
}
