import { AppShell } from '@mantine/core';
import { Notices } from '../../components/Notices.js';
import { useAppStore } from '../../store/context.js';
import { CertificatesScreen } from '../certificates/CertificatesScreen.js';
import { DiscoveryScreen } from '../discovery/DiscoveryScreen.js';
import { FilesScreen } from '../files/FilesScreen.js';
import { JobsScreen } from '../jobs/JobsScreen.js';
import { PhoneScreen } from '../phone/PhoneScreen.js';
import { PhonesScreen } from '../phones/PhonesScreen.js';
import { RolloutScreen } from '../rollout/RolloutScreen.js';
import { SettingsScreen } from '../settings/SettingsScreen.js';
import { NavBar } from './NavBar.js';
import { StatusBar } from './StatusBar.js';
import { TracingCloseReminder } from './TracingCloseReminder.js';

function CurrentScreen() {
  const screen = useAppStore((state) => state.screen);
  const selectedMac = useAppStore((state) => state.selectedMac);
  switch (screen) {
    case 'phones':
      return <PhonesScreen />;
    case 'phone':
      return selectedMac ? <PhoneScreen key={selectedMac} mac={selectedMac} /> : <PhonesScreen />;
    case 'discovery':
      return <DiscoveryScreen />;
    case 'jobs':
      return <JobsScreen />;
    case 'files':
      return <FilesScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'certificates':
      return <CertificatesScreen />;
    case 'rollout':
      return <RolloutScreen />;
  }
}

export function AppLayout() {
  return (
    <AppShell navbar={{ width: 200, breakpoint: 0 }} footer={{ height: 32 }} padding="md">
      <AppShell.Navbar p="xs">
        <NavBar />
      </AppShell.Navbar>
      <AppShell.Main>
        <CurrentScreen />
      </AppShell.Main>
      <AppShell.Footer>
        <StatusBar />
      </AppShell.Footer>
      <Notices />
      <TracingCloseReminder />
    </AppShell>
  );
}
