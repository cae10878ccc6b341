import { Button, Group, Stack, Text, Title } from '@mantine/core';
import type { PhoneSummary } from '../../../../shared/model.js';
import { AdoptionBadge, IdentityChangedBadge, JobStateBadge, TracingBadge, SecureModeBadge } from '../../components/badges.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Who this phone is at a glance, the way back to the list, and Adopt when it is still quarantined. */
export function PhoneHeader({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const navigate = useAppStore((state) => state.navigate);
  const adoptPhones = useAppStore((state) => state.adoptPhones);
  const notify = useAppStore((state) => state.notify);
  const adopt = useAsyncAction(async () => {
    await adoptPhones([phone.mac]);
    notify({ tone: 'success', message: 'notice.adopted', params: { count: 1 } });
  });

  const name = phone.displayName ?? phone.e164 ?? phone.mac;
  const details = [phone.model, phone.mac, phone.e164, phone.ip].filter(Boolean).join(' · ');
  return (
    <Group justify="space-between" align="flex-start">
      <Stack gap={2}>
        <Group gap="xs">
          <Button variant="subtle" size="compact-sm" onClick={() => navigate('phones')} data-testid="back-to-phones">
            ← {t('nav.phones')}
          </Button>
        </Group>
        <Group gap="sm">
          <Title order={3} data-testid="phone-title">
            {name}
          </Title>
          <AdoptionBadge adoption={phone.adoption} />
          <IdentityChangedBadge phone={phone} />
          {phone.jobState && <JobStateBadge state={phone.jobState} />}
          <TracingBadge phone={phone} />
          <SecureModeBadge phone={phone} />
        </Group>
        <Text size="sm" c="dimmed">
          {details}
        </Text>
      </Stack>
      {phone.adoption === 'quarantined' && (
        <Button onClick={() => void adopt.run()} loading={adopt.busy} data-testid="adopt-phone">
          {t('actions.adopt')}
        </Button>
      )}
    </Group>
  );
}
