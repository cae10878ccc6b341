import { Alert, Button, Checkbox, Group, List, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { MIN_SITE_PASSPHRASE_CHARS, type SiteExportView, type SiteView } from '../../../../shared/sites.js';
import { describeError } from '../../api/errors.js';
import { useT } from '../../i18n/index.js';
import { saveBlob } from '../../lib/download.js';
import { formatBytes } from '../../lib/format.js';
import { useApi } from '../../store/context.js';
import { SiteBusy } from './SiteBusy.js';
import { useSiteProgress } from './useSiteProgress.js';

/** sites.export: secrets only with a passphrase typed twice (never stored); says what was left out. */
export function ExportSiteDialog({ site, onClose }: { site: SiteView; onClose(): void }) {
  const t = useT();
  const api = useApi();
  const [withSecrets, setWithSecrets] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SiteExportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = useSiteProgress('export', busy);
  const tooShort = withSecrets && passphrase.length < MIN_SITE_PASSPHRASE_CHARS;
  const mismatch = withSecrets && again !== passphrase;

  const download = async (view: SiteExportView) => {
    if (view.url && api.download) saveBlob(await api.download(view.url), view.name);
  };
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const view = await api.call('sites.export', withSecrets ? { passphrase } : {});
      setResult(view);
      if (!view.cancelled) await download(view);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
      // The passphrase is not kept once it was used.
      setPassphrase('');
      setAgain('');
    }
  };

  return (
    <Modal opened onClose={busy ? () => undefined : onClose} title={t('sites.exportTitle', { name: site.name })} size="lg">
      <Stack>
        <Text size="sm">{t('sites.exportHint')}</Text>
        {!result && (
          <>
            <Checkbox
              label={t('sites.includeSecrets')}
              checked={withSecrets}
              onChange={(e) => setWithSecrets(e.currentTarget.checked)}
              data-testid="export-with-secrets"
            />
            {withSecrets ? (
              <>
                <Text size="sm" c="dimmed">
                  {t('sites.passphraseHint', { min: MIN_SITE_PASSPHRASE_CHARS })}
                </Text>
                <PasswordInput
                  label={t('sites.passphrase')}
                  value={passphrase}
                  autoComplete="new-password"
                  onChange={(e) => setPassphrase(e.currentTarget.value)}
                  error={passphrase && tooShort ? t('sites.passphraseShort', { min: MIN_SITE_PASSPHRASE_CHARS }) : null}
                  data-testid="export-passphrase"
                />
                <PasswordInput
                  label={t('sites.passphraseAgain')}
                  value={again}
                  autoComplete="new-password"
                  onChange={(e) => setAgain(e.currentTarget.value)}
                  error={again && mismatch ? t('sites.passphraseMismatch') : null}
                  data-testid="export-passphrase-again"
                />
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t('sites.withoutSecretsHint')}
              </Text>
            )}
          </>
        )}
        {busy && <SiteBusy progress={progress} />}
        {error && (
          <Alert color="red" data-testid="export-error">
            {error}
          </Alert>
        )}
        {result && !result.cancelled && (
          <Alert color="green" data-testid="export-result">
            <Stack gap={4}>
              <Text size="sm">{t('sites.exported', { name: result.name, size: formatBytes(result.size) })}</Text>
              {result.savedTo && !result.url && <Text size="sm">{t('sites.savedTo', { path: result.savedTo })}</Text>}
              {result.leftOut.length > 0 && (
                <>
                  <Text size="sm" fw={600}>
                    {t('sites.leftOut')}
                  </Text>
                  <List size="sm" data-testid="export-left-out">
                    {result.leftOut.map((line) => (
                      <List.Item key={line}>{line}</List.Item>
                    ))}
                  </List>
                </>
              )}
            </Stack>
          </Alert>
        )}
        <Group justify="flex-end">
          {result?.url && (
            <Button variant="default" onClick={() => void download(result)}>
              {t('sites.downloadAgain')}
            </Button>
          )}
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t(result ? 'common.dismiss' : 'common.cancel')}
          </Button>
          {!result && (
            <Button loading={busy} disabled={tooShort || mismatch} onClick={() => void run()} data-testid="export-start">
              {t('sites.exportStart')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
