import { createColumnHelper } from '@tanstack/react-table';
import { selectionColumn } from '../../components/selectionColumn.js';
import type { PhoneSummary } from '../../../../shared/model.js';
import {
  AdoptionBadge,
  IdentityChangedBadge,
  NotSeenBadge,
  JobStateBadge,
  TracingBadge,
  SecureModeBadge,
} from '../../components/badges.js';
import type { Language, Translate } from '../../i18n/index.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';

const column = createColumnHelper<PhoneSummary>();

const MONOSPACE = { fontFamily: 'var(--mantine-font-family-monospace)' } as const;

/** Sort empty cells as empty strings: TanStack only special-cases `undefined`, not `null`. */
const text = (value: string | null) => value ?? '';

export function phoneColumns(t: Translate, language: Language, now: number) {
  return [
    selectionColumn(column, {
      all: t('phones.selectAll'),
      row: (row) => t('phones.selectRow', { mac: row.mac }),
      allTestId: 'select-all-phones',
      rowTestId: (row) => `select-phone-${row.mac}`,
    }),
    column.accessor('mac', {
      header: t('phone.mac'),
      size: 170,
      // Plain spans in the hot cells: a thousand rows scroll past, and Mantine's Text costs per cell.
      cell: (info) => <span style={MONOSPACE}>{info.getValue()}</span>,
    }),
    column.accessor((phone) => text(phone.model), { id: 'model', header: t('phone.model') }),
    column.accessor((phone) => text(phone.e164), { id: 'e164', header: t('phone.number'), size: 130 }),
    column.accessor((phone) => text(phone.displayName), { id: 'displayName', header: t('phone.displayName') }),
    column.accessor((phone) => text(phone.ip), { id: 'ip', header: t('phone.ip'), size: 120 }),
    column.accessor((phone) => text(phone.softwareVersion), { id: 'firmware', header: t('phone.firmware'), size: 120 }),
    column.accessor('adoption', {
      header: t('phone.adoption'),
      size: 150,
      // A changed identity sits next to the adoption state: both decide whether the phone is written.
      cell: ({ row }) => (
        <span style={{ display: 'inline-flex', gap: 4 }}>
          <AdoptionBadge adoption={row.original.adoption} />
          <IdentityChangedBadge phone={row.original} />
          <NotSeenBadge phone={row.original} />
        </span>
      ),
    }),
    column.accessor((phone) => phone.jobState ?? '', {
      id: 'jobState',
      header: t('phone.jobState'),
      size: 140,
      cell: ({ row }) => (
        <span style={{ display: 'inline-flex', gap: 4 }}>
          {row.original.jobState && <JobStateBadge state={row.original.jobState} />}
          <TracingBadge phone={row.original} />
          <SecureModeBadge phone={row.original} />
        </span>
      ),
    }),
    column.accessor('lastContact', {
      header: t('phone.lastContact'),
      size: 130,
      sortDescFirst: true,
      cell: (info) => <span title={formatDateTime(info.getValue(), language)}>{formatRelative(info.getValue(), now, language)}</span>,
    }),
  ];
}

/** What the search box matches: everything a technician might read off a phone or a list. */
export function phoneMatches(phone: PhoneSummary, needle: string): boolean {
  if (needle === '') return true;
  return [phone.mac, phone.model, phone.e164, phone.displayName, phone.ip, phone.softwareVersion, phone.adoption].some((value) =>
    value?.toLowerCase().includes(needle),
  );
}
