import { Table, Text } from '@mantine/core';
import { memo } from 'react';
import type { ItemView } from '../../../../shared/model.js';
import { useT } from '../../i18n/index.js';
import type { SingleEntry } from '../../lib/editorModel.js';
import type { ItemOutcome } from '../../lib/itemOutcome.js';
import { ItemControl } from './ItemControl.js';
import { ItemResultBadge } from './ItemResultBadge.js';

interface SingleItemsTableProps {
  entries: SingleEntry[];
  views: ReadonlyMap<string, ItemView>;
  outcomes: ReadonlyMap<string, ItemOutcome>;
  locked: boolean;
}

/** Items without an index: name and meaning, the typed control, the phone's last answer. */
export const SingleItemsTable = memo(function SingleItemsTable({ entries, views, outcomes, locked }: SingleItemsTableProps) {
  const t = useT();
  return (
    <Table fz="sm" verticalSpacing={4} layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="40%">{t('editor.item')}</Table.Th>
          <Table.Th w="35%">{t('editor.value')}</Table.Th>
          <Table.Th>{t('editor.result')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {entries.map(({ name, entry }) => {
          const view = views.get(name);
          return (
            <Table.Tr key={name}>
              <Table.Td>
                <Text ff="monospace" size="sm" truncate>
                  {name}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {entry ? entry.summary : t('editor.notInCatalogue')}
                  {entry?.readOnly && ` · ${t('editor.readOnly')}`}
                  {!view && ` · ${t('editor.notReported')}`}
                </Text>
              </Table.Td>
              <Table.Td>
                <ItemControl item={{ name }} entry={entry} view={view} locked={locked} />
              </Table.Td>
              <Table.Td>
                <ItemResultBadge item={{ name }} outcome={outcomes.get(name)} />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
});
