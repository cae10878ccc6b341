import { Button, Card, Group, Progress, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ROLLOUT_STATES, type RolloutState } from '../../../../shared/rollout.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT, type MessageKey } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { ApplyProfileDialog } from '../profiles/ApplyProfileDialog.js';
import { RolloutTable } from './RolloutTable.js';

/** The whole site at a glance: progress, bench mode, filters by state, every row live. */
export function ProgressCard() {
  const t = useT();
  const status = useAppStore((state) => state.rollout);
  const setBenchMode = useAppStore((state) => state.setBenchMode);
  const bench = useAsyncAction(setBenchMode);
  const [filter, setFilter] = useState<RolloutState | 'all'>('all');
  const [query, setQuery] = useState('');
  const [selectedMacs, setSelectedMacs] = useState<string[]>([]);
  const [applying, setApplying] = useState(false);
  if (!status) return null;

  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>{t('rollout.progress', { percent: status.percent })}</Text>
          <Switch
            checked={status.benchMode}
            onChange={(event) => void bench.run(event.currentTarget.checked)}
            label={t('rollout.benchMode')}
            description={t('rollout.benchModeHint')}
            data-testid="rollout-bench"
          />
        </Group>
        <Progress value={status.percent} size="lg" data-testid="rollout-progress" aria-valuenow={status.percent} />
        <Group justify="space-between" align="flex-end">
          <SegmentedControl
            value={filter}
            onChange={(value) => setFilter(value as RolloutState | 'all')}
            data={[
              { value: 'all', label: t('rollout.all', { count: status.rows.length }) },
              ...ROLLOUT_STATES.map((s) => ({ value: s, label: `${t(`rollout.state.${s}` as MessageKey)} (${status.counts[s]})` })),
            ]}
            data-testid="rollout-filter"
          />
          <Group gap="xs" align="flex-end">
            <TextInput
              size="xs"
              w={220}
              placeholder={t('rollout.search')}
              aria-label={t('rollout.search')}
              value={query}
              onChange={(event) => setQuery(event.currentTarget.value)}
              data-testid="rollout-search"
            />
            <Button
              size="xs"
              variant="default"
              disabled={selectedMacs.length === 0}
              onClick={() => setApplying(true)}
              data-testid="rollout-apply-profile"
            >
              {t('rollout.applyProfile', { count: selectedMacs.length })}
            </Button>
          </Group>
        </Group>
        <RolloutTable rows={status.rows} filter={filter} query={query} onSelectedMacs={setSelectedMacs} />
      </Stack>
      <ApplyProfileDialog opened={applying} macs={selectedMacs} onClose={() => setApplying(false)} />
    </Card>
  );
}
