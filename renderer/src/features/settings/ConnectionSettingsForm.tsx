import { Alert, Button, Card, Checkbox, Group, NumberInput, SegmentedControl, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { ListenerStatusList } from './ListenerStatusList.js';
import { useState } from 'react';
import type { SettingsView } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

type Draft = Omit<SettingsView, 'language' | 'theme' | 'adoption' | 'wbm'> & {
  adoptAll: boolean;
  /** Free text, one MAC or prefix per line, as technicians paste it from lists. */
  macs: string;
  prefixes: string;
};

function toDraft(settings: SettingsView): Draft {
  return {
    phonePort: settings.phonePort,
    httpPort: settings.httpPort,
    bindAddresses: settings.bindAddresses,
    legacyTls: settings.legacyTls,
    sendSolicited: settings.sendSolicited,
    contactMe: settings.contactMe,
    quarantine: settings.quarantine,
    fileServer: settings.fileServer,
    adoptAll: settings.adoption.adoptAll,
    macs: settings.adoption.macs.join('\n'),
    prefixes: settings.adoption.prefixes.join('\n'),
  };
}

function lines(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * Ports, addresses, TLS, contact policy and adoption rules, saved together. The parent re-mounts
 * it (by key) when the stored settings change, so the draft always starts from what is saved.
 */
export function ConnectionSettingsForm({ settings }: { settings: SettingsView }) {
  const t = useT();
  const interfaces = useAppStore((state) => state.interfaces);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const notify = useAppStore((state) => state.notify);
  const appInfo = useAppStore((state) => state.appInfo);
  const loadAppInfo = useAppStore((state) => state.loadAppInfo);
  const [draft, setDraft] = useState(() => toDraft(settings));
  const patch = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));

  const save = useAsyncAction(async () => {
    await updateSettings({
      phonePort: draft.phonePort,
      httpPort: draft.httpPort,
      bindAddresses: draft.bindAddresses,
      legacyTls: draft.legacyTls,
      sendSolicited: draft.sendSolicited,
      contactMe: draft.contactMe,
      quarantine: draft.quarantine,
      fileServer: draft.fileServer,
      adoption: { adoptAll: draft.adoptAll, macs: lines(draft.macs), prefixes: lines(draft.prefixes) },
    });
    notify({ tone: 'success', message: 'notice.settingsSaved' });
    // The listeners may have moved: show where they really are now.
    await loadAppInfo();
  });
  const portOverride = appInfo?.overrides.phonePort ?? null;
  const bindOverride = appInfo?.overrides.bindAddresses ?? null;
  const addresses = [...new Set([...interfaces.map((i) => i.address), ...draft.bindAddresses])];

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <Stack gap="md">
        <Card withBorder padding="md">
          <Title order={5} mb="sm">
            {t('settings.connection')}
          </Title>
          <Stack gap="sm">
            {appInfo && <ListenerStatusList listeners={appInfo.listeners} />}
            <Group gap="md" align="flex-start">
              <NumberInput
                label={t('settings.phonePort')}
                description={t('settings.phonePortHint')}
                value={draft.phonePort}
                onChange={(value) => patch({ phonePort: Number(value) })}
                min={1}
                max={65535}
                w={220}
                data-testid="settings-phone-port"
                {...(portOverride !== null
                  ? { error: t('settings.phonePortOverridden', { port: appInfo?.phonePort ?? portOverride }) }
                  : {})}
              />
              <NumberInput
                label={t('settings.httpPort')}
                description={t('settings.httpPortHint')}
                value={draft.httpPort}
                onChange={(value) => patch({ httpPort: Number(value) })}
                min={0}
                max={65535}
                w={220}
                data-testid="settings-http-port"
              />
            </Group>
            {draft.httpPort > 0 && (
              <Alert color="orange" title={t('settings.httpWarningTitle')} data-testid="settings-http-warning">
                {t('settings.httpWarning')}
              </Alert>
            )}
            <Checkbox.Group
              label={t('settings.bindAddresses')}
              description={t('settings.bindAddressesHint')}
              value={draft.bindAddresses}
              onChange={(bindAddresses) => patch({ bindAddresses })}
              {...(bindOverride !== null
                ? { error: t('settings.bindOverridden', { addresses: bindOverride.join(', ') || '0.0.0.0' }) }
                : {})}
            >
              <Group gap="md" mt={4}>
                {addresses.map((address) => (
                  <Checkbox key={address} value={address} label={address} data-testid={`settings-bind-${address}`} />
                ))}
              </Group>
            </Checkbox.Group>
            <Switch
              label={t('settings.legacyTls')}
              description={t('settings.legacyTlsHint')}
              checked={draft.legacyTls}
              onChange={(event) => patch({ legacyTls: event.currentTarget.checked })}
              data-testid="settings-legacy-tls"
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('settings.sendSolicited')}
              </Text>
              <SegmentedControl
                size="xs"
                value={draft.sendSolicited}
                onChange={(value) => patch({ sendSolicited: value as Draft['sendSolicited'] })}
                data={[
                  { value: 'auto', label: t('settings.sendSolicited.auto') },
                  { value: 'always', label: t('settings.sendSolicited.always') },
                  { value: 'never', label: t('settings.sendSolicited.never') },
                ]}
                w="fit-content"
                data-testid="settings-send-solicited"
              />
              <Text size="xs" c="dimmed">
                {t('settings.sendSolicitedHint')}
              </Text>
            </Stack>
            <NumberInput
              label={t('settings.contactMeInterval')}
              description={t('settings.contactMeIntervalHint')}
              value={draft.contactMe.minIntervalMs / 1000}
              onChange={(value) => patch({ contactMe: { ...draft.contactMe, minIntervalMs: Math.round(Number(value) * 1000) } })}
              min={1}
              max={86400}
              w={220}
              data-testid="settings-contact-me-interval"
            />
            <Group gap="md" align="flex-start">
              <NumberInput
                label={t('settings.filePort')}
                description={t('settings.filePortHint')}
                value={draft.fileServer.port}
                onChange={(value) => patch({ fileServer: { ...draft.fileServer, port: Number(value) } })}
                min={1}
                max={65535}
                w={220}
                data-testid="settings-file-port"
              />
              <NumberInput
                label={t('settings.maxFirmwareDownloads')}
                description={t('settings.maxFirmwareDownloadsHint')}
                value={draft.fileServer.maxFirmwareDownloads}
                onChange={(value) => patch({ fileServer: { ...draft.fileServer, maxFirmwareDownloads: Number(value) } })}
                min={1}
                max={1000}
                w={220}
                data-testid="settings-max-firmware-downloads"
              />
            </Group>
          </Stack>
        </Card>

        <Card withBorder padding="md">
          <Title order={5} mb="sm">
            {t('settings.adoption')}
          </Title>
          <Stack gap="sm">
            <Switch
              label={t('settings.adoptAll')}
              description={t('settings.adoptAllHint')}
              checked={draft.adoptAll}
              onChange={(event) => patch({ adoptAll: event.currentTarget.checked })}
              data-testid="settings-adopt-all"
            />
            <Group grow align="flex-start">
              <Textarea
                label={t('settings.adoptMacs')}
                description={t('settings.onePerLine')}
                autosize
                minRows={3}
                maxRows={10}
                value={draft.macs}
                onChange={(event) => patch({ macs: event.currentTarget.value })}
                disabled={draft.adoptAll}
                data-testid="settings-adopt-macs"
              />
              <Textarea
                label={t('settings.adoptPrefixes')}
                description={t('settings.onePerLine')}
                autosize
                minRows={3}
                maxRows={10}
                value={draft.prefixes}
                onChange={(event) => patch({ prefixes: event.currentTarget.value })}
                disabled={draft.adoptAll}
                data-testid="settings-adopt-prefixes"
              />
            </Group>
            <Group grow align="flex-start">
              <NumberInput
                label={t('settings.quarantineMax')}
                description={t('settings.quarantineMaxHint')}
                value={draft.quarantine.maxPhones}
                onChange={(value) => patch({ quarantine: { ...draft.quarantine, maxPhones: Math.round(Number(value)) } })}
                min={1}
                max={100_000}
                data-testid="settings-quarantine-max"
              />
              <NumberInput
                label={t('settings.quarantineExpire')}
                description={t('settings.quarantineExpireHint')}
                value={draft.quarantine.expireDays}
                onChange={(value) => patch({ quarantine: { ...draft.quarantine, expireDays: Math.round(Number(value)) } })}
                min={1}
                max={3650}
                data-testid="settings-quarantine-expire"
              />
            </Group>
          </Stack>
        </Card>

        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDraft(toDraft(settings))} data-testid="settings-reset">
            {t('settings.undo')}
          </Button>
          <Button type="submit" loading={save.busy} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
