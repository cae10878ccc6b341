import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SiteSwitcher } from '../../renderer/src/features/sites/SiteSwitcher.js';
import { ApiError } from '../../renderer/src/api/errors.js';
import type { SiteView, SitesListView } from '../../shared/sites.js';
import { createFakeApi, renderWithStore } from './support.js';

const site = (id: string, name: string, patch: Partial<SiteView> = {}): SiteView => ({
  id,
  name,
  createdAt: 1,
  archivedAt: null,
  lastOpenedAt: null,
  open: false,
  ...patch,
});
const LIST: SitesListView = { openId: 'a', sites: [site('a', 'Müller GmbH', { open: true }), site('b', 'Bäckerei Schmidt')] };

describe('site switcher', () => {
  it('names the open site in the header and the title; opening another one reloads the page', async () => {
    const reload = vi.fn();
    const api = createFakeApi({ 'sites.list': () => LIST, 'sites.open': ({ id }) => site(id, 'Bäckerei Schmidt', { open: true }) });
    renderWithStore(<SiteSwitcher reload={reload} />, api);
    expect(await screen.findByText('Site: Müller GmbH')).toBeTruthy();
    await waitFor(() => expect(document.title).toBe('Fieldstage — Müller GmbH'));
    fireEvent.click(screen.getByTestId('site-switcher'));
    fireEvent.click(await screen.findByTestId('site-open-Bäckerei Schmidt'));
    await waitFor(() => expect(api.callsOf('sites.open')).toEqual([{ id: 'b' }]));
    await waitFor(() => expect(reload).toHaveBeenCalled());

    // A switch made elsewhere (a script, another window) reloads too.
    reload.mockClear();
    api.emit({ type: 'site.opened', site: site('b', 'Bäckerei Schmidt', { open: true }) });
    expect(reload).toHaveBeenCalled();
  });

  it('export asks for the passphrase twice and lists what a file without secrets leaves out', async () => {
    const api = createFakeApi({
      'sites.list': () => LIST,
      'sites.export': (req) => ({
        name: 'x.fieldstage-site',
        size: 2048,
        secretsIncluded: req.passphrase !== undefined,
        leftOut: req.passphrase ? [] : ['sip_password of 2 roll-out row(s)'],
        url: null,
        savedTo: '/tmp/x.fieldstage-site',
        cancelled: false,
      }),
    });
    renderWithStore(<SiteSwitcher reload={() => undefined} />, api);
    fireEvent.click(await screen.findByTestId('site-switcher'));
    fireEvent.click(await screen.findByTestId('site-export'));
    fireEvent.click(await screen.findByTestId('export-with-secrets'));
    fireEvent.change(screen.getByTestId('export-passphrase'), { target: { value: 'geheim-lang' } });
    fireEvent.change(screen.getByTestId('export-passphrase-again'), { target: { value: 'geheim-lanx' } });
    expect(await screen.findByText('The two passphrases differ')).toBeTruthy();
    expect((screen.getByTestId('export-start') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('export-with-secrets'));
    fireEvent.click(screen.getByTestId('export-start'));
    expect(await screen.findByText('sip_password of 2 roll-out row(s)')).toBeTruthy();
    expect(api.callsOf('sites.export')).toEqual([{}]);
  });

  it('import says plainly when the passphrase is wrong', async () => {
    const api = createFakeApi({
      'sites.list': () => LIST,
      'sites.import': () => {
        throw new ApiError(400, { error: 'wrong passphrase: it is not the one this site was exported with' });
      },
    });
    renderWithStore(<SiteSwitcher reload={() => undefined} />, api);
    fireEvent.click(await screen.findByTestId('site-switcher'));
    fireEvent.click(await screen.findByTestId('site-import'));
    fireEvent.change(await screen.findByTestId('import-passphrase'), { target: { value: 'falsch' } });
    fireEvent.click(screen.getByTestId('import-start'));
    expect(await screen.findByText(/Wrong passphrase: it is not the one this site was exported with\. Nothing was created\./)).toBeTruthy();
    expect(api.callsOf('sites.import')).toEqual([{ passphrase: 'falsch', open: true }]);
  });
});
