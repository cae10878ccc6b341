import { Chip, Group, Stack, Title } from '@mantine/core';
import { getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { JOB_STATES, type JobState } from '../../../../shared/jobs.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { jobColumns } from './jobColumns.js';

/** The reason is free text from the main process; it gets the width left over. */
const FLEXIBLE_COLUMNS = ['reason'];

/** How many jobs the screen asks for; live events add newer ones. */
const LOADED_JOBS = 5000;

export function JobsScreen() {
  const t = useT();
  const language = useLanguage();
  const jobs = useAppStore((state) => state.jobs);
  const phones = useAppStore((state) => state.phones);
  const loadJobs = useAppStore((state) => state.loadJobs);
  const retryJob = useAppStore((state) => state.retryJob);
  const cancelJob = useAppStore((state) => state.cancelJob);
  const openPhone = useAppStore((state) => state.openPhone);
  useLoadOnMount(() => loadJobs({ limit: LOADED_JOBS }));

  const [states, setStates] = useState<string[]>([]);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'createdAt', desc: true }]);
  const retry = useAsyncAction(retryJob);
  const cancel = useAsyncAction(cancelJob);

  const data = useMemo(() => {
    const all = Object.values(jobs);
    return states.length === 0 ? all : all.filter((job) => states.includes(job.state));
  }, [jobs, states]);
  const retryRun = retry.run;
  const cancelRun = cancel.run;
  const columns = useMemo(
    () => jobColumns(t, language, phones, { retry: (id) => void retryRun(id), cancel: (id) => void cancelRun(id) }),
    [t, language, phones, retryRun, cancelRun],
  );
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    getRowId: (job) => job.id,
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>{t('nav.jobs')}</Title>
        <Chip.Group multiple value={states} onChange={setStates}>
          <Group gap={4}>
            {JOB_STATES.map((state: JobState) => (
              <Chip key={state} value={state} size="xs" data-testid={`job-filter-${state}`}>
                {t(`jobState.${state}`)}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </Group>
      <VirtualTable
        table={table}
        height="calc(100dvh - 160px)"
        label={t('nav.jobs')}
        flexibleColumns={FLEXIBLE_COLUMNS}
        minWidth={1100}
        empty={t('jobs.empty')}
        getRowProps={(row) => ({
          'data-testid': `job-row-${row.original.id}`,
          tabIndex: 0,
          onKeyDown: (event) => event.key === 'Enter' && openPhone(row.original.mac),
          onDoubleClick: () => openPhone(row.original.mac),
        })}
      />
    </Stack>
  );
}
