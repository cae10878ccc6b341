import { createTheme, MantineProvider, useMantineColorScheme } from '@mantine/core';
import { useEffect } from 'react';
import type { ApiClient } from '../../shared/api.js';
import { AppLayout } from './features/shell/AppLayout.js';
import type { AppStore } from './store/index.js';
import { AppStoreProvider, useAppStore } from './store/context.js';

const mantineTheme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamilyMonospace: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace',
});

/** The theme is a stored setting; Mantine follows it (and the system for `auto`). */
function ColorSchemeSync() {
  const theme = useAppStore((state) => state.theme);
  const { setColorScheme } = useMantineColorScheme();
  useEffect(() => setColorScheme(theme), [theme, setColorScheme]);
  return null;
}

function DocumentLanguageSync() {
  const language = useAppStore((state) => state.language);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return null;
}

interface AppProps {
  store: AppStore;
  api: ApiClient;
  /** `test` turns off transitions and portals for component tests. */
  env?: 'default' | 'test';
}

export function App({ store, api, env = 'default' }: AppProps) {
  return (
    <AppStoreProvider store={store} api={api}>
      <MantineProvider theme={mantineTheme} defaultColorScheme="auto" env={env}>
        <ColorSchemeSync />
        <DocumentLanguageSync />
        <AppLayout />
      </MantineProvider>
    </AppStoreProvider>
  );
}
