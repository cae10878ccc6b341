import { Badge, Text } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import { selectionColumn } from '../../components/selectionColumn.js';
import type { RolloutRowView, RolloutState } from '../../../../shared/rollout.js';
import type { Language, MessageKey, Translate } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { RowAssignment } from './RowAssignment.js';

const column = createColumnHelper<RolloutRowView>();

export const STATE_COLORS: Record<RolloutState, string> = {
  unassigned: 'gray',
  'not-seen': 'gray',
  'waiting-adoption': 'orange',
  provisioning: 'blue',
  done: 'green',
  attention: 'red',
};

const MONOSPACE = { fontFamily: 'var(--mantine-font-family-monospace)' } as const;

export function rolloutColumns(t: Translate, language: Language) {
  return [
    selectionColumn(column, {
      all: t('phones.selectAll'),
      row: (row) => t('rollout.selectRow', { line: row.line }),
      allTestId: 'rollout-select-all',
      rowTestId: (row) => `rollout-select-${row.line}`,
    }),
    column.accessor('line', { header: t('rollout.line'), size: 70 }),
    column.accessor((row) => row.mac ?? '', {
      id: 'mac',
      header: 'MAC',
      size: 150,
      cell: (c) => <span style={MONOSPACE}>{c.getValue() || '—'}</span>,
    }),
    column.accessor('extension', { header: t('rollout.extension'), size: 110 }),
    column.accessor('displayName', { header: t('rollout.name') }),
    column.accessor('state', {
      header: t('rollout.stateColumn'),
      size: 260,
      cell: ({ row }) => (
        <>
          <Badge size="sm" variant="light" tt="none" color={STATE_COLORS[row.original.state]}>
            {t(`rollout.state.${row.original.state}` as MessageKey)}
          </Badge>
          {row.original.reason && (
            <Text span size="xs" c="dimmed" ml={6} title={row.original.reason}>
              {row.original.reason}
            </Text>
          )}
        </>
      ),
    }),
    column.accessor('updatedAt', { header: t('rollout.changed'), size: 170, cell: (c) => formatDateTime(c.getValue(), language) }),
    column.display({ id: 'assign', size: 230, cell: ({ row }) => <RowAssignment row={row.original} /> }),
  ];
}
