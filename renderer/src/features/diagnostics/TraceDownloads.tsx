import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { FINAL_JOB_STATES } from '../../../../shared/jobs.js';
import { JobStateBadge } from '../../components/badges.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** The phones' trace downloads: open ones with progress and Cancel, the last finished one with its outcome. */
export function TraceDownloads({ macs }: { macs: string[] }) {
  const t = useT();
  const jobs = useAppStore((state) => state.jobs);
  const progress = useAppStore((state) => state.traceProgress);
  const cancelJob = useAppStore((state) => state.cancelJob);
  const cancel = useAsyncAction((id: string) => cancelJob(id));
  const wanted = new Set(macs);
  const downloads = Object.values(jobs)
    .filter((job) => job.kind === 'trace-download' && wanted.has(job.mac))
    .sort((a, b) => b.createdAt - a.createdAt);
  // Per phone: every open download and its latest finished one.
  const shown = downloads.filter(
    (job, i) =>
      !FINAL_JOB_STATES.includes(job.state) ||
      downloads.findIndex((other) => other.mac === job.mac && FINAL_JOB_STATES.includes(other.state)) === i,
  );
  if (shown.length === 0) return null;
  return (
    <Stack gap={6} data-testid="trace-downloads">
      {shown.map((job) => {
        const p = progress[job.id];
        const open = !FINAL_JOB_STATES.includes(job.state);
        const percent = p?.total ? Math.round((100 * p.bytes) / p.total) : null;
        return (
          <Stack key={job.id} gap={2} data-testid={`trace-download-${job.mac}`}>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" ff="monospace">
                {job.mac}
              </Text>
              <JobStateBadge state={job.state} />
              {open && p && (
                <Text size="xs" c="dimmed">
                  {t('diag.progress', { file: p.file, index: p.fileIndex + 1, files: p.files, bytes: p.bytes })}
                </Text>
              )}
              {!open && job.state === 'done' && (
                <Text size="xs" c="dimmed" data-testid={`trace-download-files-${job.mac}`}>
                  {t('diag.files', { count: job.results.length, names: job.results.map((r) => r.name).join(', ') })}
                </Text>
              )}
              {open && (
                <Button
                  size="compact-xs"
                  variant="default"
                  loading={cancel.busy}
                  onClick={() => void cancel.run(job.id)}
                  data-testid={`trace-download-cancel-${job.mac}`}
                >
                  {t('common.cancel')}
                </Button>
              )}
            </Group>
            {open && p && <Progress size="xs" value={percent ?? 100} animated={percent === null} />}
            {job.state === 'failed' && job.reason && (
              <Text size="xs" c="red" data-testid={`trace-download-reason-${job.mac}`}>
                {job.reason}
              </Text>
            )}
          </Stack>
        );
      })}
    </Stack>
  );
}
