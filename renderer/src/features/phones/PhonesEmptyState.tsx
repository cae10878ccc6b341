import { Button, EmptyState, List } from '@mantine/core';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** First thing a technician sees on a new site: how to make phones call this laptop. */
export function PhonesEmptyState() {
  const t = useT();
  const navigate = useAppStore((state) => state.navigate);
  const appInfo = useAppStore((state) => state.appInfo);
  const address = appInfo ? `${appInfo.addresses[0] ?? '…'}:${appInfo.phonePort}` : '…';

  return (
    <EmptyState data-testid="phones-empty" title={t('phones.empty.title')} description={t('phones.empty.intro', { address })}>
      <List size="sm" ta="left" maw={640}>
        <List.Item>{t('phones.empty.dhcp')}</List.Item>
        <List.Item>{t('phones.empty.menu', { address })}</List.Item>
        <List.Item>{t('phones.empty.sweep')}</List.Item>
      </List>
      <EmptyState.Actions>
        <Button onClick={() => navigate('discovery')} data-testid="empty-open-discovery">
          {t('phones.empty.openDiscovery')}
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
