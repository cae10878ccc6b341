import { Button, Menu, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { SiteImportView, SitesListView, SiteView } from '../../../../shared/sites.js';
import { useAsyncAction } from '../../hooks/useAsyncAction.js';
import { useT } from '../../i18n/index.js';
import { useApi, useAppStore } from '../../store/context.js';
import { ExportSiteDialog } from './ExportSiteDialog.js';
import { ImportSiteDialog } from './ImportSiteDialog.js';
import { ManageSitesDialog } from './ManageSitesDialog.js';
import { SiteNameDialog } from './SiteNameDialog.js';

type Dialog = 'create' | 'rename' | 'manage' | 'export' | 'import' | null;

/**
 * The open site's name in the app header (and the window title), and everything about sites:
 * open another, new, rename, archive/restore, export, import. Another site opened (here or by a
 * script) reloads the page: everything shown belonged to the old site.
 */
export function SiteSwitcher({ reload = () => window.location.reload() }: { reload?: () => void }) {
  const t = useT();
  const api = useApi();
  const notify = useAppStore((state) => state.notify);
  const [list, setList] = useState<SitesListView | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const current = list?.sites.find((s) => s.id === list.openId) ?? null;

  const load = useCallback(() => api.call('sites.list', {}).then(setList), [api]);
  useEffect(() => {
    api.call('sites.list', {}).then(setList, () => undefined);
    return api.onEvent(
      (event) => {
        if (event.type !== 'site.opened') return;
        setList((previous) => {
          if (previous && previous.openId !== event.site.id) reload();
          return previous && { ...previous, sites: previous.sites.map((s) => (s.id === event.site.id ? event.site : s)) };
        });
      },
      () => void load().catch(() => undefined),
    );
  }, [api, load, reload]);
  useEffect(() => {
    document.title = current ? `Fieldstage — ${current.name}` : 'Fieldstage';
  }, [current]);

  const open = useAsyncAction(async (site: SiteView) => {
    setSwitching(site.name);
    try {
      await api.call('sites.open', { id: site.id });
      reload();
    } finally {
      setSwitching(null);
    }
  });
  const archive = useAsyncAction(async (site: SiteView, archived: boolean) => {
    await api.call('sites.archive', { id: site.id, archived });
    await load();
  });
  const create = async (name: string) => {
    setDialog(null);
    setSwitching(name);
    try {
      await api.call('sites.create', { name, open: true });
      reload();
    } finally {
      setSwitching(null);
    }
  };
  const rename = async (name: string) => {
    if (!current) return;
    await api.call('sites.rename', { id: current.id, name });
    await load();
    setDialog(null);
  };
  const imported = (result: SiteImportView) => {
    if (!result.site) return;
    notify({ tone: 'success', message: 'sites.imported', params: { name: result.site.name } });
    if (result.site.open) reload();
    else void load();
    if (!result.leftOut.length) setDialog(null);
  };

  const others = list?.sites.filter((s) => !s.open && s.archivedAt === null) ?? [];
  return (
    <>
      <Menu position="bottom-start" width={280} withinPortal>
        <Menu.Target>
          <Button
            variant="light"
            size="compact-sm"
            fullWidth
            justify="flex-start"
            loading={switching !== null || open.busy}
            title={t('sites.switcherTitle')}
            data-testid="site-switcher"
          >
            <Text size="sm" truncate>
              {current ? t('sites.switcher', { name: current.name }) : '…'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('sites.openOther')}</Menu.Label>
          {others.length === 0 && <Menu.Item disabled>{t('sites.noOther')}</Menu.Item>}
          {others.map((site) => (
            <Menu.Item key={site.id} onClick={() => void open.run(site)} data-testid={`site-open-${site.name}`}>
              {site.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setDialog('create')} data-testid="site-new">
            {t('sites.new')}
          </Menu.Item>
          <Menu.Item onClick={() => setDialog('rename')} disabled={!current} data-testid="site-rename">
            {t('sites.rename')}
          </Menu.Item>
          <Menu.Item onClick={() => setDialog('manage')} data-testid="site-manage">
            {t('sites.manage')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={() => setDialog('export')} disabled={!current} data-testid="site-export">
            {t('sites.export')}
          </Menu.Item>
          <Menu.Item onClick={() => setDialog('import')} data-testid="site-import">
            {t('sites.import')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {switching !== null && (
        <Text size="xs" c="dimmed" px="sm" data-testid="site-switching">
          {t('sites.switching', { name: switching })}
        </Text>
      )}
      {dialog === 'create' && <SiteNameDialog mode="create" initial="" onSubmit={create} onClose={() => setDialog(null)} />}
      {dialog === 'rename' && current && (
        <SiteNameDialog mode="rename" initial={current.name} onSubmit={rename} onClose={() => setDialog(null)} />
      )}
      {dialog === 'manage' && list && (
        <ManageSitesDialog
          sites={list.sites}
          onOpen={(site) => {
            setDialog(null);
            void open.run(site);
          }}
          onArchive={(site, archived) => void archive.run(site, archived)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'export' && current && <ExportSiteDialog site={current} onClose={() => setDialog(null)} />}
      {dialog === 'import' && <ImportSiteDialog onClose={() => setDialog(null)} onImported={imported} />}
    </>
  );
}
