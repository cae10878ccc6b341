import { Badge, Button, Group, Loader, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { ExchangeSummary } from '../../../../shared/model.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useLoadOnMount } from '../../hooks/useLoadOnMount.js';
import { useLanguage, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';
import { XmlDocument } from './XmlDocument.js';

const SHOWN_EXCHANGES = 300;

function statusColor(exchange: ExchangeSummary): string {
  return exchange.httpStatus >= 400 ? 'red' : exchange.note ? 'yellow' : 'gray';
}

function ExchangeList({ mac, selectedId, onSelect }: { mac: string; selectedId: number | null; onSelect(id: number): void }) {
  const t = useT();
  const language = useLanguage();
  const exchanges = useAppStore((state) => state.exchanges);
  const list = useMemo(
    () =>
      Object.values(exchanges)
        .filter((exchange) => exchange.mac === mac)
        .sort((a, b) => b.id - a.id)
        .slice(0, SHOWN_EXCHANGES),
    [exchanges, mac],
  );
  if (list.length === 0) return <Text c="dimmed">{t('log.empty')}</Text>;
  return (
    <ScrollArea.Autosize mah="calc(100dvh - 280px)" type="auto">
      <Table fz="sm" verticalSpacing={4} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('log.time')}</Table.Th>
            <Table.Th>{t('log.reason')}</Table.Th>
            <Table.Th>{t('log.action')}</Table.Th>
            <Table.Th>{t('log.http')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((exchange) => (
            <Table.Tr
              key={exchange.id}
              data-testid={`exchange-row-${exchange.id}`}
              tabIndex={0}
              aria-selected={exchange.id === selectedId}
              bg={exchange.id === selectedId ? 'var(--mantine-primary-color-light)' : undefined}
              style={{ cursor: 'pointer' }}
              onClick={() => onSelect(exchange.id)}
              onKeyDown={(event) => event.key === 'Enter' && onSelect(exchange.id)}
            >
              <Table.Td title={`${exchange.durationMs} ms · ${exchange.peer}`}>{formatDateTime(exchange.at, language)}</Table.Td>
              <Table.Td>{exchange.reason ?? '—'}</Table.Td>
              <Table.Td>{exchange.action ?? '—'}</Table.Td>
              <Table.Td>
                <Badge size="sm" variant="light" color={statusColor(exchange)} title={exchange.note ?? undefined}>
                  {exchange.httpStatus}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}

function ExchangeDetail({ id }: { id: number }) {
  const t = useT();
  const detail = useAppStore((state) => state.exchangeDetails[id]);
  const loadExchangeDetail = useAppStore((state) => state.loadExchangeDetail);
  useLoadOnMount(() => loadExchangeDetail(id), id);
  if (!detail) return <Loader size="sm" />;
  return (
    <Stack gap="xs">
      {detail.note && (
        <Text size="sm" c="yellow.8">
          {detail.note}
        </Text>
      )}
      <XmlDocument title={t('log.fromPhone')} xml={detail.requestXml} testId="exchange-request" />
      <XmlDocument title={t('log.toPhone')} xml={detail.responseXml} testId="exchange-response" />
    </Stack>
  );
}

/** Every HTTP exchange with this phone, newest first; the XML of the selected one side by side. */
export function ProtocolLogTab({ mac }: { mac: string }) {
  const t = useT();
  const loadExchanges = useAppStore((state) => state.loadExchanges);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  useLoadOnMount(() => loadExchanges(mac), mac);
  const makeBundle = useAppStore((state) => state.makeBundle);
  const exportLog = useAsyncAction(() => makeBundle([mac], { logOnly: true }));

  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <Stack gap="xs" w={460} style={{ flexShrink: 0 }}>
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {t('log.live')}
          </Text>
          <Button
            size="compact-xs"
            variant="default"
            loading={exportLog.busy}
            onClick={() => void exportLog.run()}
            data-testid="log-export"
          >
            {t('log.export')}
          </Button>
        </Group>
        <ExchangeList mac={mac} selectedId={selectedId} onSelect={setSelectedId} />
      </Stack>
      <div style={{ flex: 1, minWidth: 0 }}>
        {selectedId === null ? <Text c="dimmed">{t('log.selectHint')}</Text> : <ExchangeDetail id={selectedId} />}
      </div>
    </Group>
  );
}
