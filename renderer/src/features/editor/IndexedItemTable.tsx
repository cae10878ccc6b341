import { Button, Group, NumberInput, Stack, Table, Text, Tooltip } from '@mantine/core';
import { memo, useMemo, useState } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import { itemKey } from '../../../../shared/protocol.js';
import { useT } from '../../i18n/index.js';
import { FUNCTION_KEYS_FAMILY, type IndexedFamily } from '../../lib/editorModel.js';
import type { ItemOutcome } from '../../lib/itemOutcome.js';
import { ItemControl } from './ItemControl.js';
import { ItemResultBadge } from './ItemResultBadge.js';

interface IndexedItemTableProps {
  family: IndexedFamily;
  views: ReadonlyMap<string, ItemView>;
  outcomes: ReadonlyMap<string, ItemOutcome>;
  locked: boolean;
}

/** Column width for one item control; the table scrolls sideways when a family is wide. */
const COLUMN_WIDTH = 220;

function AddIndex({ onAdd, testId }: { onAdd(index: number): void; testId: string }) {
  const t = useT();
  const [index, setIndex] = useState<string | number>('');
  const valid = typeof index === 'number' && Number.isInteger(index) && index >= 0;
  return (
    <Group gap="xs">
      <NumberInput
        size="xs"
        w={120}
        min={0}
        allowDecimal={false}
        value={index}
        onChange={setIndex}
        aria-label={t('editor.newIndex')}
        placeholder={t('editor.newIndex')}
        data-testid={`${testId}-input`}
      />
      <Button
        size="xs"
        variant="default"
        disabled={!valid}
        onClick={() => {
          if (valid) onAdd(index);
          setIndex('');
        }}
        data-testid={testId}
      >
        {t('editor.addIndex')}
      </Button>
    </Group>
  );
}

/**
 * Indexed items that belong together, one row per index: for programmable keys the function
 * (function-key-def) and its label sit side by side, as the phone pairs them (item-notes §4).
 */
export const IndexedItemTable = memo(function IndexedItemTable({ family, views, outcomes, locked }: IndexedItemTableProps) {
  const t = useT();
  const [added, setAdded] = useState<number[]>([]);
  const indexes = useMemo(() => [...new Set([...family.indexes, ...added])].sort((a, b) => a - b), [family.indexes, added]);
  const title = family.id === FUNCTION_KEYS_FAMILY ? t('editor.functionKeys') : family.title;
  const firstMember = family.members[0]?.name ?? family.id;

  return (
    <Stack gap={4} data-testid={`family-${firstMember}`}>
      <Text fw={600} size="sm" ff={family.id === FUNCTION_KEYS_FAMILY ? undefined : 'monospace'}>
        {title}
      </Text>
      <Table.ScrollContainer minWidth={80 + family.members.length * COLUMN_WIDTH} type="native">
        <Table fz="sm" verticalSpacing={4} layout="fixed" withColumnBorders>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={80}>{t('editor.index')}</Table.Th>
              {family.members.map(({ name, entry }) => (
                <Table.Th key={name} w={COLUMN_WIDTH}>
                  <Tooltip label={entry?.summary ?? t('editor.notInCatalogue')} multiline w={300} openDelay={400}>
                    <Text ff="monospace" size="xs" fw={600} truncate>
                      {name}
                    </Text>
                  </Tooltip>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {indexes.map((index) => (
              <Table.Tr key={index}>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {index}
                  </Text>
                </Table.Td>
                {family.members.map(({ name, entry }) => {
                  const item = { name, index };
                  const key = itemKey(item);
                  return (
                    <Table.Td key={name}>
                      <Stack gap={2}>
                        <ItemControl item={item} entry={entry} view={views.get(key)} locked={locked} />
                        <ItemResultBadge item={item} outcome={outcomes.get(key)} />
                      </Stack>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!locked && <AddIndex onAdd={(index) => setAdded((list) => [...list, index])} testId={`add-index-${firstMember}`} />}
    </Stack>
  );
});
