import { getCoreRowModel, getSortedRowModel, useReactTable, type RowSelectionState, type SortingState } from '@tanstack/react-table';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { RolloutRowView, RolloutState } from '../../../../shared/rollout.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { rolloutColumns } from './rolloutColumns.js';
import { filterRolloutRows } from './rolloutFilter.js';

const FLEXIBLE_COLUMNS = ['displayName'];
/** Row and header height of the shared VirtualTable: a short list gets a short box. */
const ROW_PX = 36;
const HEADER_PX = 48;

interface RolloutTableProps {
  rows: RolloutRowView[];
  filter: RolloutState | 'all';
  query: string;
  /** The MACs of the selected rows whose phone is known (what a profile can be applied to). */
  onSelectedMacs(macs: string[]): void;
}

/** Every row of the list, virtualised like the phones table: a site of 1,000 scrolls and filters at once. */
export function RolloutTable({ rows, filter, query, onSelectedMacs }: RolloutTableProps) {
  const t = useT();
  const language = useLanguage();
  const phones = useAppStore((state) => state.phones);
  const deferredQuery = useDeferredValue(query);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'line', desc: false }]);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const data = useMemo(() => filterRolloutRows(rows, filter, deferredQuery), [rows, filter, deferredQuery]);
  const columns = useMemo(() => rolloutColumns(t, language), [t, language]);
  const table = useReactTable({
    data,
    columns,
    state: { sorting, rowSelection },
    getRowId: (row) => row.id,
    enableRowSelection: (row) => row.original.mac !== null && phones[row.original.mac] !== undefined,
    onSortingChange: setSorting,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });

  const selectedMacs = useMemo(
    () => rows.filter((row) => rowSelection[row.id] && row.mac && phones[row.mac]).map((row) => row.mac as string),
    [rows, rowSelection, phones],
  );
  useEffect(() => onSelectedMacs(selectedMacs), [selectedMacs, onSelectedMacs]);

  return (
    <div data-testid="rollout-rows-table">
      <VirtualTable
        table={table}
        height={`min(70dvh, ${HEADER_PX + Math.max(data.length, 3) * ROW_PX}px)`}
        label={t('rollout.rows')}
        flexibleColumns={FLEXIBLE_COLUMNS}
        minWidth={1100}
        empty={t('rollout.noMatch')}
        getRowProps={(row) => ({ 'data-testid': `rollout-row-${row.original.line}`, 'data-state': row.original.state })}
      />
    </div>
  );
}
