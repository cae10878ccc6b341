import { Progress, Stack, Text } from '@mantine/core';
import type { JobView } from '../../../../shared/model.js';
import { useT } from '../../i18n/index.js';
import { formatBytes } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

/** Live download progress of a file or firmware job: bytes the file server sent through the job's URL. */
export function JobDownload({ job }: { job: JobView }) {
  const t = useT();
  const download = useAppStore((state) => state.jobDownloads[job.id]);
  if (!download || !job.fileIds.length) return null;
  const percent = download.expected > 0 ? Math.round((download.bytes / download.expected) * 100) : 0;
  const key =
    download.state === 'running' ? 'deploy.downloading' : download.state === 'complete' ? 'deploy.downloaded' : 'deploy.downloadBroken';
  return (
    <Stack gap={2} data-testid={`job-download-${job.id}`} data-state={download.state}>
      <Progress
        value={percent}
        size="sm"
        color={download.state === 'incomplete' ? 'red' : 'blue'}
        animated={download.state === 'running'}
      />
      <Text size="xs" c="dimmed">
        {t(key, { bytes: formatBytes(download.bytes), size: formatBytes(download.expected), percent })}
      </Text>
    </Stack>
  );
}
