import { Alert, Badge, Button, Code, Group, Modal, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ApiRes, ProfileApplyView } from '../../../../shared/api.js';
import { SECRET_MASK } from '../../../../shared/catalogue.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { itemLabel } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

interface ApplyProfileDialogProps {
  opened: boolean;
  macs: string[];
  onClose(): void;
}

/**
 * Applying a profile to chosen phones: first the diff per phone (`profiles.apply` in preview
 * mode, nothing queued), then on confirmation one write job per phone that changes.
 */
export function ApplyProfileDialog({ opened, macs, onClose }: ApplyProfileDialogProps) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={t('apply.title', { count: macs.length })} size="xl">
      {opened && <ApplyProfileBody macs={macs} onClose={onClose} />}
    </Modal>
  );
}

function ApplyProfileBody({ macs, onClose }: { macs: string[]; onClose(): void }) {
  const t = useT();
  const profiles = useAppStore((s) => s.profiles);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const applyProfile = useAppStore((s) => s.applyProfile);
  const navigate = useAppStore((s) => s.navigate);
  const notify = useAppStore((s) => s.notify);
  useLoadOnMount(loadProfiles);
  const [profileId, setProfileId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ApiRes<'profiles.apply'> | null>(null);
  const [queued, setQueued] = useState<number | null>(null);
  const check = useAsyncAction(async (id: string) => setPreview(await applyProfile(id, macs, true)), 'apply.previewFailed');
  const confirm = useAsyncAction(async () => {
    if (!profileId) return;
    const result = await applyProfile(profileId, macs, false);
    setPreview(result);
    setQueued(result.jobs.length);
    notify({ tone: 'success', message: 'notice.jobsCreated', params: { count: result.jobs.length } });
  }, 'apply.failed');

  const choose = (id: string | null) => {
    setProfileId(id);
    setPreview(null);
    if (id) void check.run(id);
  };

  const changing = preview?.phones.filter((p) => !p.problems.length && p.changes.length).length ?? 0;
  const refused = preview?.phones.filter((p) => p.problems.length).length ?? 0;
  const unchanged = (preview?.phones.length ?? 0) - changing - refused;

  return (
    <Stack gap="sm" data-testid="apply-dialog">
      <Select
        label={t('rollout.profile')}
        placeholder={t('apply.pickProfile')}
        data={profiles.map((p) => ({ value: p.id, label: p.model ? `${p.name} (${p.model})` : p.name }))}
        value={profileId}
        onChange={choose}
        disabled={queued !== null}
        data-testid="apply-profile"
      />
      {profiles.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('rollout.noProfiles')}
        </Text>
      )}
      {preview && (
        <>
          <Text size="sm" data-testid="apply-summary">
            {t('apply.summary', { changing, refused, unchanged })}
          </Text>
          <ScrollArea.Autosize mah="55dvh" type="auto">
            <Stack gap="xs">
              {preview.phones.map((phone) => (
                <PhoneDiff key={phone.mac} phone={phone} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </>
      )}
      {queued !== null ? (
        <Alert color="green" data-testid="apply-queued">
          <Group justify="space-between">
            <Text size="sm">{t('apply.queued', { count: queued })}</Text>
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                onClose();
                navigate('jobs');
              }}
              data-testid="apply-progress"
            >
              {t('apply.showProgress')}
            </Button>
          </Group>
        </Alert>
      ) : (
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={!preview || changing === 0}
            loading={confirm.busy || check.busy}
            onClick={() => void confirm.run()}
            data-testid="apply-confirm"
          >
            {t('apply.confirm', { count: changing })}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** One phone: the items that change (current → new), or why it gets nothing. */
function PhoneDiff({ phone }: { phone: ProfileApplyView }) {
  const t = useT();
  const summary = useAppStore((s) => s.phones[phone.mac]);
  const name = [phone.mac, summary?.e164, summary?.displayName, summary?.model].filter(Boolean).join(' · ');
  const state = phone.problems.length ? 'refused' : phone.changes.length ? 'changes' : 'unchanged';
  return (
    <Stack gap={4} data-testid={`apply-phone-${phone.mac}`} data-state={state}>
      <Group gap="xs">
        <Text size="sm" fw={600} ff="monospace">
          {name}
        </Text>
        <Badge size="sm" variant="light" tt="none" color={state === 'refused' ? 'red' : state === 'changes' ? 'blue' : 'gray'}>
          {t(`apply.state.${state}`)}
        </Badge>
      </Group>
      {phone.problems.map((problem) => (
        <Text key={problem} size="xs" c="red">
          {problem}
        </Text>
      ))}
      {phone.changes.length > 0 && (
        <Table fz="xs" verticalSpacing={2}>
          <Table.Tbody>
            {phone.changes.map((change) => (
              <Table.Tr key={itemLabel(change)}>
                <Table.Td w="35%">
                  <Text ff="monospace" size="xs">
                    {itemLabel(change)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {change.from === null ? (
                      <Text size="xs" c="dimmed" fs="italic">
                        {t('apply.unknownCurrent')}
                      </Text>
                    ) : (
                      <Code c="dimmed">{shown(change.from)}</Code>
                    )}
                    <Text size="xs">→</Text>
                    <Code>{shown(change.to)}</Code>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

const shown = (value: string): string => (value === '' ? '""' : value === SECRET_MASK ? SECRET_MASK : value);
