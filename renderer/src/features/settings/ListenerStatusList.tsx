import { Badge, Group, Stack, Text } from '@mantine/core';
import type { ListenerStatus } from '../../../../shared/model.js';
import { useT } from '../../i18n/index.js';

/** Where the phone listeners really are right now (app.info), not what the settings ask for. */
export function ListenerStatusList({ listeners }: { listeners: ListenerStatus[] }) {
  const t = useT();
  return (
    <Stack gap={2} data-testid="settings-listeners">
      <Text size="sm" fw={500}>
        {t('settings.listenersNow')}
      </Text>
      {listeners.length === 0 && (
        <Text size="sm" c="red">
          {t('settings.noListeners')}
        </Text>
      )}
      {listeners.map((l) => (
        <Group key={`${l.protocol}-${l.address}-${l.port}`} gap="xs">
          <Badge size="xs" variant="light" color={l.listening ? 'teal' : 'red'}>
            {l.protocol.toUpperCase()}
          </Badge>
          <Text size="sm" ff="monospace">
            {l.address}:{l.port}
          </Text>
          {l.error && (
            <Text size="xs" c="red">
              {l.error}
            </Text>
          )}
        </Group>
      ))}
    </Stack>
  );
}
