import { Alert, Button, Card, FileButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ProfileView } from '../../../../shared/rollout.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { saveBlob } from '../../lib/download.js';
import { useAppStore } from '../../store/context.js';
import { ProfileEditor } from '../profiles/ProfileEditor.js';

/** Which profile the editor shows: a new one, or one of the list. */
type Editing = { profile: ProfileView | null } | null;

/** Profiles: built in the editor or saved from a configured phone, exported and imported as JSON. */
export function ProfilesCard() {
  const t = useT();
  const profiles = useAppStore((state) => state.profiles);
  const loadProfiles = useAppStore((state) => state.loadProfiles);
  const removeProfile = useAppStore((state) => state.removeProfile);
  const exportProfiles = useAppStore((state) => state.exportProfiles);
  const importProfiles = useAppStore((state) => state.importProfiles);
  const notify = useAppStore((state) => state.notify);
  useLoadOnMount(loadProfiles);
  const [editing, setEditing] = useState<Editing>(null);
  const [leftOut, setLeftOut] = useState<string[] | null>(null);
  const remove = useAsyncAction(removeProfile);
  const exportFile = useAsyncAction(async (ids?: string[]) => {
    const file = await exportProfiles(ids);
    saveBlob(new Blob([file.json], { type: 'application/json' }), 'profiles.json');
    setLeftOut(file.leftOut.length ? file.leftOut.map((l) => `${l.profile}: ${l.item}`) : null);
  }, 'profile.exportFailed');
  const importFile = useAsyncAction(async (file: File) => {
    const { profiles: imported, replaced } = await importProfiles(await file.text());
    notify({ tone: 'success', message: 'profile.imported', params: { count: imported.length, replaced: replaced.length } });
  }, 'profile.importFailed');

  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>{t('rollout.profiles')}</Text>
          <Group gap="xs">
            <Button size="xs" onClick={() => setEditing({ profile: null })} data-testid="profile-new">
              {t('profile.new')}
            </Button>
            <FileButton
              onChange={(file) => file && void importFile.run(file)}
              accept=".json,application/json"
              inputProps={{ 'data-testid': 'profile-import-file' } as object}
            >
              {(props) => (
                <Button {...props} size="xs" variant="default" loading={importFile.busy}>
                  {t('profile.import')}
                </Button>
              )}
            </FileButton>
            <Button
              size="xs"
              variant="default"
              disabled={profiles.length === 0}
              loading={exportFile.busy}
              onClick={() => void exportFile.run()}
            >
              {t('profile.exportAll')}
            </Button>
          </Group>
        </Group>
        {profiles.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('rollout.noProfiles')}
          </Text>
        ) : (
          <Table data-testid="rollout-profiles">
            <Table.Tbody>
              {profiles.map((p) => (
                <Table.Tr key={p.id} data-testid={`profile-row-${p.name}`}>
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td>{p.model ?? t('rollout.anyModel')}</Table.Td>
                  <Table.Td>{t('rollout.profileItems', { count: p.items.length })}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="default"
                        onClick={() => setEditing({ profile: p })}
                        data-testid={`profile-edit-${p.name}`}
                      >
                        {t('profile.edit')}
                      </Button>
                      <Button size="compact-xs" variant="default" onClick={() => void exportFile.run([p.id])}>
                        {t('profile.export')}
                      </Button>
                      <Button size="compact-xs" variant="default" color="red" loading={remove.busy} onClick={() => void remove.run(p.id)}>
                        {t('files.remove')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {leftOut && (
          <Alert
            color="blue"
            title={t('profile.exportLeftOut', { count: leftOut.length })}
            withCloseButton
            onClose={() => setLeftOut(null)}
          >
            <Text size="xs">{leftOut.join(' · ')}</Text>
          </Alert>
        )}
        <ProfileFromPhone />
      </Stack>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        size="95%"
        title={editing?.profile ? t('profile.editTitle', { name: editing.profile.name }) : t('profile.newTitle')}
      >
        {editing && <ProfileEditor profile={editing.profile} onDone={() => setEditing(null)} />}
      </Modal>
    </Card>
  );
}

/** A profile saved from a configured phone; what was left out is said, with the reason. */
function ProfileFromPhone() {
  const t = useT();
  const phones = useAppStore((state) => state.phones);
  const profileFromPhone = useAppStore((state) => state.profileFromPhone);
  const [mac, setMac] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [leftOut, setLeftOut] = useState<{ name: string; why: string }[] | null>(null);
  const save = useAsyncAction(async () => {
    if (!mac || !name.trim()) return;
    setLeftOut(await profileFromPhone(mac, name.trim()));
    setName('');
  });
  const phoneOptions = Object.values(phones).map((p) => ({
    value: p.mac,
    label: [p.mac, p.e164, p.model].filter(Boolean).join(' · '),
  }));
  return (
    <>
      <Group align="flex-end">
        <Select label={t('rollout.fromPhone')} data={phoneOptions} value={mac} onChange={setMac} searchable w={340} />
        <TextInput label={t('rollout.profileName')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button variant="default" disabled={!mac || !name.trim()} loading={save.busy} onClick={() => void save.run()}>
          {t('rollout.saveProfile')}
        </Button>
      </Group>
      {leftOut && (
        <Alert color="blue" title={t('rollout.leftOut', { count: leftOut.length })} withCloseButton onClose={() => setLeftOut(null)}>
          <Text size="xs">{leftOut.map((l) => `${l.name}: ${l.why}`).join(' · ')}</Text>
        </Alert>
      )}
    </>
  );
}
