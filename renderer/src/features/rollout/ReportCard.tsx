import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { saveBlob } from '../../lib/download.js';
import { useAppStore } from '../../store/context.js';

/** The hand-over: report as CSV or to print, and the list as it stands. */
export function ReportCard() {
  const t = useT();
  const language = useLanguage();
  const [site, setSite] = useState('');
  const [technician, setTechnician] = useState('');
  const handOverReport = useAppStore((state) => state.handOverReport);
  const exportRolloutList = useAppStore((state) => state.exportRolloutList);
  const printReportPdf = useAppStore((state) => state.printReportPdf);
  const notify = useAppStore((state) => state.notify);
  // The desktop app prints to an A4 PDF itself; a browser has its own print view.
  const desktop = useAppStore((state) => state.appInfo?.mode === 'electron');
  const list = useAsyncAction(async () => {
    saveBlob(new Blob([await exportRolloutList()], { type: 'text/csv;charset=utf-8' }), `extensions-${site || 'site'}.csv`);
  });
  const csv = useAsyncAction(async () => {
    const text = await handOverReport('csv', { site, technician, language });
    saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), `handover-${site || 'site'}.csv`);
  });
  const print = useAsyncAction(async () => {
    if (desktop) {
      const { savedTo } = await printReportPdf({ site, technician, language });
      if (savedTo) notify({ tone: 'success', message: 'rollout.reportSaved', params: { path: savedTo } });
      return;
    }
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
          <Button variant="default" loading={print.busy} onClick={() => void print.run()} data-testid="report-html">
            {t('rollout.reportPrint')}
          </Button>
          <Button variant="subtle" loading={list.busy} onClick={() => void list.run()} data-testid="rollout-export">
            {t('rollout.exportList')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t(desktop ? 'rollout.reportHintDesktop' : 'rollout.reportHint')}
        </Text>
      </Stack>
    </Card>
  );
}
