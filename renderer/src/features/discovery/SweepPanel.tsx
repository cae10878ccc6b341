import { Badge, Button, Card, Group, Progress, Stack, Switch, Table, Text, Textarea, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { SweepResult } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

const OUTCOME_COLORS = { phone: 'teal', other: 'gray', 'no-answer': 'gray' } as const;
const OUTCOME_ORDER = { phone: 0, other: 1, 'no-answer': 2 } as const;

function SweepResults({ results }: { results: SweepResult[] }) {
  const t = useT();
  // A /24 gives 254 rows of mostly silence; the phones are what the technician is looking for.
  const [showSilent, setShowSilent] = useState(false);
  const shown = useMemo(
    () =>
      results
        .filter((result) => showSilent || result.outcome !== 'no-answer')
        .sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] || a.ip.localeCompare(b.ip, undefined, { numeric: true })),
    [results, showSilent],
  );
  return (
    <Stack gap={4}>
      <Switch
        size="xs"
        label={t('sweep.showNoAnswer')}
        checked={showSilent}
        onChange={(event) => setShowSilent(event.currentTarget.checked)}
      />
      <Table fz="sm" verticalSpacing={4} data-testid="sweep-results">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sweep.ip')}</Table.Th>
            <Table.Th>{t('sweep.outcome')}</Table.Th>
            <Table.Th>{t('sweep.detail')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((result) => (
            <Table.Tr key={result.ip} data-testid={`sweep-result-${result.ip}`}>
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {result.ip}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={OUTCOME_COLORS[result.outcome]}>
                  {t(`sweep.outcome.${result.outcome}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{result.model ? `${result.model} · ${result.detail}` : result.detail}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Wakes phones that already know another provisioning server, by address range. */
export function SweepPanel() {
  const t = useT();
  const [targets, setTargets] = useState('');
  const currentSweepId = useAppStore((state) => state.currentSweepId);
  const run = useAppStore((state) => (state.currentSweepId === null ? undefined : state.sweeps[state.currentSweepId]));
  const startSweep = useAppStore((state) => state.startSweep);
  const cancelSweep = useAppStore((state) => state.cancelSweep);
  const start = useAsyncAction(() => startSweep(targets.trim()));
  const cancel = useAsyncAction(cancelSweep);

  const progress = run?.progress;
  const running = currentSweepId !== null && progress !== undefined && !progress.finished;
  const percent = progress && progress.total > 0 ? (progress.done / progress.total) * 100 : 0;

  return (
    <Card withBorder padding="md">
      <Title order={5} mb="xs">
        {t('sweep.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sweep.intro')}
      </Text>
      <Stack gap="sm">
        <Textarea
          label={t('sweep.targets')}
          placeholder="192.168.1.0/24, 10.0.0.20-10.0.0.80"
          autosize
          minRows={2}
          value={targets}
          onChange={(event) => setTargets(event.currentTarget.value)}
          data-testid="sweep-targets"
        />
        <Group gap="xs">
          <Button
            onClick={() => void start.run()}
            loading={start.busy}
            disabled={running || targets.trim() === ''}
            data-testid="sweep-start"
          >
            {t('sweep.start')}
          </Button>
          <Button variant="default" onClick={() => void cancel.run()} loading={cancel.busy} disabled={!running} data-testid="sweep-cancel">
            {t('common.cancel')}
          </Button>
        </Group>
        {progress && (
          <Stack gap={4}>
            <Progress value={percent} animated={running} data-testid="sweep-progress" aria-label={t('sweep.title')} />
            <Text size="sm" data-testid="sweep-status">
              {t(progress.cancelled ? 'sweep.cancelled' : progress.finished ? 'sweep.finished' : 'sweep.running', {
                done: progress.done,
                total: progress.total,
                found: progress.found,
              })}
            </Text>
          </Stack>
        )}
        {run && run.results.length > 0 && <SweepResults results={run.results} />}
      </Stack>
    </Card>
  );
}
