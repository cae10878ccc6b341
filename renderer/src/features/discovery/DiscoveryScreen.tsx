import { SimpleGrid, Stack, Title } from '@mantine/core';
import { useT } from '../../i18n/index.js';
import { AddressesCard } from './AddressesCard.js';
import { DhcpHelper } from './DhcpHelper.js';
import { QuarantineList } from './QuarantineList.js';
import { SweepPanel } from './SweepPanel.js';

/** Everything about getting phones to call this laptop (journey step 2) and letting them in (3). */
export function DiscoveryScreen() {
  const t = useT();
  return (
    <Stack gap="md">
      <Title order={3}>{t('nav.discovery')}</Title>
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <Stack gap="md">
          <AddressesCard />
          <QuarantineList />
        </Stack>
        <Stack gap="md">
          <DhcpHelper />
          <SweepPanel />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
