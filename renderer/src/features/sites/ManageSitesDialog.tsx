import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import type { SiteView } from '../../../../shared/sites.js';
import { useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { useAppStore } from '../../store/context.js';

/** Every site of the laptop: open, archive, restore. */
export function ManageSitesDialog({
  sites,
  onOpen,
  onArchive,
  onClose,
}: {
  sites: SiteView[];
  onOpen(site: SiteView): void;
  onArchive(site: SiteView, archived: boolean): void;
  onClose(): void;
}) {
  const t = useT();
  const language = useAppStore((state) => state.language);
  return (
    <Modal opened onClose={onClose} title={t('sites.manageTitle')} size="lg">
      <Stack>
        <Text size="sm" c="dimmed">
          {t('sites.archiveHint')}
        </Text>
        <Table data-testid="sites-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sites.name')}</Table.Th>
              <Table.Th>{t('sites.state')}</Table.Th>
              <Table.Th>{t('sites.lastOpened')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sites.map((site) => (
              <Table.Tr key={site.id} data-testid={`site-row-${site.name}`}>
                <Table.Td>{site.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={site.open ? 'green' : site.archivedAt !== null ? 'gray' : 'blue'}>
                    {t(site.open ? 'sites.stateOpen' : site.archivedAt !== null ? 'sites.stateArchived' : 'sites.stateActive')}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDateTime(site.lastOpenedAt, language)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    {!site.open && site.archivedAt === null && (
                      <Button size="xs" variant="light" onClick={() => onOpen(site)}>
                        {t('sites.open')}
                      </Button>
                    )}
                    {!site.open && (
                      <Button size="xs" variant="default" onClick={() => onArchive(site, site.archivedAt === null)}>
                        {t(site.archivedAt === null ? 'sites.archive' : 'sites.restore')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
