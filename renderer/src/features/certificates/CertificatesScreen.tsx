import { Accordion, Alert, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { daysLeft, type CertificateView } from '../../../../shared/certificates.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyValue } from '../../components/CopyValue.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useNow } from '../../hooks/useNow.js';
import { useT } from '../../i18n/index.js';
import { useApi } from '../../store/context.js';
import { CertificateDetailsView } from './CertificateDetailsView.js';
import { ORIGIN_LABEL, warningText } from './certificateText.js';
import { ImportCard } from './ImportCard.js';

/** The certificate store: import, inspect, remove; Fieldstage's local CA and what it issued. */
export function CertificatesScreen() {
  const t = useT();
  const api = useApi();
  const now = useNow();
  const [certificates, setCertificates] = useState<CertificateView[]>([]);
  const [removing, setRemoving] = useState<CertificateView | null>(null);
  const load = useCallback(async () => setCertificates(await api.call('certificates.list', {})), [api]);
  useLoadOnMount(load);

  const showCa = useAsyncAction(async () => {
    await api.call('certificates.localCa', {});
    await load();
  });
  const remove = useAsyncAction(async (id: string) => {
    await api.call('certificates.remove', { id });
    setRemoving(null);
    await load();
  });
  const revoke = useAsyncAction(async (id: string) => {
    await api.call('certificates.revoke', { id });
    await load();
  });

  const localCa = certificates.find((c) => c.origin === 'local-ca');
  return (
    <Stack gap="md" data-testid="certificates-screen">
      <Title order={3}>{t('certificates.title')}</Title>
      <ImportCard onImported={() => void load()} />
      <Card withBorder padding="md">
        <Title order={5} mb="sm">
          {t('certificates.localCa')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('certificates.localCaHint')}
        </Text>
        {localCa ? (
          <Group gap="xs">
            <Text size="sm">{t('certificates.fingerprint')}</Text>
            <CopyValue value={localCa.certificates[0]?.sha256 ?? ''} testId="local-ca-fingerprint" />
          </Group>
        ) : (
          <Group>
            <Button variant="default" onClick={() => void showCa.run()} loading={showCa.busy} data-testid="local-ca-create">
              {t('certificates.localCaCreate')}
            </Button>
          </Group>
        )}
      </Card>
      {certificates.length === 0 ? (
        <Text c="dimmed" data-testid="certificates-empty">
          {t('certificates.empty')}
        </Text>
      ) : (
        <Accordion variant="separated" multiple data-testid="certificates-list">
          {certificates.map((view) => {
            const leaf = view.certificates[0];
            return (
              <Accordion.Item key={view.id} value={view.id} data-testid={`certificate-${view.id}`}>
                <Accordion.Control>
                  <Group justify="space-between" wrap="nowrap">
                    <Stack gap={0}>
                      <Text fw={600} data-testid="certificate-name">
                        {view.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {leaf?.subject} · {t(ORIGIN_LABEL[view.origin])}
                        {leaf ? ` · ${t('certificates.daysLeft', { days: daysLeft(leaf, now) })}` : ''}
                      </Text>
                    </Stack>
                    <Group gap={4}>
                      {view.hasKey && <Badge variant="light">{t('certificates.withKey')}</Badge>}
                      {view.revokedAt !== null && <Badge color="red">{t('certificates.revoked')}</Badge>}
                      {view.warnings.length > 0 && (
                        <Badge color="orange" data-testid="certificate-warning-count">
                          {t('certificates.warnings', { count: view.warnings.length })}
                        </Badge>
                      )}
                    </Group>
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="sm">
                    {view.warnings.map((warning) => (
                      <Alert
                        key={`${warning.code}-${warning.position}`}
                        color="orange"
                        p="xs"
                        data-testid={`certificate-warning-${warning.code}`}
                      >
                        {warningText(t, warning)}
                      </Alert>
                    ))}
                    <Text size="sm">
                      {view.chainComplete ? t('certificates.chainComplete') : t('certificates.chainMissing')} ·{' '}
                      {view.hasKey ? t('certificates.keySealed') : t('certificates.noKey')}
                    </Text>
                    {view.certificates.map((details, position) => (
                      <Stack key={details.sha256} gap={4}>
                        {position > 0 && (
                          <Text size="sm" fw={600}>
                            {t('certificates.chainPosition', { position })}
                          </Text>
                        )}
                        <CertificateDetailsView details={details} now={now} testId={`certificate-details-${position}`} />
                      </Stack>
                    ))}
                    <Group>
                      {view.origin === 'imported' && (
                        <Button variant="default" color="red" onClick={() => setRemoving(view)} data-testid="certificate-remove">
                          {t('certificates.remove')}
                        </Button>
                      )}
                      {view.origin === 'phone-client' && view.revokedAt === null && (
                        <Button variant="default" color="red" onClick={() => void revoke.run(view.id)} loading={revoke.busy}>
                          {t('certificates.revoke')}
                        </Button>
                      )}
                    </Group>
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      )}
      <ConfirmDialog
        opened={removing !== null}
        title={t('certificates.removeTitle')}
        message={t('certificates.removeMessage', { name: removing?.name ?? '' })}
        confirmLabel={t('certificates.remove')}
        danger
        busy={remove.busy}
        onConfirm={() => removing && void remove.run(removing.id)}
        onClose={() => setRemoving(null)}
      />
    </Stack>
  );
}
