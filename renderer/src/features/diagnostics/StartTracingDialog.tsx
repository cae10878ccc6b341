import { Alert, Button, Checkbox, Group, Modal, NumberInput, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import {
  ASSUMED_TRACE_COMPONENTS,
  ASSUMED_TRACE_LEVEL_VALUES,
  DEFAULT_TRACE_MINUTES,
  type TraceLevelSetting,
  MAX_TRACE_MINUTES,
  needsReboot,
  presetLevels,
  TRACE_PRESETS,
  type TracePreset,
} from '../../../../shared/traces.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Preset and duration; SIP message tracing needs a restart, which the dialog says and offers. */
export function StartTracingDialog({ macs, opened, onClose }: { macs: string[]; opened: boolean; onClose(): void }) {
  const t = useT();
  const startTracing = useAppStore((state) => state.startTracing);
  const createJobs = useAppStore((state) => state.createJobs);
  const notify = useAppStore((state) => state.notify);
  const [preset, setPreset] = useState<TracePreset>('sip');
  const [minutes, setMinutes] = useState<string | number>(DEFAULT_TRACE_MINUTES);
  const [restart, setRestart] = useState(false);
  // Expert view: every index at its own level, starting from the preset (values 0–6, assumed).
  const [expert, setExpert] = useState<Record<number, string> | null>(null);
  const levels: TraceLevelSetting[] = expert
    ? Object.entries(expert).map(([index, value]) => ({ index: Number(index), value }))
    : presetLevels(preset);
  const reboot = needsReboot(levels);
  const openExpert = (on: boolean) => setExpert(on ? Object.fromEntries(presetLevels(preset).map((l) => [l.index, l.value])) : null);

  const start = useAsyncAction(async () => {
    const result = await startTracing(macs, expert ? levels.filter((l) => l.value !== '0') : preset, Number(minutes));
    // The restart is queued after the levels: the engine sends rebooting jobs last.
    if (reboot && restart) await createJobs(macs, 'restart');
    notify({ tone: 'success', message: 'notice.tracingStarted', params: { count: result.jobs, minutes: Number(minutes) } });
    onClose();
  });
  const validMinutes = Number.isInteger(Number(minutes)) && Number(minutes) >= 1 && Number(minutes) <= MAX_TRACE_MINUTES;

  return (
    <Modal opened={opened} onClose={onClose} title={t('diag.startTracing')} data-testid="start-tracing-dialog">
      <Stack gap="sm">
        <Select
          label={t('diag.preset')}
          data={TRACE_PRESETS.map((p) => ({ value: p, label: t(`diag.preset.${p}`) }))}
          value={preset}
          allowDeselect={false}
          onChange={(value) => value && setPreset(value as TracePreset)}
          data-testid="tracing-preset"
        />
        <Checkbox
          label={t('diag.expert')}
          checked={expert !== null}
          onChange={(e) => openExpert(e.currentTarget.checked)}
          data-testid="tracing-expert"
        />
        {expert && (
          <ScrollArea h={260} data-testid="tracing-expert-levels">
            <Table>
              <Table.Tbody>
                {ASSUMED_TRACE_COMPONENTS.map((component, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>
                      <Text size="xs">{`${index} · ${component}`}</Text>
                    </Table.Td>
                    <Table.Td w={140}>
                      <Select
                        size="xs"
                        aria-label={component}
                        allowDeselect={false}
                        data={ASSUMED_TRACE_LEVEL_VALUES.map((name, value) => ({ value: String(value), label: name }))}
                        value={expert[index] ?? '0'}
                        onChange={(value) => value !== null && setExpert({ ...expert, [index]: value })}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
        <NumberInput
          label={t('diag.minutes')}
          min={1}
          max={MAX_TRACE_MINUTES}
          allowDecimal={false}
          value={minutes}
          onChange={setMinutes}
          data-testid="tracing-minutes"
        />
        <Text size="xs" c="dimmed">
          {t('diag.assumedHint')}
        </Text>
        {reboot && (
          <Alert color="yellow" data-testid="tracing-reboot-hint">
            <Stack gap="xs">
              <Text size="sm">{t('diag.rebootHint')}</Text>
              <Checkbox label={t('diag.restartAfter')} checked={restart} onChange={(e) => setRestart(e.currentTarget.checked)} />
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={!validMinutes || (expert !== null && !levels.some((l) => l.value !== '0'))}
            loading={start.busy}
            onClick={() => void start.run()}
            data-testid="tracing-start-confirm"
          >
            {t('diag.start')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
