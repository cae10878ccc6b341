import { Alert, Button, Group, Modal, MultiSelect, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { FileView } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { formatBytes } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

export type DeployMode = 'file' | 'firmware';

export interface DeployDialogProps {
  opened: boolean;
  mode: DeployMode;
  macs: string[];
  onClose(): void;
}

/** Asks which library file(s) go to the phones and says what will happen before anything is queued. */
export function DeployDialog({ opened, mode, macs, onClose }: DeployDialogProps) {
  const t = useT();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t(mode === 'file' ? 'deploy.fileTitle' : 'deploy.firmwareTitle', { count: macs.length })}
      size="lg"
    >
      {opened && <DeployBody mode={mode} macs={macs} onClose={onClose} />}
    </Modal>
  );
}

function DeployBody({ mode, macs, onClose }: Omit<DeployDialogProps, 'opened'>) {
  const t = useT();
  const files = useAppStore((state) => state.files);
  const deployFiles = useAppStore((state) => state.deployFiles);
  const notify = useAppStore((state) => state.notify);
  const [chosen, setChosen] = useState<string[]>([]);
  const [priority, setPriority] = useState<'normal' | 'immediate'>('normal');
  const [refused, setRefused] = useState<{ mac: string; reason: string }[]>([]);

  const candidates = useMemo(() => Object.values(files).filter((f) => (mode === 'firmware') === (f.kind === 'FIRMWARE')), [files, mode]);
  const options = candidates.map((f) => ({ value: f.id, label: `${f.name} · ${t(`fileKind.${f.kind}`)} · ${formatBytes(f.size)}` }));
  const picked = chosen.map((id) => files[id]).filter((f): f is FileView => f !== undefined);

  const deploy = useAsyncAction(async () => {
    const request =
      mode === 'firmware'
        ? { macs, kind: 'software-deployment' as const, fileId: chosen[0]!, items: [{ name: 'file-priority', value: priority }] }
        : { macs, kind: 'file-deployment' as const, ...(chosen.length === 1 ? { fileId: chosen[0]! } : { fileIds: chosen }) };
    const result = await deployFiles(request);
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: result.jobs.length } });
    if (result.refused.length) setRefused(result.refused);
    else onClose();
  }, 'deploy.failed');

  if (!candidates.length) {
    return (
      <Stack>
        <Text size="sm">{t(mode === 'file' ? 'deploy.noFiles' : 'deploy.noFirmware')}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.dismiss')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const firmware = picked[0]?.firmware;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen.length) void deploy.run();
      }}
    >
      <Stack gap="md">
        {mode === 'file' ? (
          <MultiSelect
            label={t('deploy.files')}
            data={options}
            value={chosen}
            onChange={setChosen}
            maxValues={20}
            searchable
            data-testid="deploy-files"
          />
        ) : (
          <Select
            label={t('deploy.image')}
            data={options}
            value={chosen[0] ?? null}
            onChange={(id) => setChosen(id ? [id] : [])}
            searchable
            data-testid="deploy-image"
          />
        )}
        {mode === 'firmware' && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('deploy.priority')}
            </Text>
            <SegmentedControl
              value={priority}
              onChange={(value) => setPriority(value === 'immediate' ? 'immediate' : 'normal')}
              data={[
                { value: 'normal', label: t('deploy.priorityNormal') },
                { value: 'immediate', label: t('deploy.priorityImmediate') },
              ]}
              data-testid="deploy-priority"
            />
          </Stack>
        )}
        {picked.length > 0 && (
          <Alert color={mode === 'firmware' ? 'orange' : 'blue'} data-testid="deploy-what-happens">
            {mode === 'firmware'
              ? t(priority === 'immediate' ? 'deploy.firmwareWhatImmediate' : 'deploy.firmwareWhat', {
                  count: macs.length,
                  version: firmware?.version ?? t('files.versionUnknown'),
                  model: firmware?.model ?? '—',
                  size: formatBytes(picked[0]!.size),
                })
              : t('deploy.fileWhat', { count: macs.length, names: picked.map((f) => f.name).join(', ') })}
          </Alert>
        )}
        {refused.length > 0 && (
          <Alert color="red" title={t('deploy.refused', { count: refused.length })} data-testid="deploy-refused">
            <Stack gap={2}>
              {refused.map((r) => (
                <Text key={r.mac} size="sm">
                  <Text span ff="monospace" size="sm">
                    {r.mac}
                  </Text>
                  {`: ${r.reason}`}
                </Text>
              ))}
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t(refused.length ? 'common.dismiss' : 'common.cancel')}
          </Button>
          {!refused.length && (
            <Button
              type="submit"
              color={mode === 'firmware' ? 'orange' : 'blue'}
              disabled={!chosen.length}
              loading={deploy.busy}
              data-testid="deploy-confirm"
            >
              {t(mode === 'file' ? 'deploy.fileConfirm' : 'deploy.firmwareConfirm', { count: macs.length })}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
