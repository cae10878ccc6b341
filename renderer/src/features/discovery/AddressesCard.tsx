import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { CopyValue } from '../../components/CopyValue.js';
import { Facts } from '../../components/Facts.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useT } from '../../i18n/index.js';
import { useAppStore } from '../../store/context.js';

/** Where phones must point: this laptop's addresses, the port, and whether it is really listening. */
export function AddressesCard() {
  const t = useT();
  const appInfo = useAppStore((state) => state.appInfo);
  const interfaces = useAppStore((state) => state.interfaces);
  const loadInterfaces = useAppStore((state) => state.loadInterfaces);
  const loadAppInfo = useAppStore((state) => state.loadAppInfo);
  useLoadOnMount(() => Promise.all([loadAppInfo(), loadInterfaces()]));

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('discovery.addresses')}</Title>
        {appInfo && (
          <Badge color={appInfo.listening ? 'teal' : 'red'} variant="light" data-testid="discovery-listening">
            {appInfo.listening ? t('status.listening') : t('status.notListening')}
          </Badge>
        )}
      </Group>
      {appInfo && (
        <Stack gap="sm">
          {!appInfo.listening && (
            <Text size="sm" c="red">
              {t('discovery.notListeningHint', { port: appInfo.phonePort })}
            </Text>
          )}
          <Facts
            facts={[
              {
                label: t('discovery.phoneAddress'),
                value: (
                  <Stack gap={2}>
                    {appInfo.addresses.map((address) => (
                      <CopyValue key={address} value={`${address}:${appInfo.phonePort}`} />
                    ))}
                  </Stack>
                ),
                testId: 'discovery-phone-addresses',
              },
              { label: t('settings.phonePort'), value: appInfo.phonePort },
              { label: t('settings.httpPort'), value: appInfo.httpPort === 0 ? t('settings.off') : appInfo.httpPort },
              {
                label: t('settings.fingerprint'),
                value: <CopyValue value={appInfo.certificateFingerprint} testId="discovery-fingerprint" />,
              },
            ]}
          />
        </Stack>
      )}
      <Title order={6} mt="md" mb={4}>
        {t('discovery.interfaces')}
      </Title>
      <Table fz="sm" verticalSpacing={4} data-testid="interfaces-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('discovery.interface')}</Table.Th>
            <Table.Th>{t('discovery.address')}</Table.Th>
            <Table.Th>{t('discovery.family')}</Table.Th>
            <Table.Th>{t('discovery.cidr')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {interfaces.map((networkInterface) => (
            <Table.Tr key={`${networkInterface.name}-${networkInterface.address}`} c={networkInterface.internal ? 'dimmed' : undefined}>
              <Table.Td>{networkInterface.name}</Table.Td>
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {networkInterface.address}
                </Text>
              </Table.Td>
              <Table.Td>{networkInterface.family}</Table.Td>
              <Table.Td>{networkInterface.cidr ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
