import { Alert, Button, Group, Modal, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useCallback, useState } from 'react';
import {
  CERTIFICATE_SLOTS,
  SLOT_FORMATS,
  type CertificateItemFormat,
  type CertificateSlot,
  type CertificateView,
} from '../../../../shared/certificates.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { useApi, useAppStore } from '../../store/context.js';

export interface CertificateDeployDialogProps {
  opened: boolean;
  macs: string[];
  onClose(): void;
}

/** Which stored certificate goes into which slot of the phones; says how it travels before anything is queued. */
export function CertificateDeployDialog({ opened, macs, onClose }: CertificateDeployDialogProps) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={t('certificates.deployTitle', { count: macs.length })} size="lg">
      {opened && <DeployBody macs={macs} onClose={onClose} />}
    </Modal>
  );
}

function DeployBody({ macs, onClose }: { macs: string[]; onClose(): void }) {
  const t = useT();
  const api = useApi();
  const deploy = useAppStore((state) => state.deployFiles);
  const notify = useAppStore((state) => state.notify);
  const [certificates, setCertificates] = useState<CertificateView[]>([]);
  const [certificateId, setCertificateId] = useState<string | null>(null);
  const [slot, setSlot] = useState<CertificateSlot>('wbm-server-certificate');
  const [slotIndex, setSlotIndex] = useState<string | number>(0);
  const [itemName, setItemName] = useState('');
  const [itemFormat, setItemFormat] = useState<CertificateItemFormat>('pem');
  const load = useCallback(async () => setCertificates(await api.call('certificates.list', {})), [api]);
  useLoadOnMount(load);

  const queue = useAsyncAction(async () => {
    if (!certificateId) return;
    const result = await deploy({
      macs,
      kind: 'certificate',
      certificateId,
      slot,
      ...(slot === 'dls-server-ca' ? { slotIndex: Number(slotIndex) } : {}),
      ...(slot === 'expert' ? { itemName: itemName.trim(), itemFormat } : {}),
    });
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: result.jobs.length } });
    onClose();
  }, 'certificates.deployFailed');

  const format = slot === 'expert' ? itemFormat : SLOT_FORMATS[slot];
  const usable = certificates.filter((c) => c.revokedAt === null);
  if (!usable.length) return <Text size="sm">{t('certificates.deployNone')}</Text>;
  return (
    <Stack gap="sm">
      <Select
        label={t('certificates.deployCertificate')}
        data={usable.map((c) => ({ value: c.id, label: `${c.name}${c.hasKey ? ` · ${t('certificates.withKey')}` : ''}` }))}
        value={certificateId}
        onChange={setCertificateId}
        data-testid="certificate-deploy-certificate"
      />
      <Select
        label={t('certificates.deploySlot')}
        data={CERTIFICATE_SLOTS.map((s) => ({ value: s, label: t(`certificates.slot.${s}`) }))}
        value={slot}
        onChange={(value) => value && setSlot(value as CertificateSlot)}
        allowDeselect={false}
        data-testid="certificate-deploy-slot"
      />
      {slot === 'dls-server-ca' && (
        <NumberInput label={t('certificates.deployIndex')} min={0} max={9} allowDecimal={false} value={slotIndex} onChange={setSlotIndex} />
      )}
      {slot === 'expert' && (
        <>
          <Alert color="orange" data-testid="certificate-expert-note">
            {t('certificates.expertNote')}
          </Alert>
          <TextInput
            label={t('certificates.deployItemName')}
            value={itemName}
            onChange={(e) => setItemName(e.currentTarget.value)}
            data-testid="certificate-deploy-item"
          />
          <Select
            label={t('certificates.deployItemFormat')}
            data={(['pem', 'pkcs12'] as const).map((f) => ({ value: f, label: t(`certificates.format.${f}`) }))}
            value={itemFormat}
            onChange={(value) => value && setItemFormat(value as CertificateItemFormat)}
            allowDeselect={false}
          />
        </>
      )}
      {format === 'pkcs12' && (
        <Alert color="blue" data-testid="certificate-pkcs12-note">
          {t('certificates.pkcs12Note')}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {t('certificates.readBackNote')}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          disabled={!certificateId || (slot === 'expert' && !itemName.trim())}
          loading={queue.busy}
          onClick={() => void queue.run()}
          data-testid="certificate-deploy-confirm"
        >
          {t('certificates.deployConfirm')}
        </Button>
      </Group>
    </Stack>
  );
}
