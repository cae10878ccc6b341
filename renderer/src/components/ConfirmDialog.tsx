import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n/index.js';

export interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  /** When set, the confirm button enables only once one of these is typed exactly. */
  requireTyped?: string[];
  typedLabel?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
}

type BodyProps = Omit<ConfirmDialogProps, 'opened' | 'title'>;

/** Lives only while the dialog is open, so every opening starts with an empty confirmation field. */
function ConfirmDialogBody({ message, confirmLabel, requireTyped, typedLabel, danger, busy, onConfirm, onClose }: BodyProps) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const confirmed = !requireTyped || requireTyped.includes(typed);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed) onConfirm();
      }}
    >
      <Stack gap="md">
        <Text size="sm">{message}</Text>
        {requireTyped && (
          <TextInput
            data-testid="confirm-input"
            label={typedLabel}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button data-testid="confirm-button" type="submit" color={danger ? 'red' : undefined} disabled={!confirmed} loading={busy}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Asks before anything that cannot be undone (restart, factory reset, new certificate). */
export function ConfirmDialog({ opened, title, onClose, ...body }: ConfirmDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      {opened && <ConfirmDialogBody onClose={onClose} {...body} />}
    </Modal>
  );
}
