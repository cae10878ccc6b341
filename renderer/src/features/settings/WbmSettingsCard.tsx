import { Button, Card, Checkbox, Group, NumberInput, PasswordInput, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import type { SettingsView } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Port, site admin password (never shown: only whether one is set), factory default, phones at once. */
export function WbmSettingsCard({ settings }: { settings: SettingsView }) {
  const t = useT();
  const updateSettings = useAppStore((state) => state.updateSettings);
  const notify = useAppStore((state) => state.notify);
  const [port, setPort] = useState<string | number>(settings.wbm.port);
  const [parallel, setParallel] = useState<string | number>(settings.wbm.maxParallel);
  const [factoryDefault, setFactoryDefault] = useState(settings.wbm.allowFactoryDefault);
  const [password, setPassword] = useState('');
  const save = useAsyncAction(async (adminPassword?: string) => {
    await updateSettings({
      wbm: {
        port: Number(port),
        maxParallel: Number(parallel),
        allowFactoryDefault: factoryDefault,
        ...(adminPassword === undefined ? {} : { adminPassword }),
      },
    });
    setPassword('');
    notify({ tone: 'success', message: 'notice.settingsSaved' });
  });

  return (
    <Card withBorder padding="md" data-testid="wbm-settings">
      <Title order={5} mb="sm">
        {t('settings.wbmTitle')}
      </Title>
      <Stack gap="sm">
        <Group gap="md" align="flex-end">
          <NumberInput
            label={t('settings.wbmPort')}
            w={160}
            min={1}
            max={65535}
            allowDecimal={false}
            value={port}
            onChange={setPort}
            data-testid="wbm-port"
          />
          <NumberInput
            label={t('settings.wbmParallel')}
            w={220}
            min={1}
            max={50}
            allowDecimal={false}
            value={parallel}
            onChange={setParallel}
          />
        </Group>
        <PasswordInput
          label={t('settings.wbmPassword')}
          description={t(settings.wbm.adminPasswordSet ? 'settings.wbmPasswordSet' : 'settings.wbmPasswordUnset')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
          maw={360}
          data-testid="wbm-password"
        />
        <Checkbox
          label={t('settings.wbmFactoryDefault')}
          checked={factoryDefault}
          onChange={(e) => setFactoryDefault(e.currentTarget.checked)}
        />
        <Group gap="xs">
          <Button loading={save.busy} onClick={() => void save.run(password === '' ? undefined : password)} data-testid="wbm-save">
            {t('settings.wbmSave')}
          </Button>
          {settings.wbm.adminPasswordSet && (
            <Button variant="default" color="red" loading={save.busy} onClick={() => void save.run('')}>
              {t('settings.wbmRemovePassword')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
