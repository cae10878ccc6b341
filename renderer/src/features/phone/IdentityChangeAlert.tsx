import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import type { PhoneSummary } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

/**
 * Another device answered for this phone's MAC (other hardware, or another address and number):
 * its writing jobs wait until the technician, who can look at the phone, says it is the same one.
 */
export function IdentityChangeAlert({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  const confirmIdentity = useAppStore((state) => state.confirmIdentity);
  const notify = useAppStore((state) => state.notify);
  const confirm = useAsyncAction(async () => {
    if (await confirmIdentity(phone.mac)) notify({ tone: 'success', message: 'notice.identityConfirmed', params: { mac: phone.mac } });
  });
  const change = phone.identityChange;
  if (!change) return null;
  return (
    <Alert color="red" title={t('identity.title')} data-testid="identity-change">
      <Stack gap="xs">
        <Text size="sm">{t('identity.explanation', { at: formatDateTime(change.at, language) })}</Text>
        <List size="sm" data-testid="identity-changes">
          {change.changes.map((c) => (
            <List.Item key={c.field}>
              {t(`identity.field.${c.field}`)}: {c.from} → {c.to}
            </List.Item>
          ))}
        </List>
        <Text size="sm" fw={500}>
          {t('identity.secureMode')}
        </Text>
        <Group>
          <Button color="red" loading={confirm.busy} onClick={() => void confirm.run()} data-testid="confirm-identity">
            {t('identity.confirm')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
