import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { StartTracingDialog } from './StartTracingDialog.js';
import { TraceDownloads } from './TraceDownloads.js';

/** Tracing, trace download and the diagnostic bundle for one phone (phone page) or a selection. */
export function DiagnosticsActions({ macs }: { macs: string[] }) {
  const t = useT();
  const stopTracing = useAppStore((state) => state.stopTracing);
  const downloadTraces = useAppStore((state) => state.downloadTraces);
  const makeBundle = useAppStore((state) => state.makeBundle);
  const notify = useAppStore((state) => state.notify);
  const [starting, setStarting] = useState(false);
  const none = macs.length === 0;

  const stop = useAsyncAction(async () => {
    const result = await stopTracing(macs);
    notify({ tone: 'success', message: 'notice.tracingStopped', params: { count: result.jobs } });
  });
  const download = useAsyncAction(async () => {
    const ids = await downloadTraces(macs);
    notify({ tone: 'success', message: 'notice.tracesQueued', params: { count: ids.length } });
  });
  const bundle = useAsyncAction(async () => {
    const made = await makeBundle(macs);
    if (made.cancelled) return;
    notify({
      tone: 'success',
      message: 'notice.bundleReady',
      params: { name: made.savedTo ?? made.name, size: Math.ceil(made.size / 1024) },
    });
  });

  return (
    <Card withBorder padding="sm" data-testid="diagnostics-actions">
      <Stack gap="xs">
        <Title order={5}>{t('diag.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('diag.description')}
        </Text>
        <Group gap="xs">
          <Button size="xs" disabled={none} onClick={() => setStarting(true)} data-testid="action-start-tracing">
            {t('diag.startTracing')}
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={none}
            loading={stop.busy}
            onClick={() => void stop.run()}
            data-testid="action-stop-tracing"
          >
            {t('diag.stopTracing')}
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={none}
            loading={download.busy}
            onClick={() => void download.run()}
            data-testid="action-download-traces"
          >
            {t('diag.downloadTraces')}
          </Button>
          <Button
            size="xs"
            variant="default"
            disabled={none}
            loading={bundle.busy}
            onClick={() => void bundle.run()}
            data-testid="action-bundle"
          >
            {t('diag.bundle')}
          </Button>
        </Group>
        <TraceDownloads macs={macs} />
      </Stack>
      <StartTracingDialog macs={macs} opened={starting} onClose={() => setStarting(false)} />
    </Card>
  );
}
