import { Alert, Button, Checkbox, FileInput, Group, List, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { SITE_FILE_EXTENSION, type SiteImportView } from '../../../../shared/sites.js';
import { describeError, toApiError } from '../../api/errors.js';
import { useT, type MessageKey } from '../../i18n/index.js';
import { useApi } from '../../store/context.js';
import { SiteBusy } from './SiteBusy.js';
import { useSiteProgress } from './useSiteProgress.js';

/** The main process's refusals that the technician can act on, in their language. */
function importProblem(error: unknown): MessageKey | null {
  const apiError = toApiError(error);
  if (apiError.status !== 400) return null;
  if (apiError.message.startsWith('wrong passphrase')) return 'sites.wrongPassphrase';
  if (apiError.message.includes('give the passphrase')) return 'sites.needsPassphrase';
  return 'sites.importFailed';
}

/** sites.import: browser mode uploads the chosen file first; Electron opens its own dialog. */
export function ImportSiteDialog({ onClose, onImported }: { onClose(): void; onImported(result: SiteImportView): void }) {
  const t = useT();
  const api = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [open, setOpen] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: MessageKey | null; detail: string } | null>(null);
  const [leftOut, setLeftOut] = useState<string[] | null>(null);
  const progress = useSiteProgress('import', busy);
  const browser = api.uploadSite !== undefined;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const uploadId = browser && file && api.uploadSite ? (await api.uploadSite(file)).uploadId : undefined;
      const result = await api.call('sites.import', {
        ...(uploadId ? { uploadId } : {}),
        ...(passphrase ? { passphrase } : {}),
        open,
      });
      if (!result.site) return;
      if (result.leftOut.length) setLeftOut(result.leftOut);
      onImported(result);
    } catch (e) {
      setError({ key: importProblem(e), detail: describeError(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={busy ? () => undefined : onClose} title={t('sites.importTitle')} size="lg">
      <Stack>
        <Text size="sm">{t('sites.importHint')}</Text>
        {browser && (
          <FileInput label={t('sites.importFile')} accept={SITE_FILE_EXTENSION} value={file} onChange={setFile} data-testid="import-file" />
        )}
        <PasswordInput
          label={t('sites.passphrase')}
          description={t('sites.importPassphraseHint')}
          value={passphrase}
          autoComplete="off"
          onChange={(e) => setPassphrase(e.currentTarget.value)}
          data-testid="import-passphrase"
        />
        <Checkbox label={t('sites.importOpen')} checked={open} onChange={(e) => setOpen(e.currentTarget.checked)} />
        {busy && <SiteBusy progress={progress} />}
        {error && (
          <Alert color="red" data-testid="import-error">
            {error.key ? t(error.key) : null}
            <Text size="xs" c="dimmed">
              {error.detail}
            </Text>
          </Alert>
        )}
        {leftOut && (
          <Alert color="yellow" data-testid="import-left-out">
            <Text size="sm" fw={600}>
              {t('sites.leftOut')}
            </Text>
            <List size="sm">
              {leftOut.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} disabled={browser && !file} onClick={() => void run()} data-testid="import-start">
            {t('sites.importStart')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
