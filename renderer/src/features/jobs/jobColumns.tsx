import { Button, Group, Text } from '@mantine/core';
import { createColumnHelper } from '@tanstack/react-table';
import type { JobState } from '../../../../shared/jobs.js';
import type { JobView, PhoneSummary } from '../../../../shared/model.js';
import { JobStateBadge } from '../../components/badges.js';
import type { Language, Translate } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { jobReasonText } from '../../lib/jobReason.js';
import { JobDownload } from '../files/JobDownload.js';
import { jobKindLabel } from './kinds.js';

/** Jobs that have not reached the phone yet (or wait for a call to end) can still be called off. */
const CANCELLABLE_STATES: readonly JobState[] = ['queued', 'waiting-for-phone', 'waiting-busy'];

export interface JobRowActions {
  retry(id: string): void;
  cancel(id: string): void;
}

const column = createColumnHelper<JobView>();

export function jobColumns(t: Translate, language: Language, phones: Record<string, PhoneSummary>, actions: JobRowActions) {
  return [
    column.accessor('mac', {
      header: t('jobs.phone'),
      size: 220,
      cell: (info) => {
        const phone = phones[info.getValue()];
        const name = phone?.displayName ?? phone?.e164;
        return (
          <Text size="sm" truncate>
            <Text span ff="monospace" size="sm">
              {info.getValue()}
            </Text>
            {name && ` · ${name}`}
          </Text>
        );
      },
    }),
    column.accessor('kind', { header: t('jobs.kind'), size: 150, cell: (info) => jobKindLabel(t, info.getValue()) }),
    column.accessor('state', {
      header: t('jobs.state'),
      size: 150,
      cell: (info) => <JobStateBadge state={info.getValue()} />,
    }),
    column.accessor((job) => job.reason ?? '', {
      id: 'reason',
      header: t('jobs.reason'),
      // Rendered here, not in the accessor: accessor values are cached per row, across languages.
      // Warnings (e.g. an assumed item the phone refused) show even when the job is done.
      cell: ({ row }) => {
        const { warnings } = row.original;
        const text = [
          jobReasonText(row.original, t, language),
          ...(warnings.length ? [t('jobs.warnings', { list: warnings.join('; ') })] : []),
        ]
          .filter(Boolean)
          .join(' · ');
        return (
          <>
            <span title={text}>{text}</span>
            <JobDownload job={row.original} />
          </>
        );
      },
    }),
    column.accessor('attempts', { header: t('jobs.attempts'), size: 90 }),
    column.accessor('createdAt', {
      header: t('jobs.created'),
      size: 190,
      sortDescFirst: true,
      cell: (info) => formatDateTime(info.getValue(), language),
    }),
    column.accessor((job) => job.finishedAt ?? 0, {
      id: 'finishedAt',
      header: t('jobs.finished'),
      size: 190,
      sortDescFirst: true,
      cell: ({ row }) => formatDateTime(row.original.finishedAt, language),
    }),
    column.display({
      id: 'actions',
      size: 110,
      cell: ({ row }) => (
        <Group gap={4}>
          {row.original.state === 'failed' && (
            <Button
              size="compact-xs"
              variant="default"
              onClick={() => actions.retry(row.original.id)}
              data-testid={`job-retry-${row.original.id}`}
            >
              {t('jobs.retry')}
            </Button>
          )}
          {CANCELLABLE_STATES.includes(row.original.state) && (
            <Button
              size="compact-xs"
              variant="default"
              color="red"
              onClick={() => actions.cancel(row.original.id)}
              data-testid={`job-cancel-${row.original.id}`}
            >
              {t('common.cancel')}
            </Button>
          )}
        </Group>
      ),
    }),
  ];
}
