import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { DeployedCertificateView } from '../../../../shared/certificates.js';
import type { PhoneSummary } from '../../../../shared/model.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { useApi } from '../../store/context.js';

/** Phones never report certificates in ReadAllItems: what Fieldstage sent and what the phone read back. */
export function PhoneCertificatesCard({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  const api = useApi();
  const [deployed, setDeployed] = useState<DeployedCertificateView[]>([]);
  // Reloaded whenever the phone changes (its jobs end, it calls in).
  const load = useCallback(async () => setDeployed(await api.call('phones.certificates', { mac: phone.mac })), [api, phone.mac]);
  useLoadOnMount(load, phone);
  return (
    <Card withBorder padding="md" data-testid="phone-certificates">
      <Title order={5} mb="sm">
        {t('phone.certificatesTitle')}
      </Title>
      {phone.secureSince !== null && (
        <Alert color="teal" mb="sm" data-testid="phone-secure-mode">
          {t('phone.secureModeSince', { time: formatDateTime(phone.secureSince, language) })}
        </Alert>
      )}
      {deployed.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('phone.certificatesNone')}
        </Text>
      ) : (
        <Stack gap="xs">
          {deployed.map((d) => (
            <Stack key={`${d.item}#${d.index ?? ''}`} gap={0} data-testid={`phone-certificate-${d.item}`}>
              <Text size="sm" fw={600}>
                {d.item}
                {d.index === undefined ? '' : `[${d.index}]`}: {d.certificateName} · {formatDateTime(d.deployedAt, language)}
              </Text>
              <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                {d.subject} · SHA-256 {d.sha256}
              </Text>
              <Text size="sm" data-testid={`phone-certificate-reported-${d.item}`}>
                {d.reported === null
                  ? t('phone.certificateNotRead', { item: d.infoItem })
                  : t('phone.certificateReported', { item: d.infoItem, value: d.reported })}{' '}
                ({t(`certificates.comparison.${d.comparison}`)})
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}
