import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { PhoneSummary } from '../../../../shared/model.js';
import { fileDeletionItems, storedPhoneFiles, type StoredPhoneFile } from '../../../../shared/phone-files.js';
import { JobStateBadge } from '../../components/badges.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { jobReasonText } from '../../lib/jobReason.js';
import { useAppStore } from '../../store/context.js';
import { jobKindLabel, mayQueueFor } from '../jobs/kinds.js';
import { DeployDialog, type DeployMode } from './DeployDialog.js';
import { JobDownload } from './JobDownload.js';

/** Deployments shown on the phone's page: its newest file and firmware jobs. */
const DEPLOYMENTS_SHOWN = 20;

/** Files and firmware of one phone: deploy, watch the download, see what it stores, delete. */
export function PhoneFilesTab({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  const loadFiles = useAppStore((state) => state.loadFiles);
  const files = useAppStore((state) => state.files);
  const items = useAppStore((state) => (state.editor.mac === phone.mac ? state.editor.items : null));
  const allJobs = useAppStore((state) => state.jobs);
  const createJobs = useAppStore((state) => state.createJobs);
  const notify = useAppStore((state) => state.notify);
  const [deploying, setDeploying] = useState<DeployMode | null>(null);
  const [deleting, setDeleting] = useState<StoredPhoneFile | null>(null);
  useLoadOnMount(loadFiles);

  const quarantined = phone.adoption === 'quarantined';
  const stored = useMemo(() => storedPhoneFiles(items ?? []), [items]);
  const deployments = useMemo(
    () =>
      Object.values(allJobs)
        .filter((j) => j.mac === phone.mac && (j.kind === 'file-deployment' || j.kind === 'software-deployment'))
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, DEPLOYMENTS_SHOWN),
    [allJobs, phone.mac],
  );
  const remove = useAsyncAction(async (file: StoredPhoneFile) => {
    await createJobs([phone.mac], 'file-deployment', fileDeletionItems([file]));
    notify({ tone: 'success', message: 'deploy.deleteQueued', params: { name: file.name, mac: phone.mac } });
    setDeleting(null);
  });

  return (
    <Stack gap="md" maw={960}>
      <Group gap="xs">
        <Button
          disabled={!mayQueueFor('file-deployment', quarantined)}
          onClick={() => setDeploying('file')}
          data-testid="phone-deploy-file"
        >
          {t('deploy.fileAction')}
        </Button>
        <Button
          variant="default"
          color="orange"
          disabled={!mayQueueFor('software-deployment', quarantined)}
          onClick={() => setDeploying('firmware')}
          data-testid="phone-update-firmware"
        >
          {t('deploy.firmwareAction')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('deploy.firmwareNow', { version: phone.softwareVersion ?? '—' })}
        </Text>
      </Group>

      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          {t('deploy.deployments')}
        </Title>
        {deployments.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('deploy.noDeployments')}
          </Text>
        ) : (
          <Table data-testid="phone-deployments">
            <Table.Tbody>
              {deployments.map((job) => (
                <Table.Tr key={job.id} data-testid={`deployment-${job.id}`}>
                  <Table.Td w={170}>
                    <Text size="sm">{jobKindLabel(t, job.kind)}</Text>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(job.createdAt, language)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {job.fileIds.map((id) => files[id]?.name ?? t('deploy.removedFile')).join(', ') || deletedNames(job.items)}
                    </Text>
                    <JobDownload job={job} />
                  </Table.Td>
                  <Table.Td w={150}>
                    <JobStateBadge state={job.state} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{jobReasonText(job, t, language) || resultText(job.results)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder padding="sm">
        <Title order={5} mb="xs">
          {t('deploy.stored')}
        </Title>
        {stored.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('deploy.noneStored')}
          </Text>
        ) : (
          <Table data-testid="phone-stored-files">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('files.name')}</Table.Th>
                <Table.Th>{t('files.kind')}</Table.Th>
                <Table.Th>{t('deploy.status')}</Table.Th>
                <Table.Th>{t('deploy.when')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stored.map((file) => (
                <Table.Tr key={file.index} data-testid={`stored-file-${file.name}`}>
                  <Table.Td>{file.name}</Table.Td>
                  <Table.Td>{file.type}</Table.Td>
                  <Table.Td>{file.status}</Table.Td>
                  <Table.Td>{file.when}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="default"
                      color="red"
                      disabled={quarantined}
                      onClick={() => setDeleting(file)}
                      data-testid={`stored-file-delete-${file.name}`}
                    >
                      {t('deploy.delete')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="xs" c="dimmed" mt="xs">
          {t('deploy.storedHint')}
        </Text>
      </Card>

      <DeployDialog opened={deploying !== null} mode={deploying ?? 'file'} macs={[phone.mac]} onClose={() => setDeploying(null)} />
      <ConfirmDialog
        opened={deleting !== null}
        title={t('deploy.deleteTitle')}
        message={t('deploy.deleteMessage', { name: deleting?.name ?? '', type: deleting?.type ?? '', mac: phone.mac })}
        confirmLabel={t('deploy.delete')}
        danger
        busy={remove.busy}
        onConfirm={() => deleting && void remove.run(deleting)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}

/** A deletion job names its files in items only. */
function deletedNames(items: { name: string; value: string }[]): string {
  return items
    .filter((i) => i.name === 'file-name')
    .map((i) => i.value)
    .join(', ');
}

/** The phone's words for a finished job: each file's or the version's result. */
function resultText(results: { name: string; value?: string; status: string }[]): string {
  return results
    .filter((r) => r.name === 'file-name' || r.name === 'software-version' || r.name === 'file-deployment-status')
    .map((r) => `${r.value ?? r.name}: ${r.status}`)
    .join(', ');
}
