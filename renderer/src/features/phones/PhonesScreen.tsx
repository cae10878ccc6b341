import { Group, Stack, TextInput, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { getCoreRowModel, getSortedRowModel, useReactTable, type RowSelectionState, type SortingState } from '@tanstack/react-table';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { VirtualTable } from '../../components/VirtualTable.js';
import { useNow } from '../../hooks/useNow.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { BulkActions } from './BulkActions.js';
import { PhonesEmptyState } from './PhonesEmptyState.js';
import { phoneColumns, phoneMatches } from './phoneColumns.js';

/** Model and name vary most in length; they take whatever width the fixed columns leave. */
const FLEXIBLE_COLUMNS = ['model', 'displayName'];

export function PhonesScreen() {
  const t = useT();
  const language = useLanguage();
  const now = useNow();
  const phones = useAppStore((state) => state.phones);
  const phonesLoaded = useAppStore((state) => state.phonesLoaded);
  const openPhone = useAppStore((state) => state.openPhone);

  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'lastContact', desc: true }]);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus()]]);

  const data = useMemo(() => {
    const needle = deferredQuery.trim().toLowerCase();
    return Object.values(phones).filter((phone) => phoneMatches(phone, needle));
  }, [phones, deferredQuery]);
  const columns = useMemo(() => phoneColumns(t, language, now), [t, language, now]);

  const table = useReactTable({
    data,
    columns,
    state: { sorting, rowSelection },
    getRowId: (phone) => phone.mac,
    onSortingChange: setSorting,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const selectedMacs = Object.keys(rowSelection).filter((mac) => rowSelection[mac] && phones[mac]);

  if (phonesLoaded && Object.keys(phones).length === 0) return <PhonesEmptyState />;

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Title order={3}>{t('phones.title', { count: Object.keys(phones).length })}</Title>
        <TextInput
          ref={searchRef}
          placeholder={t('phones.search')}
          aria-label={t('phones.search')}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          w={320}
          data-testid="phones-search"
        />
      </Group>
      <BulkActions macs={selectedMacs} onDone={() => setRowSelection({})} />
      <VirtualTable
        table={table}
        height="calc(100dvh - 200px)"
        label={t('nav.phones')}
        flexibleColumns={FLEXIBLE_COLUMNS}
        minWidth={1150}
        empty={t('phones.noMatch')}
        getRowProps={(row) => ({
          'data-testid': `phone-row-${row.original.mac}`,
          tabIndex: 0,
          'aria-selected': row.getIsSelected(),
          style: { cursor: 'pointer' },
          onClick: () => openPhone(row.original.mac),
          onKeyDown: (event) => {
            if (event.key === 'Enter') openPhone(row.original.mac);
            if (event.key === ' ') {
              event.preventDefault();
              row.toggleSelected();
            }
          },
        })}
      />
    </Stack>
  );
}
