import { Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { FINAL_JOB_STATES } from '../../../../shared/jobs.js';
import type { PhoneSummary } from '../../../../shared/model.js';
import { JobStateBadge } from '../../components/badges.js';
import { CopyValue } from '../../components/CopyValue.js';
import { Facts } from '../../components/Facts.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useNow } from '../../hooks/useNow.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { jobReasonText } from '../../lib/jobReason.js';
import { useAppStore } from '../../store/context.js';
import { PhoneCertificatesCard } from './PhoneCertificatesCard.js';

const RECENT_EXCHANGES = 8;

function ContactMe({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const contactPhones = useAppStore((state) => state.contactPhones);
  const notify = useAppStore((state) => state.notify);
  // The phone reports its contact-me address as an item; PhoneSummary does not carry it.
  const uri = useAppStore((state) => state.editor.items.find((item) => item.name === 'contact-me-uri')?.value);
  const contact = useAsyncAction(async () => {
    const [result] = await contactPhones([phone.mac]);
    if (result)
      notify({
        tone: 'info',
        message: 'notice.contactResult',
        params: { outcome: result.outcome },
        detail: result.detail,
      });
  });
  return (
    <Group gap="xs" wrap="nowrap">
      {uri ? (
        <CopyValue value={uri} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('overview.contactUnknown')}
        </Text>
      )}
      <Button size="compact-xs" variant="default" loading={contact.busy} onClick={() => void contact.run()} data-testid="action-contact">
        {t('actions.contactNow')}
      </Button>
    </Group>
  );
}

function IdentityCard({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  const now = useNow();
  const when = (at: number) => `${formatRelative(at, now, language)} (${formatDateTime(at, language)})`;
  return (
    <Card withBorder padding="md">
      <Title order={5} mb="xs">
        {t('overview.identity')}
      </Title>
      <Facts
        facts={[
          { label: t('phone.mac'), value: <CopyValue value={phone.mac} />, testId: 'overview-mac' },
          { label: t('phone.model'), value: phone.model },
          { label: t('phone.partNumber'), value: phone.partNumber },
          { label: t('phone.number'), value: phone.e164 },
          { label: t('phone.displayName'), value: phone.displayName },
          { label: t('phone.ip'), value: phone.ip && <CopyValue value={phone.ip} /> },
          { label: t('phone.firmware'), value: phone.softwareVersion },
          { label: t('phone.contactMe'), value: <ContactMe phone={phone} /> },
          {
            label: t('phone.reachedBy'),
            value: phone.pollIntervalS ? t('overview.polls', { seconds: phone.pollIntervalS }) : t('overview.contactMeOnly'),
          },
          { label: t('phone.firstContact'), value: when(phone.firstContact) },
          { label: t('phone.lastContact'), value: when(phone.lastContact) },
          { label: t('phone.lastReason'), value: phone.lastReason },
          {
            label: t('phone.inventory'),
            value: phone.inventoryComplete ? t('overview.inventoryComplete') : t('overview.inventoryPending'),
          },
        ]}
      />
    </Card>
  );
}

function OpenJobsCard({ mac }: { mac: string }) {
  const t = useT();
  const language = useLanguage();
  const jobs = useAppStore((state) => state.jobs);
  const open = useMemo(
    () =>
      Object.values(jobs)
        .filter((job) => job.mac === mac && !FINAL_JOB_STATES.includes(job.state))
        .sort((a, b) => b.createdAt - a.createdAt),
    [jobs, mac],
  );
  return (
    <Card withBorder padding="md">
      <Title order={5} mb="xs">
        {t('overview.openJobs')}
      </Title>
      {open.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('overview.noOpenJobs')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} data-testid="overview-jobs">
          <Table.Tbody>
            {open.map((job) => (
              <Table.Tr key={job.id}>
                <Table.Td>{t(`jobKind.${job.kind}`)}</Table.Td>
                <Table.Td>
                  <JobStateBadge state={job.state} />
                </Table.Td>
                <Table.Td data-testid={`overview-job-reason-${job.id}`}>{jobReasonText(job, t, language)}</Table.Td>
                <Table.Td>{formatDateTime(job.createdAt, language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function RecentExchangesCard({ mac }: { mac: string }) {
  const t = useT();
  const language = useLanguage();
  const exchanges = useAppStore((state) => state.exchanges);
  const loadExchanges = useAppStore((state) => state.loadExchanges);
  useLoadOnMount(() => loadExchanges(mac), mac);
  const recent = useMemo(
    () =>
      Object.values(exchanges)
        .filter((exchange) => exchange.mac === mac)
        .sort((a, b) => b.id - a.id)
        .slice(0, RECENT_EXCHANGES),
    [exchanges, mac],
  );
  return (
    <Card withBorder padding="md">
      <Title order={5} mb="xs">
        {t('overview.recentExchanges')}
      </Title>
      {recent.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('log.empty')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4}>
          <Table.Tbody>
            {recent.map((exchange) => (
              <Table.Tr key={exchange.id}>
                <Table.Td>{formatDateTime(exchange.at, language)}</Table.Td>
                <Table.Td>{exchange.reason ?? '—'}</Table.Td>
                <Table.Td>{exchange.action ?? '—'}</Table.Td>
                <Table.Td>{exchange.httpStatus}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function OverviewTab({ phone }: { phone: PhoneSummary }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <IdentityCard phone={phone} />
      <Stack gap="md">
        <OpenJobsCard mac={phone.mac} />
        <RecentExchangesCard mac={phone.mac} />
        <PhoneCertificatesCard phone={phone} />
      </Stack>
    </SimpleGrid>
  );
}
