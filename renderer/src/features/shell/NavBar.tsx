import { Badge, Box, NavLink, Stack, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useMemo } from 'react';
import { useT, type MessageKey } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import type { Screen } from '../../store/ui.js';
import { SiteSwitcher } from '../sites/SiteSwitcher.js';

type NavScreen = Exclude<Screen, 'phone'>;

const ITEMS: { screen: NavScreen; label: MessageKey; hotkey: string }[] = [
  { screen: 'phones', label: 'nav.phones', hotkey: '1' },
  { screen: 'discovery', label: 'nav.discovery', hotkey: '2' },
  { screen: 'jobs', label: 'nav.jobs', hotkey: '3' },
  { screen: 'settings', label: 'nav.settings', hotkey: '4' },
  { screen: 'certificates', label: 'nav.certificates', hotkey: '5' },
  { screen: 'files', label: 'nav.files', hotkey: '6' },
  { screen: 'rollout', label: 'nav.rollout', hotkey: '7' },
];

/** Left navigation; Ctrl/⌘+1…7 switch screens without the mouse. */
export function NavBar() {
  const t = useT();
  const screen = useAppStore((state) => state.screen);
  const navigate = useAppStore((state) => state.navigate);
  const phones = useAppStore((state) => state.phones);
  const quarantined = useMemo(() => Object.values(phones).filter((phone) => phone.adoption === 'quarantined').length, [phones]);
  useHotkeys(ITEMS.map(({ screen: target, hotkey }) => [`mod+${hotkey}`, () => navigate(target)]));

  return (
    <Stack gap={2}>
      <Text fw={700} size="lg" px="sm" pb={4}>
        Fieldstage
      </Text>
      <Box px={4} pb="sm">
        <SiteSwitcher />
      </Box>
      {ITEMS.map((item) => (
        <NavLink
          key={item.screen}
          label={t(item.label)}
          active={screen === item.screen || (item.screen === 'phones' && screen === 'phone')}
          onClick={() => navigate(item.screen)}
          data-testid={`nav-${item.screen}`}
          aria-keyshortcuts={`Control+${item.hotkey}`}
          title={`Ctrl+${item.hotkey}`}
          rightSection={
            item.screen === 'discovery' && quarantined > 0 ? (
              <Badge size="xs" color="orange" title={t('status.quarantined', { count: quarantined })}>
                {quarantined}
              </Badge>
            ) : null
          }
        />
      ))}
    </Stack>
  );
}
