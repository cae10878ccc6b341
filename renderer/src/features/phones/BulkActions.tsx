import { Button, Group, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { DiagnosticsActions } from '../diagnostics/DiagnosticsActions.js';
import { DeployDialog, type DeployMode } from '../files/DeployDialog.js';
import { CertificateDeployDialog } from '../certificates/CertificateDeployDialog.js';
import { JOB_KIND_UI } from '../jobs/kinds.js';
import { ApplyProfileDialog } from '../profiles/ApplyProfileDialog.js';

/** What can be done to many phones at once; restart asks first because calls drop. */
export function BulkActions({ macs, onDone }: { macs: string[]; onDone(): void }) {
  const t = useT();
  const adoptPhones = useAppStore((state) => state.adoptPhones);
  const createJobs = useAppStore((state) => state.createJobs);
  const notify = useAppStore((state) => state.notify);
  const forgetPhones = useAppStore((state) => state.forgetPhones);
  const [confirmRestart, setConfirmRestart] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);
  const [deploying, setDeploying] = useState<DeployMode | null>(null);
  const [diagnosing, setDiagnosing] = useState(false);
  const [deployingCertificate, setDeployingCertificate] = useState(false);
  const [confirmSecure, setConfirmSecure] = useState(false);
  const [applyingProfile, setApplyingProfile] = useState(false);
  const secure = useAsyncAction(async () => {
    const jobs = await createJobs(macs, 'secure-mode');
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: jobs.length } });
    setConfirmSecure(false);
  });
  const secureConfirmation = JOB_KIND_UI['secure-mode'].confirmation;

  const adopt = useAsyncAction(async () => {
    const adopted = await adoptPhones(macs);
    notify({ tone: 'success', message: 'notice.adopted', params: { count: adopted } });
    onDone();
  });
  const refresh = useAsyncAction(async () => {
    const jobs = await createJobs(macs, 'read-all');
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: jobs.length } });
  });
  const restart = useAsyncAction(async () => {
    const jobs = await createJobs(macs, 'restart');
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: jobs.length } });
    setConfirmRestart(false);
  });
  const forget = useAsyncAction(async () => {
    const forgotten = await forgetPhones(macs);
    notify({ tone: 'success', message: 'notice.forgotten', params: { count: forgotten } });
    setConfirmForget(false);
    onDone();
  });

  const none = macs.length === 0;
  const restartConfirmation = JOB_KIND_UI.restart.confirmation;
  return (
    <Group gap="xs">
      <Text size="sm" c="dimmed" data-testid="selected-count">
        {t('phones.selected', { count: macs.length })}
      </Text>
      <Button size="xs" disabled={none} loading={adopt.busy} onClick={() => void adopt.run()} data-testid="adopt-selected">
        {t('actions.adopt')}
      </Button>
      <Button
        size="xs"
        variant="default"
        disabled={none}
        loading={refresh.busy}
        onClick={() => void refresh.run()}
        data-testid="refresh-selected"
      >
        {t('actions.refresh')}
      </Button>
      <Button
        size="xs"
        variant="default"
        color="red"
        disabled={none}
        onClick={() => setConfirmRestart(true)}
        data-testid="restart-selected"
      >
        {t('actions.restart')}
      </Button>
      <ConfirmDialog
        opened={confirmRestart}
        title={t(restartConfirmation.title)}
        message={t(restartConfirmation.many, { count: macs.length })}
        confirmLabel={t(restartConfirmation.confirmLabel)}
        danger
        busy={restart.busy}
        onConfirm={() => void restart.run()}
        onClose={() => setConfirmRestart(false)}
      />
      <Button size="xs" variant="default" disabled={none} onClick={() => setDeploying('file')} data-testid="deploy-file-selected">
        {t('deploy.fileAction')}
      </Button>
      <Button
        size="xs"
        variant="default"
        color="orange"
        disabled={none}
        onClick={() => setDeploying('firmware')}
        data-testid="update-firmware-selected"
      >
        {t('deploy.firmwareAction')}
      </Button>
      <DeployDialog opened={deploying !== null} mode={deploying ?? 'file'} macs={macs} onClose={() => setDeploying(null)} />
      <Button size="xs" variant="default" disabled={none} onClick={() => setApplyingProfile(true)} data-testid="apply-profile-selected">
        {t('apply.action')}
      </Button>
      <ApplyProfileDialog opened={applyingProfile} macs={macs} onClose={() => setApplyingProfile(false)} />
      <Button size="xs" variant="default" disabled={none} onClick={() => setDiagnosing(true)} data-testid="diagnostics-selected">
        {t('diag.title')}
      </Button>
      <Modal opened={diagnosing} onClose={() => setDiagnosing(false)} title={t('diag.title')} size="lg">
        <DiagnosticsActions macs={macs} />
      </Modal>
      <Button
        size="xs"
        variant="default"
        disabled={none}
        onClick={() => setDeployingCertificate(true)}
        data-testid="deploy-certificate-selected"
      >
        {t('certificates.deployAction')}
      </Button>
      <CertificateDeployDialog opened={deployingCertificate} macs={macs} onClose={() => setDeployingCertificate(false)} />
      <Button
        size="xs"
        variant="default"
        color="teal"
        disabled={none}
        onClick={() => setConfirmSecure(true)}
        data-testid="secure-mode-selected"
      >
        {t('actions.secureMode')}
      </Button>
      <ConfirmDialog
        opened={confirmSecure}
        title={t(secureConfirmation.title)}
        message={t(secureConfirmation.many, { count: macs.length })}
        confirmLabel={t(secureConfirmation.confirmLabel)}
        busy={secure.busy}
        onConfirm={() => void secure.run()}
        onClose={() => setConfirmSecure(false)}
      />
      <Button size="xs" variant="default" color="red" disabled={none} onClick={() => setConfirmForget(true)} data-testid="forget-selected">
        {t('actions.forget')}
      </Button>
      <ConfirmDialog
        opened={confirmForget}
        title={t('actions.forgetTitle')}
        message={t('actions.forgetManyMessage', { count: macs.length })}
        confirmLabel={t('actions.forget')}
        danger
        busy={forget.busy}
        onConfirm={() => void forget.run()}
        onClose={() => setConfirmForget(false)}
      />
    </Group>
  );
}
