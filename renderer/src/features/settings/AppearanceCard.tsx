import { Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT, type Language } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import type { Theme } from '../../store/ui.js';

/** Language and theme switch at once; no Save needed for what the technician sees immediately. */
export function AppearanceCard() {
  const t = useT();
  const language = useAppStore((state) => state.language);
  const theme = useAppStore((state) => state.theme);
  const storeSetLanguage = useAppStore((state) => state.setLanguage);
  const storeSetTheme = useAppStore((state) => state.setTheme);
  const setLanguage = useAsyncAction(storeSetLanguage);
  const setTheme = useAsyncAction(storeSetTheme);

  return (
    <Card withBorder padding="md">
      <Title order={5} mb="sm">
        {t('settings.appearance')}
      </Title>
      <Group gap="xl">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('settings.language')}
          </Text>
          <SegmentedControl
            size="xs"
            value={language}
            onChange={(value) => void setLanguage.run(value as Language)}
            data={[
              { value: 'en', label: 'English' },
              { value: 'de', label: 'Deutsch' },
            ]}
            data-testid="settings-language"
          />
        </Stack>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('settings.theme')}
          </Text>
          <SegmentedControl
            size="xs"
            value={theme}
            onChange={(value) => void setTheme.run(value as Theme)}
            data={[
              { value: 'light', label: t('settings.theme.light') },
              { value: 'dark', label: t('settings.theme.dark') },
              { value: 'auto', label: t('settings.theme.auto') },
            ]}
            data-testid="settings-theme"
          />
        </Stack>
      </Group>
    </Card>
  );
}
