import {
  Alert,
  Badge,
  Button,
  Card,
  FileButton,
  Group,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ROLLOUT_COLUMNS, ROLLOUT_STATES, type RolloutState } from '../../../../shared/rollout.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT, type MessageKey } from '../../i18n/index.js';
import { saveBlob } from '../../lib/download.js';
import { ProfilesCard } from './ProfilesCard.js';
import { formatDateTime } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

const STATE_COLORS: Record<RolloutState, string> = {
  unassigned: 'gray',
  'not-seen': 'gray',
  'waiting-adoption': 'orange',
  provisioning: 'blue',
  done: 'green',
  attention: 'red',
};
/** Live status is fetched again this long after the last phone or job change (a site's burst coalesces). */
const RELOAD_DELAY_MS = 400;
/** Rows shown at once; the filter narrows a big site down. */
const ROWS_SHOWN = 500;

/** The site's roll-out: import an extension list, check the preview, confirm, watch it reach 100 %, hand over. */
export function RolloutScreen() {
  const t = useT();
  const status = useAppStore((state) => state.rollout);
  const preview = useAppStore((state) => state.rolloutPreview);
  const loadRollout = useAppStore((state) => state.loadRollout);
  useLoadOnMount(loadRollout);
  useLiveReload(loadRollout);

  return (
    <Stack gap="md">
      <Title order={3}>{t('rollout.title')}</Title>
      <ProfilesCard />
      <ImportCard />
      {preview && <PreviewCard />}
      {status && <ProgressCard />}
      <ReportCard />
    </Stack>
  );
}

/** Phones and jobs change live; the roll-out's status is derived from both, so it follows them. */
function useLiveReload(load: () => Promise<void>): void {
  const phones = useAppStore((state) => state.phones);
  const jobs = useAppStore((state) => state.jobs);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void load().catch(() => undefined), RELOAD_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [phones, jobs, load]);
}

function ImportCard() {
  const t = useT();
  const previewRollout = useAppStore((state) => state.previewRollout);
  const profiles = useAppStore((state) => state.profiles);
  const [profileId, setProfileId] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const check = useAsyncAction(async (file: File) => {
    setFileName(file.name);
    const csvBase64 = toBase64(new Uint8Array(await file.arrayBuffer()));
    await previewRollout(profileId ? { csvBase64, profileId } : { csvBase64 });
  }, 'rollout.importFailed');

  return (
    <Card withBorder padding="sm">
      <Group justify="space-between">
        <Stack gap={2}>
          <Text fw={600}>{t('rollout.import')}</Text>
          <Text size="sm" c="dimmed">
            {t('rollout.importHint')}
          </Text>
        </Stack>
        <Group align="flex-end">
          <Select
            label={t('rollout.profile')}
            placeholder={t('rollout.noProfile')}
            data={profiles.map((p) => ({ value: p.id, label: p.model ? `${p.name} (${p.model})` : p.name }))}
            value={profileId}
            onChange={setProfileId}
            clearable
            data-testid="rollout-profile"
          />
          <FileButton
            onChange={(file) => file && void check.run(file)}
            accept=".csv,.txt,text/csv"
            inputProps={{ 'data-testid': 'rollout-file' } as object}
          >
            {(props) => (
              <Button {...props} loading={check.busy} data-testid="rollout-choose">
                {fileName ? t('rollout.chooseAnother') : t('rollout.choose')}
              </Button>
            )}
          </FileButton>
        </Group>
      </Group>
    </Card>
  );
}

