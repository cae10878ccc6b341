import { Button, Card, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { JobKind } from '../../../../shared/jobs.js';
import type { PhoneSummary } from '../../../../shared/model.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { DiagnosticsActions } from '../diagnostics/DiagnosticsActions.js';
import { CertificateDeployDialog } from '../certificates/CertificateDeployDialog.js';
import { JOB_KIND_UI, jobKindLabel, mayQueueFor } from '../jobs/kinds.js';

type Dialog = 'restart' | 'factory-reset' | 'secure-mode' | 'certificate' | 'forget' | null;

function ActionRow({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={600}>{title}</Text>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        </Stack>
        {children}
      </Group>
    </Card>
  );
}

/** Refresh, restart and factory reset of one phone; the last two ask first, reset asks hardest. */
export function ActionsTab({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const createJobs = useAppStore((state) => state.createJobs);
  const notify = useAppStore((state) => state.notify);
  const [dialog, setDialog] = useState<Dialog>(null);
  const quarantined = phone.adoption === 'quarantined';

  const queueJob = async (kind: JobKind) => {
    await createJobs([phone.mac], kind);
    notify({ tone: 'success', message: 'notice.jobQueued', params: { kind: jobKindLabel(t, kind), mac: phone.mac } });
    setDialog(null);
  };
  const refresh = useAsyncAction(() => queueJob('read-all'));
  const setPolling = useAppStore((state) => state.setPolling);
  const [pollSeconds, setPollSeconds] = useState<string | number>(phone.pollIntervalS ?? 0);
  const polling = useAsyncAction(async () => {
    await setPolling([phone.mac], Number(pollSeconds));
    notify({ tone: 'success', message: 'notice.pollingQueued', params: { mac: phone.mac } });
  });
  const confirmed = useAsyncAction(queueJob);
  const forgetPhones = useAppStore((state) => state.forgetPhones);
  const navigate = useAppStore((state) => state.navigate);
  const forget = useAsyncAction(async () => {
    const forgotten = await forgetPhones([phone.mac]);
    notify({ tone: 'success', message: 'notice.forgotten', params: { count: forgotten } });
    setDialog(null);
    navigate('phones');
  });
  // Typing the MAC or the number proves the technician means this phone, not the one next to it.
  const resetPhrases = [phone.mac, phone.e164].filter((value): value is string => Boolean(value));

  return (
    <Stack gap="sm" maw={760}>
      {quarantined && (
        <Text size="sm" c="orange" data-testid="quarantine-hint">
          {t('actions.quarantinedHint')}
        </Text>
      )}
      <DiagnosticsActions macs={[phone.mac]} />
      <ActionRow title={t('actions.refresh')} description={t('actions.refreshDescription')}>
        <Button variant="default" onClick={() => void refresh.run()} loading={refresh.busy} data-testid="action-refresh">
          {t('actions.refresh')}
        </Button>
      </ActionRow>
      <ActionRow title={t('actions.polling')} description={t('actions.pollingDescription')}>
        <Group gap="xs" wrap="nowrap">
          <NumberInput
            size="xs"
            w={110}
            min={0}
            max={86400}
            allowDecimal={false}
            value={pollSeconds}
            onChange={setPollSeconds}
            rightSection="s"
            aria-label={t('actions.pollingInterval')}
            data-testid="polling-interval"
          />
          <Button
            variant="default"
            disabled={quarantined || pollSeconds === ''}
            loading={polling.busy}
            onClick={() => void polling.run()}
            data-testid="action-set-polling"
          >
            {t('actions.setPolling')}
          </Button>
        </Group>
      </ActionRow>
      <ActionRow title={t('actions.restart')} description={t('actions.restartDescription')}>
        <Button
          variant="default"
          color="red"
          disabled={!mayQueueFor('restart', quarantined)}
          onClick={() => setDialog('restart')}
          data-testid="action-restart"
        >
          {t('actions.restart')}
        </Button>
      </ActionRow>
      <ActionRow title={t('actions.factoryReset')} description={t('actions.factoryResetDescription')}>
        <Button
          color="red"
          disabled={!mayQueueFor('factory-reset', quarantined)}
          onClick={() => setDialog('factory-reset')}
          data-testid="action-factory-reset"
        >
          {t('actions.factoryReset')}
        </Button>
      </ActionRow>
      <ActionRow title={t('certificates.deployAction')} description={t('certificates.readBackNote')}>
        <Button
          variant="default"
          disabled={!mayQueueFor('certificate', quarantined)}
          onClick={() => setDialog('certificate')}
          data-testid="action-deploy-certificate"
        >
          {t('certificates.deployAction')}
        </Button>
      </ActionRow>
      <ActionRow title={t('actions.secureMode')} description={t('actions.secureModeDescription')}>
        <Button
          variant="default"
          color="teal"
          disabled={!mayQueueFor('secure-mode', quarantined) || phone.secureSince !== null}
          onClick={() => setDialog('secure-mode')}
          data-testid="action-secure-mode"
        >
          {t('actions.secureMode')}
        </Button>
      </ActionRow>
      <CertificateDeployDialog opened={dialog === 'certificate'} macs={[phone.mac]} onClose={() => setDialog(null)} />
      <ActionRow title={t('actions.forget')} description={t('actions.forgetDescription')}>
        <Button variant="default" color="red" onClick={() => setDialog('forget')} data-testid="action-forget">
          {t('actions.forget')}
        </Button>
      </ActionRow>

      {(['restart', 'factory-reset', 'secure-mode'] as const).map((kind) => {
        const confirmation = JOB_KIND_UI[kind].confirmation;
        return (
          <ConfirmDialog
            key={kind}
            opened={dialog === kind}
            title={t(confirmation.title)}
            message={t(confirmation.one, { mac: phone.mac, number: phone.e164 ?? '—' })}
            {...(confirmation.typed ? { typedLabel: t('actions.factoryResetTypeLabel'), requireTyped: resetPhrases } : {})}
            confirmLabel={t(confirmation.confirmLabel)}
            danger={kind !== 'secure-mode'}
            busy={confirmed.busy}
            onConfirm={() => void confirmed.run(kind)}
            onClose={() => setDialog(null)}
          />
        );
      })}
      <ConfirmDialog
        opened={dialog === 'forget'}
        title={t('actions.forgetTitle')}
        message={t('actions.forgetOneMessage', { mac: phone.mac })}
        confirmLabel={t('actions.forget')}
        danger
        busy={forget.busy}
        onConfirm={() => void forget.run()}
        onClose={() => setDialog(null)}
      />
    </Stack>
  );
}
