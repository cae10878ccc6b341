import { Alert, Button, Card, Group, Select, Stack, Table, Text } from '@mantine/core';
import { ROLLOUT_COLUMNS } from '../../../../shared/rollout.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT, type MessageKey } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** What the list would do, with every problem by line and column, and the mapping of its headers. */
export function PreviewCard() {
  const t = useT();
  const preview = useAppStore((state) => state.rolloutPreview);
  const confirmRollout = useAppStore((state) => state.confirmRollout);
  const discard = useAppStore((state) => state.discardRolloutPreview);
  const notify = useAppStore((state) => state.notify);
  const last = useAppStore((state) => state.rolloutInput);
  const previewRollout = useAppStore((state) => state.previewRollout);
  const remap = useAsyncAction(previewRollout);
  const confirm = useAsyncAction(async () => {
    if (!last) return;
    await confirmRollout(last);
    notify({ tone: 'success', message: 'rollout.applied', params: { count: preview?.rows.length ?? 0 } });
  });
  if (!preview) return null;
  const withMac = preview.rows.filter((r) => r.mac).length;

  return (
    <Card withBorder padding="sm" data-testid="rollout-preview">
      <Stack gap="sm">
        <Text size="sm">
          {t('rollout.previewSummary', {
            rows: preview.rows.length,
            withMac,
            withoutMac: preview.rows.length - withMac,
            encoding: preview.encoding,
            delimiter: preview.delimiter === '\t' ? 'Tab' : preview.delimiter,
          })}
        </Text>
        <Group gap="xs" data-testid="rollout-columns">
          {preview.columns.map((c) => (
            <Select
              key={c.header}
              size="xs"
              w={190}
              label={c.header}
              allowDeselect={false}
              data={columnChoices(t, c.key)}
              value={c.key}
              onChange={(key) => key && last && void remap.run({ ...last, mapping: { ...last.mapping, [c.header]: key } })}
            />
          ))}
        </Group>
        {preview.problems.length > 0 ? (
          <Alert color="red" title={t('rollout.problems', { count: preview.problems.length })} data-testid="rollout-problems">
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('rollout.line')}</Table.Th>
                  <Table.Th>{t('rollout.column')}</Table.Th>
                  <Table.Th>{t('rollout.problem')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.problems.map((p, i) => (
                  <Table.Tr key={i} data-testid={`rollout-problem-${p.line}`}>
                    <Table.Td>{p.line}</Table.Td>
                    <Table.Td>{p.column ?? '—'}</Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        ) : (
          <Alert color="green">{t('rollout.noProblems')}</Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={discard}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={preview.problems.length > 0}
            loading={confirm.busy}
            onClick={() => void confirm.run()}
            data-testid="rollout-confirm"
          >
            {t('rollout.confirm', { count: preview.rows.length })}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** What a column can mean: a known one, or kept under its own key for {{variables}}. */
function columnChoices(t: (key: MessageKey, params?: Record<string, string | number>) => string, own: string) {
  const known = ROLLOUT_COLUMNS.map((key) => ({ value: key as string, label: t(`rollout.column.${key}` as MessageKey) }));
  return known.some((k) => k.value === own) ? known : [...known, { value: own, label: `{{${own}}}` }];
}
