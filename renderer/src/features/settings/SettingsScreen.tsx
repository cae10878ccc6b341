import { Alert, Loader, Stack, Title } from '@mantine/core';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { AppearanceCard } from './AppearanceCard.js';
import { CertificateCard } from './CertificateCard.js';
import { ConnectionSettingsForm } from './ConnectionSettingsForm.js';
import { WbmSettingsCard } from './WbmSettingsCard.js';

export function SettingsScreen() {
  const t = useT();
  const settings = useAppStore((state) => state.settings);
  const loadSettings = useAppStore((state) => state.loadSettings);
  const loadInterfaces = useAppStore((state) => state.loadInterfaces);
  const loadAppInfo = useAppStore((state) => state.loadAppInfo);
  const fallback = useAppStore((state) => state.appInfo?.listenerFallback ?? null);
  useLoadOnMount(() => Promise.all([loadSettings(), loadInterfaces(), loadAppInfo()]));

  return (
    <Stack gap="md" maw={900}>
      <Title order={3}>{t('nav.settings')}</Title>
      {fallback && (
        <Alert color="orange" title={t('settings.listenerFallbackTitle')} data-testid="settings-listener-fallback">
          {t('settings.listenerFallback', { error: fallback.failed.error ?? '' })}
        </Alert>
      )}
      <AppearanceCard />
      {settings ? (
        // Keyed by content: a save or a change from elsewhere restarts the draft from what is stored.
        <ConnectionSettingsForm key={JSON.stringify({ ...settings, language: '', theme: '' })} settings={settings} />
      ) : (
        <Loader size="sm" />
      )}
      {settings && <WbmSettingsCard key={JSON.stringify(settings.wbm)} settings={settings} />}
      <CertificateCard />
    </Stack>
  );
}
