import { Button, Card, Group, ScrollArea, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useNow } from '../../hooks/useNow.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatRelative } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

/** Phones that called in but are not ours yet: nothing is written to them until adopted. */
export function QuarantineList() {
  const t = useT();
  const language = useLanguage();
  const now = useNow();
  const phones = useAppStore((state) => state.phones);
  const adoptPhones = useAppStore((state) => state.adoptPhones);
  const notify = useAppStore((state) => state.notify);
  const quarantined = useMemo(
    () =>
      Object.values(phones)
        .filter((phone) => phone.adoption === 'quarantined')
        .sort((a, b) => a.mac.localeCompare(b.mac)),
    [phones],
  );
  const adopt = useAsyncAction(async (macs: string[]) => {
    const adopted = await adoptPhones(macs);
    notify({ tone: 'success', message: 'notice.adopted', params: { count: adopted } });
  });

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('discovery.quarantined', { count: quarantined.length })}</Title>
        {quarantined.length > 1 && (
          <Button
            size="xs"
            onClick={() => void adopt.run(quarantined.map((phone) => phone.mac))}
            loading={adopt.busy}
            data-testid="adopt-all-quarantined"
          >
            {t('discovery.adoptAll')}
          </Button>
        )}
      </Group>
      {quarantined.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('discovery.noQuarantined')}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Table fz="sm" verticalSpacing={4} style={{ whiteSpace: 'nowrap' }} data-testid="quarantine-table">
            <Table.Tbody>
              {quarantined.map((phone) => (
                <Table.Tr key={phone.mac}>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {phone.mac}
                    </Text>
                  </Table.Td>
                  <Table.Td>{phone.model ?? '—'}</Table.Td>
                  <Table.Td>{phone.ip ?? '—'}</Table.Td>
                  <Table.Td>{formatRelative(phone.lastContact, now, language)}</Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => void adopt.run([phone.mac])}
                      data-testid={`adopt-${phone.mac}`}
                    >
                      {t('actions.adopt')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  );
}
