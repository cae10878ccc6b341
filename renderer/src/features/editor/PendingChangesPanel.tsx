import { ActionIcon, Card, Code, Group, Table, Text, Title, Tooltip } from '@mantine/core';
import { useMemo } from 'react';
import { catalogueItem, SECRET_MASK } from '../../../../shared/catalogue.js';
import { useT } from '../../i18n/index.js';
import { itemLabel, itemTestId } from '../../lib/format.js';
import type { PendingChange } from '../../store/editor.js';
import { templateVariables } from '../../../../shared/profile-rules.js';
import { useEditorSource } from './editorSource.js';
import { violationText } from './violationText.js';

function isSecret(change: PendingChange): boolean {
  const entry = catalogueItem(change.name);
  return entry?.secret === true || entry?.type === 'password' || change.original === SECRET_MASK;
}

/** Secrets never appear in the diff, not even the new one being typed. */
function shown(value: string, secret: boolean): string {
  if (secret) return SECRET_MASK;
  return value === '' ? '""' : value;
}

/**
 * What Apply will send, as old → new, with the rule each value breaks, if any. For a profile
 * (`ofProfile`) it is the profile's item list: what was typed is all there is, no old value.
 */
export function PendingChangesPanel({ ofProfile = false }: { ofProfile?: boolean }) {
  const t = useT();
  const source = useEditorSource();
  const pending = source.useEditor((editor) => editor.pending);
  const serverIssues = source.useEditor((editor) => editor.serverIssues);
  const changes = useMemo(() => Object.entries(pending).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })), [pending]);
  if (changes.length === 0) return null;
  const pendingItems = changes.map(([, change]) => change);

  return (
    <Card withBorder padding="sm" data-testid="pending-changes">
      <Title order={5} mb="xs">
        {t(ofProfile ? 'profile.itemsTitle' : 'editor.pendingTitle', { count: changes.length })}
      </Title>
      <Table fz="sm" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('editor.item')}</Table.Th>
            <Table.Th>{t(ofProfile ? 'editor.value' : 'editor.change')}</Table.Th>
            <Table.Th>{t('editor.check')}</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {changes.map(([key, change]) => {
            const secret = isSecret(change);
            const violation = source.check(change, pendingItems);
            const serverIssue = serverIssues.find((issue) => issue.name === change.name && issue.index === change.index);
            const problem = violation ? violationText(t, violation) : serverIssue?.message;
            const variables = source.acceptsVariables ? templateVariables(change.value) : [];
            return (
              <Table.Tr key={key} data-testid={itemTestId('pending', change)}>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {itemLabel(change)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {!ofProfile && (
                      <>
                        <Code c="dimmed" style={{ textDecoration: 'line-through' }}>
                          {shown(change.original, secret)}
                        </Code>
                        <Text size="sm">→</Text>
                      </>
                    )}
                    <Code>{shown(change.value, secret)}</Code>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={problem ? 'red' : 'teal'} data-testid={itemTestId('check', change)}>
                    {problem ??
                      (variables.length ? t('profile.resolvedPerPhone', { variables: variables.join(', ') }) : t('editor.checkOk'))}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={t('editor.discard')}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={t('editor.discard')}
                      onClick={() => source.discardPending(key)}
                      data-testid={itemTestId('discard', change)}
                    >
                      ✕
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
