import { Button, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';
import { ParametersTab } from '../editor/ParametersTab.js';
import { PhoneFilesTab } from '../files/PhoneFilesTab.js';
import { ProtocolLogTab } from '../protocol/ProtocolLogTab.js';
import { ActionsTab } from './ActionsTab.js';
import { IdentityChangeAlert } from './IdentityChangeAlert.js';
import { OverviewTab } from './OverviewTab.js';
import { PhoneHeader } from './PhoneHeader.js';

/** One phone; mounted with `key={mac}` so tabs and local state start fresh for each phone. */
export function PhoneScreen({ mac }: { mac: string }) {
  const t = useT();
  const phone = useAppStore((state) => state.phones[mac]);
  const navigate = useAppStore((state) => state.navigate);
  const openEditor = useAppStore((state) => state.openEditor);
  const loadJobs = useAppStore((state) => state.loadJobs);
  const [tab, setTab] = useState<string | null>('overview');

  // Items feed both the overview (contact-me address) and the editor; jobs feed both too.
  useLoadOnMount(() => Promise.all([openEditor(mac), loadJobs({ mac, limit: 200 })]), mac);

  if (!phone) {
    return (
      <Stack align="flex-start">
        <Text>{t('phone.notFound', { mac })}</Text>
        <Button variant="default" onClick={() => navigate('phones')}>
          {t('nav.phones')}
        </Button>
      </Stack>
    );
  }

  return (
    <Stack gap="sm">
      <PhoneHeader phone={phone} />
      <IdentityChangeAlert phone={phone} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview" data-testid="tab-overview">
            {t('phone.tab.overview')}
          </Tabs.Tab>
          <Tabs.Tab value="parameters" data-testid="tab-parameters">
            {t('phone.tab.parameters')}
          </Tabs.Tab>
          <Tabs.Tab value="files" data-testid="tab-files">
            {t('phone.tab.files')}
          </Tabs.Tab>
          <Tabs.Tab value="actions" data-testid="tab-actions">
            {t('phone.tab.actions')}
          </Tabs.Tab>
          <Tabs.Tab value="log" data-testid="tab-log">
            {t('phone.tab.log')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="sm">
          <OverviewTab phone={phone} />
        </Tabs.Panel>
        <Tabs.Panel value="parameters" pt="sm">
          <ParametersTab phone={phone} />
        </Tabs.Panel>
        <Tabs.Panel value="files" pt="sm">
          <PhoneFilesTab phone={phone} />
        </Tabs.Panel>
        <Tabs.Panel value="actions" pt="sm">
          <ActionsTab phone={phone} />
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="sm">
          <ProtocolLogTab mac={phone.mac} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
