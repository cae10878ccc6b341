import { Autocomplete, Button, Card, Group, NumberInput, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { DhcpHelp } from '../../../../shared/model.js';
import { CopyValue } from '../../components/CopyValue.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT, type MessageKey } from '../../i18n/index.js';
import { useApi, useAppStore } from '../../store/context.js';

const SNIPPETS: { key: keyof DhcpHelp['snippets']; label: MessageKey }[] = [
  { key: 'iscDhcpd', label: 'dhcp.iscDhcpd' },
  { key: 'dnsmasq', label: 'dhcp.dnsmasq' },
  { key: 'windowsNetsh', label: 'dhcp.windowsNetsh' },
  { key: 'windowsPowerShell', label: 'dhcp.windowsPowerShell' },
  { key: 'mikrotik', label: 'dhcp.mikrotik' },
];

function DhcpResult({ help }: { help: DhcpHelp }) {
  const t = useT();
  return (
    <Stack gap="sm" data-testid="dhcp-result">
      <Group gap="xs" align="center">
        <Text size="sm" w={120}>
          {t('dhcp.url')}
        </Text>
        <CopyValue value={help.url} testId="dhcp-url" />
      </Group>
      <Group gap="xs" align="center" wrap="nowrap">
        <Text size="sm" w={120}>
          {t('dhcp.hex')}
        </Text>
        <CopyValue value={help.hex} testId="dhcp-hex" />
      </Group>
      <Group gap="xs" align="center" wrap="nowrap">
        <Text size="sm" w={120}>
          {t('dhcp.colonHex')}
        </Text>
        <CopyValue value={help.colonHex} testId="dhcp-colon-hex" />
      </Group>
      <Tabs defaultValue={SNIPPETS[0]?.key}>
        <Tabs.List>
          {SNIPPETS.map(({ key, label }) => (
            <Tabs.Tab key={key} value={key}>
              {t(label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {SNIPPETS.map(({ key }) => (
          <Tabs.Panel key={key} value={key} pt="xs">
            <CopyValue value={help.snippets[key]} block testId={`dhcp-snippet-${key}`} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

/** Builds option 43 (vendor class OptiIpPhone) for the customer's DHCP server: pain point 1. */
export function DhcpHelper() {
  const t = useT();
  const api = useApi();
  const appInfo = useAppStore((state) => state.appInfo);
  // Untouched fields follow app.info, so the form is ready the moment it appears.
  const [host, setHost] = useState<string | null>(null);
  const [port, setPort] = useState<string | number | null>(null);
  const [vlan, setVlan] = useState<string | number>('');
  const [help, setHelp] = useState<DhcpHelp | null>(null);

  const effectiveHost = host ?? appInfo?.addresses[0] ?? '';
  const effectivePort = port ?? appInfo?.phonePort ?? 18443;
  const build = useAsyncAction(async () => {
    const request = {
      host: effectiveHost.trim(),
      port: Number(effectivePort),
      ...(vlan === '' ? {} : { vlanId: Number(vlan) }),
    };
    setHelp(await api.call('discovery.dhcp', request));
  });

  return (
    <Card withBorder padding="md">
      <Title order={5} mb="xs">
        {t('dhcp.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('dhcp.intro')}
      </Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void build.run();
        }}
      >
        <Group align="flex-end" gap="sm" mb="md">
          <Autocomplete
            label={t('dhcp.host')}
            data={appInfo?.addresses ?? []}
            value={effectiveHost}
            onChange={setHost}
            w={220}
            data-testid="dhcp-host"
          />
          <NumberInput
            label={t('dhcp.port')}
            value={effectivePort}
            onChange={setPort}
            min={1}
            max={65535}
            w={110}
            data-testid="dhcp-port"
          />
          <NumberInput
            label={t('dhcp.vlan')}
            placeholder={t('dhcp.vlanNone')}
            value={vlan}
            onChange={setVlan}
            min={1}
            max={4094}
            w={130}
            data-testid="dhcp-vlan"
          />
          <Button type="submit" loading={build.busy} disabled={effectiveHost.trim() === ''} data-testid="dhcp-build">
            {t('dhcp.build')}
          </Button>
        </Group>
      </form>
      {help && <DhcpResult help={help} />}
    </Card>
  );
}
