import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyValue } from '../../components/CopyValue.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** The phone-facing TLS certificate; regenerating it asks first, phones may have pinned the old one. */
export function CertificateCard() {
  const t = useT();
  const fingerprint = useAppStore((state) => state.appInfo?.certificateFingerprint);
  const regenerateCertificate = useAppStore((state) => state.regenerateCertificate);
  const notify = useAppStore((state) => state.notify);
  const [confirming, setConfirming] = useState(false);
  const regenerate = useAsyncAction(async () => {
    await regenerateCertificate();
    setConfirming(false);
    notify({ tone: 'success', message: 'notice.certificateRegenerated' });
  });

  return (
    <Card withBorder padding="md">
      <Title order={5} mb="sm">
        {t('settings.certificate')}
      </Title>
      <Stack gap="sm">
        <Group gap="xs">
          <Text size="sm">{t('settings.fingerprint')}</Text>
          {fingerprint ? <CopyValue value={fingerprint} testId="settings-fingerprint" /> : <Text size="sm">—</Text>}
        </Group>
        <Group>
          <Button variant="default" color="red" onClick={() => setConfirming(true)} data-testid="certificate-regenerate">
            {t('settings.regenerate')}
          </Button>
        </Group>
      </Stack>
      <ConfirmDialog
        opened={confirming}
        title={t('settings.regenerateTitle')}
        message={t('settings.regenerateMessage')}
        confirmLabel={t('settings.regenerate')}
        danger
        busy={regenerate.busy}
        onConfirm={() => void regenerate.run()}
        onClose={() => setConfirming(false)}
      />
    </Card>
  );
}
