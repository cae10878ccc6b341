import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../i18n/index.js';

/** Name of a new site, or the new name of the open one. */
export function SiteNameDialog({
  mode,
  initial,
  onSubmit,
  onClose,
}: {
  mode: 'create' | 'rename';
  initial: string;
  onSubmit(name: string): Promise<unknown>;
  onClose(): void;
}) {
  const t = useT();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await onSubmit(name.trim());
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t(mode === 'create' ? 'sites.newTitle' : 'sites.renameTitle')}>
      <Stack>
        {mode === 'create' && (
          <Text size="sm" c="dimmed">
            {t('sites.newHint')}
          </Text>
        )}
        <TextInput
          label={t('sites.name')}
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.currentTarget.value)}
          data-autofocus
          data-testid="site-name"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} disabled={!name.trim()} onClick={() => void submit()} data-testid="site-name-ok">
            {t(mode === 'create' ? 'sites.create' : 'common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
