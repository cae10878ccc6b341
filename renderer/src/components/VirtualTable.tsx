import { Table, Text, UnstyledButton } from '@mantine/core';
import { flexRender, type Header, type Row, type Table as TanstackTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type HTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';

/** Dense rows; fixed height keeps virtualisation exact without measuring every row. */
const ROW_HEIGHT = 36;

type RowProps = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

interface VirtualTableProps<T> {
  table: TanstackTable<T>;
  /** CSS height of the scrolling area, e.g. `calc(100dvh - 220px)`. */
  height: string;
  getRowProps?: (row: Row<T>) => RowProps;
  empty?: ReactNode;
  label: string;
  /** Columns (by id) that take the width left over; all others keep their `size`. */
  flexibleColumns?: readonly string[];
  /** Below this width the table scrolls sideways instead of squeezing the flexible columns. */
  minWidth?: number;
}

const SORT_MARKS = { asc: ' ▲', desc: ' ▼' } as const;

function HeaderCell<T>({ header, flexible }: { header: Header<T, unknown>; flexible: boolean }) {
  const sorted = header.column.getIsSorted();
  const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
  return (
    <Table.Th
      // Flexible columns get no width and share what the sized ones leave.
      style={{ width: flexible ? undefined : header.getSize() }}
      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
    >
      {header.column.getCanSort() ? (
        <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
          {content}
          {sorted ? SORT_MARKS[sorted] : ''}
        </UnstyledButton>
      ) : (
        content
      )}
    </Table.Th>
  );
}

/**
 * A TanStack table whose body only renders the rows in view (padding rows keep the scroll height),
 * so a site with a thousand phones scrolls as smoothly as one with ten. Arrow keys move between rows.
 */
export function VirtualTable<T>({ table, height, getRowProps, empty, label, flexibleColumns = [], minWidth }: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const columnCount = table.getVisibleLeafColumns().length;

  const moveFocus = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const current = (event.target as HTMLElement).closest('tr')?.dataset.index;
    if (current === undefined) return;
    event.preventDefault();
    const next = Math.min(Math.max(Number(current) + (event.key === 'ArrowDown' ? 1 : -1), 0), rows.length - 1);
    virtualizer.scrollToIndex(next);
    const rowAt = () => scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${next}"]`);
    // Overscan rows already exist: focus at once, so a held-down arrow key never lags behind.
    // Only a row beyond them appears after the virtualiser re-renders.
    const row = rowAt();
    if (row) row.focus();
    else requestAnimationFrame(() => rowAt()?.focus());
  };

  return (
    <div ref={scrollRef} style={{ height, overflow: 'auto' }}>
      <Table stickyHeader layout="fixed" highlightOnHover verticalSpacing={6} fz="sm" aria-label={label} miw={minWidth}>
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} flexible={flexibleColumns.includes(header.column.id)} />
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody onKeyDown={moveFocus}>
          {rows.length === 0 && empty && (
            <Table.Tr>
              <Table.Td colSpan={columnCount}>{typeof empty === 'string' ? <Text c="dimmed">{empty}</Text> : empty}</Table.Td>
            </Table.Tr>
          )}
          {paddingTop > 0 && <tr style={{ height: paddingTop }} aria-hidden />}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const rowProps = getRowProps?.(row);
            return (
              <Table.Tr key={row.id} data-index={item.index} {...rowProps} style={{ height: ROW_HEIGHT, ...rowProps?.style }}>
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
          {paddingBottom > 0 && <tr style={{ height: paddingBottom }} aria-hidden />}
        </Table.Tbody>
      </Table>
    </div>
  );
}
