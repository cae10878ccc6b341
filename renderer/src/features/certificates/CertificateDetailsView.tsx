import { Badge, Group, Stack, Text } from '@mantine/core';
import { daysLeft, type CertificateDetails } from '../../../../shared/certificates.js';
import { CopyValue } from '../../components/CopyValue.js';
import { Facts } from '../../components/Facts.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';

/** Everything a technician checks of one certificate of a chain. */
export function CertificateDetailsView({ details, now, testId }: { details: CertificateDetails; now: number; testId: string }) {
  const t = useT();
  const language = useLanguage();
  const key = details.keyBits
    ? `${details.keyType.toUpperCase()} ${details.keyBits}`
    : `${details.keyType.toUpperCase()} ${details.curve ?? ''}`;
  return (
    <Stack gap={4} data-testid={testId}>
      <Facts
        labelWidth={170}
        facts={[
          { label: t('certificates.subject'), value: details.subject, testId: `${testId}-subject` },
          { label: t('certificates.issuer'), value: details.issuer },
          {
            label: t('certificates.validity'),
            value: `${formatDateTime(details.notBefore, language)} – ${formatDateTime(details.notAfter, language)} (${t('certificates.daysLeft', { days: daysLeft(details, now) })})`,
          },
          {
            label: t('certificates.serial'),
            value: (
              <Text ff="monospace" size="sm">
                {details.serial}
              </Text>
            ),
          },
          { label: t('certificates.fingerprint'), value: <CopyValue value={details.sha256} testId={`${testId}-sha256`} /> },
          { label: t('certificates.key'), value: key.trim() },
          { label: t('certificates.keyUsage'), value: details.keyUsage.join(', ') || '—' },
          { label: t('certificates.extKeyUsage'), value: details.extKeyUsage.join(', ') || t('certificates.anyUsage') },
          {
            label: t('certificates.kind'),
            value: (
              <Group gap={4}>
                <Badge variant="light" color={details.isCa ? 'indigo' : 'gray'}>
                  {details.isCa ? t('certificates.ca') : t('certificates.endEntity')}
                </Badge>
                {details.selfSigned && <Badge variant="light">{t('certificates.selfSigned')}</Badge>}
              </Group>
            ),
          },
          { label: t('certificates.size'), value: t('certificates.bytes', { bytes: details.derBytes }) },
        ]}
      />
    </Stack>
  );
}
