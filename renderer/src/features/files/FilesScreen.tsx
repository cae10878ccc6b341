import { Badge, Button, Group, Paper, Progress, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useMemo, useRef, useState, type DragEvent } from 'react';
import type { FileRefusalView } from '../../../../shared/api.js';
import { FILE_KINDS, type FileDownloadView, type FileKind, type FileView } from '../../../../shared/model.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { formatBytes } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

/** The file library: import (drop, dialog or file input), kind, size, checks, what uses a file. */
export function FilesScreen() {
  const t = useT();
  const files = useAppStore((state) => state.files);
  const loadFiles = useAppStore((state) => state.loadFiles);
  const canUpload = useAppStore((state) => state.canUpload);
  const uploadFiles = useAppStore((state) => state.uploadFiles);
  const pickFiles = useAppStore((state) => state.pickFiles);
  const notify = useAppStore((state) => state.notify);
  useLoadOnMount(loadFiles);
  const input = useRef<HTMLInputElement>(null);
  const [refused, setRefused] = useState<FileRefusalView[]>([]);
  const [dragging, setDragging] = useState(false);

  const report = (outcome: FileRefusalView[] | undefined, tried: number): void => {
    if (!outcome) return;
    setRefused(outcome);
    if (tried > outcome.length) notify({ tone: 'success', message: 'files.imported', params: { count: tried - outcome.length } });
  };
  const upload = useAsyncAction(async (list: File[]) =>
    report(await uploadFiles(list.map((f) => ({ blob: f, name: f.name }))), list.length),
  );
  const pick = useAsyncAction(async () => {
    const outcome = await pickFiles();
    setRefused(outcome);
  });
  const importFiles = (): void => {
    if (canUpload) input.current?.click();
    else void pick.run();
  };
  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const dropped = [...event.dataTransfer.files];
    if (dropped.length && canUpload) void upload.run(dropped);
  };
  const sorted = useMemo(() => Object.values(files).sort((a, b) => b.addedAt - a.addedAt), [files]);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>{t('nav.files')}</Title>
        <Button onClick={importFiles} loading={upload.busy || pick.busy} data-testid="files-import">
          {t('files.import')}
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="files-input"
          onChange={(event) => {
            const chosen = [...(event.currentTarget.files ?? [])];
            event.currentTarget.value = '';
            if (chosen.length) void upload.run(chosen);
          }}
        />
      </Group>
      <Paper
        withBorder
        p="md"
        style={{ borderStyle: 'dashed', background: dragging ? 'var(--mantine-color-indigo-light)' : undefined }}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="files-drop"
      >
        <Text size="sm" c="dimmed" ta="center">
          {canUpload ? t('files.dropHint') : t('files.dialogHint')}
        </Text>
      </Paper>
      {refused.length > 0 && (
        <Paper withBorder p="sm" data-testid="files-refused">
          <Text size="sm" fw={500} c="red">
            {t('files.refused')}
          </Text>
          {refused.map((r) => (
            <Text key={r.name} size="sm">
              {r.name}: {r.message}
            </Text>
          ))}
        </Paper>
      )}
      {sorted.length === 0 ? (
        <Text c="dimmed">{t('files.empty')}</Text>
      ) : (
        <Table striped highlightOnHover data-testid="files-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('files.name')}</Table.Th>
              <Table.Th>{t('files.kind')}</Table.Th>
              <Table.Th>{t('files.size')}</Table.Th>
              <Table.Th>{t('files.checks')}</Table.Th>
              <Table.Th>{t('files.usedBy')}</Table.Th>
              <Table.Th>{t('files.added')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((file) => (
              <FileRow key={file.id} file={file} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function FileRow({ file }: { file: FileView }) {
  const t = useT();
  const language = useLanguage();
  const downloads = useAppStore((state) => state.downloads[file.id]);
  const setFileKind = useAppStore((state) => state.setFileKind);
  const removeFile = useAppStore((state) => state.removeFile);
  const [confirming, setConfirming] = useState(false);
  const changeKind = useAsyncAction(setFileKind);
  const remove = useAsyncAction(async () => {
    await removeFile(file.id);
    setConfirming(false);
  });
  const running = Object.values(downloads ?? {}).filter((d) => d.state === 'running');
  const kinds: readonly FileKind[] = file.kind === 'FIRMWARE' ? ['FIRMWARE'] : FILE_KINDS.filter((k) => k !== 'FIRMWARE');

  return (
    <Table.Tr data-testid={`file-row-${file.id}`}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {file.name}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace" title={file.sha256}>
          {file.format.toUpperCase()}
          {file.width && file.height ? ` · ${file.width}×${file.height}` : ''}
          {file.firmware ? ` · ${file.firmware.model ?? '?'} ${file.firmware.version ?? t('files.versionUnknown')}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          w={150}
          data={kinds.map((k) => ({ value: k, label: t(`fileKind.${k}`) }))}
          value={file.kind}
          disabled={file.kind === 'FIRMWARE'}
          allowDeselect={false}
          onChange={(value) => value && value !== file.kind && void changeKind.run(file.id, value as FileKind)}
          data-testid={`file-kind-${file.id}`}
        />
      </Table.Td>
      <Table.Td>{formatBytes(file.size)}</Table.Td>
      <Table.Td>
        {file.checks.length === 0 ? (
          <Badge color="green" variant="light" size="sm">
            {t('files.checksOk')}
          </Badge>
        ) : (
          <Stack gap={2}>
            {file.checks.map((check) => (
              <Text key={check.rule} size="xs" c="orange" data-testid={`file-check-${file.id}-${check.rule}`}>
                {check.message}
              </Text>
            ))}
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text size="sm">{file.usedBy.length ? t('files.usedByJobs', { count: file.usedBy.length }) : '—'}</Text>
          {running.map((d) => (
            <DownloadProgress key={d.id} download={d} />
          ))}
        </Stack>
      </Table.Td>
      <Table.Td>{formatDateTime(file.addedAt, language)}</Table.Td>
      <Table.Td>
        <Tooltip label={t('files.inUse')} disabled={file.usedBy.length === 0}>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            disabled={file.usedBy.length > 0}
            onClick={() => setConfirming(true)}
            data-testid={`file-remove-${file.id}`}
          >
            {t('files.remove')}
          </Button>
        </Tooltip>
        <ConfirmDialog
          opened={confirming}
          title={t('files.removeTitle')}
          message={t('files.removeMessage', { name: file.name })}
          confirmLabel={t('files.remove')}
          danger
          busy={remove.busy}
          onConfirm={() => void remove.run()}
          onClose={() => setConfirming(false)}
        />
      </Table.Td>
    </Table.Tr>
  );
}

function DownloadProgress({ download }: { download: FileDownloadView }) {
  const percent = download.expected > 0 ? Math.round((download.bytes / download.expected) * 100) : 0;
  return (
    <Group gap={4} wrap="nowrap" data-testid={`download-${download.peer}`}>
      <Text size="xs" ff="monospace" w={110}>
        {download.peer}
      </Text>
      <Progress value={percent} w={80} size="sm" aria-label={`${download.peer} ${percent}%`} />
      <Text size="xs">{percent}%</Text>
    </Group>
  );
}
