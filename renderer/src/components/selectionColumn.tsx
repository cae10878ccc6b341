import { Checkbox } from '@mantine/core';
import type { ColumnHelper, DisplayColumnDef } from '@tanstack/react-table';

interface SelectionLabels<Row> {
  all: string;
  row: (row: Row) => string;
  allTestId: string;
  rowTestId: (row: Row) => string;
}

/** The tick-box column of a selectable table: select all in the header, one per row. */
export function selectionColumn<Row>(column: ColumnHelper<Row>, labels: SelectionLabels<Row>): DisplayColumnDef<Row, unknown> {
  return column.display({
    id: 'select',
    size: 40,
    header: ({ table }) => (
      <Checkbox
        aria-label={labels.all}
        checked={table.getIsAllRowsSelected()}
        indeterminate={table.getIsSomeRowsSelected()}
        onChange={table.getToggleAllRowsSelectedHandler()}
        data-testid={labels.allTestId}
      />
    ),
    cell: ({ row }) => (
      <Checkbox
        aria-label={labels.row(row.original)}
        checked={row.getIsSelected()}
        disabled={!row.getCanSelect()}
        onChange={row.getToggleSelectedHandler()}
        // A click on the row may open it; ticking the box must not.
        onClick={(event) => event.stopPropagation()}
        data-testid={labels.rowTestId(row.original)}
      />
    ),
  });
}
