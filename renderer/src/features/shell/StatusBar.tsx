import { Badge, Group, Text } from '@mantine/core';
import { useMemo } from 'react';
import { CopyIconButton } from '../../components/CopyValue.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Always visible: where phones must call, whether the port is open, and how much is going on. */
export function StatusBar() {
  const t = useT();
  const appInfo = useAppStore((state) => state.appInfo);
  const phones = useAppStore((state) => state.phones);
  const jobs = useAppStore((state) => state.jobs);
  const counts = useMemo(() => {
    const list = Object.values(phones);
    return {
      phones: list.length,
      quarantined: list.filter((phone) => phone.adoption === 'quarantined').length,
      running: Object.values(jobs).filter((job) => job.state === 'running').length,
    };
  }, [phones, jobs]);
  const address = appInfo && `${appInfo.addresses[0] ?? '0.0.0.0'}:${appInfo.phonePort}`;

  return (
    <Group justify="space-between" px="md" h="100%" wrap="nowrap" data-testid="status-bar">
      <Group gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          {t('status.server')}
        </Text>
        {address ? (
          <>
            <Text size="xs" ff="monospace" data-testid="status-address" title={appInfo.addresses.join(', ')}>
              {address}
            </Text>
            <CopyIconButton value={address} />
            <Badge size="xs" variant="dot" color={appInfo.listening ? 'teal' : 'red'} data-testid="status-listening">
              {appInfo.listening ? t('status.listening') : t('status.notListening')}
            </Badge>
          </>
        ) : (
          <Text size="xs">…</Text>
        )}
      </Group>
      <Group gap="md" wrap="nowrap">
        <Text size="xs" data-testid="status-phones">
          {t('status.phones', { count: counts.phones })}
        </Text>
        <Text size="xs" c={counts.quarantined > 0 ? 'orange' : undefined} data-testid="status-quarantined">
          {t('status.quarantined', { count: counts.quarantined })}
        </Text>
        <Text size="xs" data-testid="status-running">
          {t('status.running', { count: counts.running })}
        </Text>
      </Group>
    </Group>
  );
}
