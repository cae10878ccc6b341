import { Code, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { CopyIconButton } from '../../components/CopyValue.js';
import { useT } from '../../i18n/index.js';
import { prettyXml } from '../../lib/prettyXml.js';

/** One side of an exchange, indented for reading; Copy gives the indented text. */
export function XmlDocument({ title, xml, testId }: { title: string; xml: string; testId: string }) {
  const t = useT();
  const pretty = useMemo(() => prettyXml(xml), [xml]);
  return (
    <Stack gap={4} style={{ minWidth: 0 }}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {title}
        </Text>
        {pretty !== '' && <CopyIconButton value={pretty} testId={`${testId}-copy`} />}
      </Group>
      <ScrollArea.Autosize mah="calc(50dvh - 150px)" type="auto">
        <Code block data-testid={testId} style={{ whiteSpace: 'pre', fontSize: 12 }}>
          {pretty === '' ? t('log.noDocument') : pretty}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}