function PreviewCard() {
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

function ProgressCard() {
  const t = useT();
  const language = useLanguage();
  const status = useAppStore((state) => state.rollout);
  const setBenchMode = useAppStore((state) => state.setBenchMode);
  const unassignRow = useAppStore((state) => state.unassignRow);
  const assignRow = useAppStore((state) => state.assignRow);
  const [filter, setFilter] = useState<RolloutState | 'all'>('all');
  const bench = useAsyncAction(setBenchMode);
  const unassign = useAsyncAction(unassignRow);
  const assign = useAsyncAction(assignRow);
  const [assigning, setAssigning] = useState<{ rowId: string; mac: string } | null>(null);
  const rows = useMemo(() => (status ? status.rows.filter((r) => filter === 'all' || r.state === filter) : []), [status, filter]);
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
        <SegmentedControl
          value={filter}
          onChange={(value) => setFilter(value as RolloutState | 'all')}
          data={[
            { value: 'all', label: t('rollout.all', { count: status.rows.length }) },
            ...ROLLOUT_STATES.map((s) => ({ value: s, label: `${t(`rollout.state.${s}` as MessageKey)} (${status.counts[s]})` })),
          ]}
          data-testid="rollout-filter"
        />
        <Table data-testid="rollout-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rollout.line')}</Table.Th>
              <Table.Th>MAC</Table.Th>
              <Table.Th>{t('rollout.extension')}</Table.Th>
              <Table.Th>{t('rollout.name')}</Table.Th>
              <Table.Th>{t('rollout.stateColumn')}</Table.Th>
              <Table.Th>{t('rollout.changed')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.slice(0, ROWS_SHOWN).map((row) => (
              <Table.Tr key={row.id} data-testid={`rollout-row-${row.line}`} data-state={row.state}>
                <Table.Td>{row.line}</Table.Td>
                <Table.Td ff="monospace">{row.mac ?? '—'}</Table.Td>
                <Table.Td>{row.extension}</Table.Td>
                <Table.Td>{row.displayName}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" tt="none" color={STATE_COLORS[row.state]}>
                    {t(`rollout.state.${row.state}` as MessageKey)}
                  </Badge>
                  {row.reason && (
                    <Text size="xs" c="dimmed">
                      {row.reason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(row.updatedAt, language)}</Table.Td>
                <Table.Td>
                  {row.state === 'unassigned' ? (
                    assigning?.rowId === row.id ? (
                      <Group gap={4} wrap="nowrap">
                        <TextInput
                          size="xs"
                          placeholder="00:1A:E8:…"
                          value={assigning.mac}
                          onChange={(event) => setAssigning({ rowId: row.id, mac: event.currentTarget.value })}
                          aria-label={t('rollout.assignMac')}
                        />
                        <Button
                          size="compact-xs"
                          loading={assign.busy}
                          onClick={() => void assign.run(row.id, assigning.mac).then(() => setAssigning(null))}
                        >
                          {t('rollout.assign')}
                        </Button>
                      </Group>
                    ) : (
                      <Button size="compact-xs" variant="default" onClick={() => setAssigning({ rowId: row.id, mac: '' })}>
                        {t('rollout.assign')}
                      </Button>
                    )
                  ) : (
                    row.assignedBy !== 'list' &&
                    (row.state === 'not-seen' || row.state === 'provisioning' || row.state === 'waiting-adoption') && (
                      <Button size="compact-xs" variant="default" loading={unassign.busy} onClick={() => void unassign.run(row.id)}>
                        {t('rollout.unassign')}
                      </Button>
                    )
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {rows.length > ROWS_SHOWN && (
          <Text size="xs" c="dimmed">
            {t('rollout.more', { count: rows.length - ROWS_SHOWN })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function ReportCard() {
  const t = useT();
  const language = useLanguage();
  const [site, setSite] = useState('');
  const [technician, setTechnician] = useState('');
  const handOverReport = useAppStore((state) => state.handOverReport);
  const exportRolloutList = useAppStore((state) => state.exportRolloutList);
  const list = useAsyncAction(async () => {
    saveBlob(new Blob([await exportRolloutList()], { type: 'text/csv;charset=utf-8' }), `extensions-${site || 'site'}.csv`);
  });
  const csv = useAsyncAction(async () => {
    const text = await handOverReport('csv', { site, technician, language });
    saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), `handover-${site || 'site'}.csv`);
  });
  const html = useAsyncAction(async () => {
    const page = await handOverReport('html', { site, technician, language });
    const blob = new Blob([page], { type: 'text/html;charset=utf-8' });
    // A tab of its own to print from (Ctrl+P → PDF, A4); a blocked pop-up gets the file instead.
    const url = URL.createObjectURL(blob);
    if (!window.open(url, '_blank')) saveBlob(blob, `handover-${site || 'site'}.html`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Text fw={600}>{t('rollout.report')}</Text>
        <Group align="flex-end">
          <TextInput label={t('rollout.site')} value={site} onChange={(e) => setSite(e.currentTarget.value)} data-testid="report-site" />
          <TextInput label={t('rollout.technician')} value={technician} onChange={(e) => setTechnician(e.currentTarget.value)} />
          <Button variant="default" loading={csv.busy} onClick={() => void csv.run()} data-testid="report-csv">
            {t('rollout.reportCsv')}
          </Button>
          <Button variant="default" loading={html.busy} onClick={() => void html.run()} data-testid="report-html">
            {t('rollout.reportPrint')}
          </Button>
          <Button variant="subtle" loading={list.busy} onClick={() => void list.run()} data-testid="rollout-export">
            {t('rollout.exportList')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t('rollout.reportHint')}
        </Text>
      </Stack>
    </Card>
  );
}

/** What a column can mean: a known one, or kept under its own key for {{variables}}. */
function columnChoices(t: (key: MessageKey, params?: Record<string, string | number>) => string, own: string) {
  const known = ROLLOUT_COLUMNS.map((key) => ({ value: key as string, label: t(`rollout.column.${key}` as MessageKey) }));
  return known.some((k) => k.value === own) ? known : [...known, { value: own, label: `{{${own}}}` }];
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
