import { Button, Card, FileButton, Group, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Choosing the extension list (any encoding: sent as bytes) and the profile it is applied with. */
export function ImportCard() {
  const t = useT();
  const previewRollout = useAppStore((state) => state.previewRollout);
  const profiles = useAppStore((state) => state.profiles);
  const [profileId, setProfileId] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const check = useAsyncAction(async (file: File) => {
    setFileName(file.name);
    const csvBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
    await previewRollout(profileId ? { csvBase64, profileId } : { csvBase64 });
  }, 'rollout.importFailed');

  return (
    <Card withBorder padding="sm">
      <Group justify="space-between">
        <Stack gap={2}>
          <Text fw={600}>{t('rollout.import')}</Text>
          <Text size="sm" c="dimmed">
            {t('rollout.importHint')}
          </Text>
        </Stack>
        <Group align="flex-end">
          <Select
            label={t('rollout.profile')}
            placeholder={t('rollout.noProfile')}
            data={profiles.map((p) => ({ value: p.id, label: p.model ? `${p.name} (${p.model})` : p.name }))}
            value={profileId}
            onChange={setProfileId}
            clearable
            data-testid="rollout-profile"
          />
          <FileButton
            onChange={(file) => file && void check.run(file)}
            accept=".csv,.txt,text/csv"
            inputProps={{ 'data-testid': 'rollout-file' } as object}
          >
            {(props) => (
              <Button {...props} loading={check.busy} data-testid="rollout-choose">
                {fileName ? t('rollout.chooseAnother') : t('rollout.choose')}
              </Button>
            )}
          </FileButton>
        </Group>
      </Group>
    </Card>
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
