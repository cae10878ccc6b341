import { Button, Group, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { RolloutRowView } from '../../../../shared/rollout.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** A row without a phone gets one by MAC; a row given by bench mode or by hand is reversible until provisioned. */
export function RowAssignment({ row }: { row: RolloutRowView }) {
  const t = useT();
  const assignRow = useAppStore((state) => state.assignRow);
  const unassignRow = useAppStore((state) => state.unassignRow);
  const assign = useAsyncAction(assignRow);
  const unassign = useAsyncAction(unassignRow);
  const [mac, setMac] = useState<string | null>(null);

  if (row.state === 'unassigned') {
    if (mac === null)
      return (
        <Button size="compact-xs" variant="default" onClick={() => setMac('')}>
          {t('rollout.assign')}
        </Button>
      );
    return (
      <Group gap={4} wrap="nowrap">
        <TextInput
          size="xs"
          placeholder="00:1A:E8:…"
          value={mac}
          onChange={(event) => setMac(event.currentTarget.value)}
          aria-label={t('rollout.assignMac')}
        />
        <Button size="compact-xs" loading={assign.busy} onClick={() => void assign.run(row.id, mac).then(() => setMac(null))}>
          {t('rollout.assign')}
        </Button>
      </Group>
    );
  }
  const reversible =
    row.assignedBy !== 'list' && (row.state === 'not-seen' || row.state === 'provisioning' || row.state === 'waiting-adoption');
  if (!reversible) return null;
  return (
    <Button size="compact-xs" variant="default" loading={unassign.busy} onClick={() => void unassign.run(row.id)}>
      {t('rollout.unassign')}
    </Button>
  );
}
