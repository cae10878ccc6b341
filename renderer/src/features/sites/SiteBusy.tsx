import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { SiteProgress } from '../../../../shared/sites.js';
import { useT } from '../../i18n/index.js';
import { formatBytes } from '../../lib/format.js';
import { useApi } from '../../store/context.js';

/** Progress of a running export or import, with Cancel (sites.cancel). */
export function SiteBusy({ progress }: { progress: SiteProgress | null }) {
  const t = useT();
  const api = useApi();
  const percent = progress && progress.totalBytes > 0 ? (100 * progress.doneBytes) / progress.totalBytes : 0;
  return (
    <Stack gap={4} data-testid="site-busy">
      <Progress value={progress ? percent : 100} animated={!progress} />
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {progress
            ? t('sites.progress', { done: formatBytes(progress.doneBytes), total: formatBytes(progress.totalBytes) })
            : t('sites.busy')}
        </Text>
        <Button size="xs" variant="default" onClick={() => void api.call('sites.cancel', {})}>
          {t('sites.cancelOperation')}
        </Button>
      </Group>
    </Stack>
  );
}
