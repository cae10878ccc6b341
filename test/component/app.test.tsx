import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import type { AppInfo, ExchangeView } from '../../shared/model.js';
import { createFakeApi, itemView, jobView, MAC, phoneSummary, settingsView } from './support.js';

const APP_INFO: AppInfo = {
  version: '0.1.0',
  mode: 'browser',
  phonePort: 18443,
  httpPort: 18080,
  filePort: 18446,
  addresses: ['192.168.1.2'],
  certificateFingerprint: 'AB:CD:EF',
  listening: true,
  listeners: [{ address: '0.0.0.0', port: 18443, protocol: 'https', listening: true, error: null }],
  listenerFallback: null,
  securePort: 0,
  localCaFingerprint: null,
  overrides: { phonePort: null, bindAddresses: null },
};

const EXCHANGE: ExchangeView = {
  id: 7,
  mac: MAC,
  peer: '192.168.1.4',
  at: Date.now(),
  durationMs: 12,
  reason: 'status',
  action: 'ReadAllItems',
  httpStatus: 200,
  note: null,
  requestXml: '<WorkpointMessage><Message nonce="1"><ItemList><Item name="e164">4711</Item></ItemList></Message></WorkpointMessage>',
  responseXml: '<DLSMessage><Message nonce="1"><Action>ReadAllItems</Action></Message></DLSMessage>',
};

/** A fixed clock time in the local zone, so the expected text does not depend on the machine. */
const NEXT_CONTACT_AT = new Date(2026, 11, 2, 14, 5, 9).getTime();

function renderApp(overrides: Parameters<typeof createFakeApi>[0] = {}) {
  const api = createFakeApi({
    'app.info': () => APP_INFO,
    'settings.get': () => settingsView(),
    'settings.update': (patch) =>
      settingsView({
        ...patch,
        adoption: patch.adoption ?? settingsView().adoption,
        contactMe: { ...settingsView().contactMe, ...patch.contactMe },
        quarantine: { ...settingsView().quarantine, ...patch.quarantine },
        fileServer: { ...settingsView().fileServer, ...patch.fileServer },
        wbm: settingsView().wbm,
      }),
    'phones.list': () => [phoneSummary(), phoneSummary({ mac: 'AAAAAAAAAAAA', adoption: 'quarantined', e164: null, displayName: null })],
    'phones.items': () => [
      itemView('e164', '302108189656'),
      itemView('contact-me-uri', 'http://192.168.1.4:8085/contact_dls.html/ContactDLS'),
    ],
    'phones.adopt': (req) => ({ adopted: req.macs.length }),
    'jobs.list': () => [
      jobView({ id: 'j-failed', state: 'failed', kind: 'read-all', reason: 'phone did not call back' }),
      jobView({ id: 'j-queued', state: 'queued', kind: 'restart' }),
    ],
    'jobs.retry': (req) => ({ job: jobView({ id: req.id, state: 'queued' }) }),
    'jobs.cancel': () => ({ cancelled: true }),
    'exchanges.list': () => [EXCHANGE],
    'exchanges.get': () => EXCHANGE,
    'discovery.interfaces': () => [{ name: 'eth0', address: '192.168.1.2', family: 'IPv4', cidr: '192.168.1.2/24', internal: false }],
    'discovery.dhcp': (req) => ({
      url: `https://${req.host}:${req.port ?? 18443}`,
      hex: '0a0b0c',
      colonHex: '0a:0b:0c',
      snippets: {
        iscDhcpd: 'option isc;',
        dnsmasq: 'dhcp-option=43',
        windowsNetsh: 'netsh',
        windowsPowerShell: 'Set-Dhcp',
        mikrotik: '/ip dhcp',
      },
    }),
    'discovery.sweepStart': () => ({ sweepId: 's1', total: 254 }),
    'discovery.sweepCancel': () => ({ cancelled: true }),
    ...overrides,
  });
  const store = createAppStore(api);
  store.getState().connect();
  render(<App store={store} api={api} env="test" />);
  return { api, store };
}

describe('app shell', () => {
  it('shows the phone-facing address, listening state and counts in the status bar', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId('status-address').textContent).toBe('192.168.1.2:18443'));
    expect(screen.getByTestId('status-listening').textContent).toBe('listening');
    expect(screen.getByTestId('status-phones').textContent).toBe('2 phones');
    expect(screen.getByTestId('status-quarantined').textContent).toBe('1 quarantined');
  });

  it('opens a phone from the list and shows its tabs, protocol log included', async () => {
    renderApp();
    fireEvent.click(await screen.findByTestId(`phone-row-${MAC}`));
    expect(screen.getByTestId('phone-title').textContent).toBe('Reception');
    await screen.findByText('http://192.168.1.4:8085/contact_dls.html/ContactDLS');

    fireEvent.click(screen.getByTestId('tab-log'));
    fireEvent.click(await screen.findByTestId('exchange-row-7'));
    const request = await screen.findByTestId('exchange-request');
    expect(request.textContent).toContain('    <ItemList>\n      <Item name="e164">4711</Item>');

    fireEvent.click(screen.getByTestId('back-to-phones'));
    expect(screen.getByTestId('phones-search')).toBeTruthy();
  });

  it('builds DHCP option 43 for the preselected address and runs a sweep with live progress', async () => {
    const { api, store } = renderApp();
    fireEvent.click(screen.getByTestId('nav-discovery'));
    await waitFor(() => expect((screen.getByTestId('dhcp-host') as HTMLInputElement).value).toBe('192.168.1.2'));
    fireEvent.change(screen.getByTestId('dhcp-vlan'), { target: { value: '20' } });
    fireEvent.click(screen.getByTestId('dhcp-build'));
    expect((await screen.findByTestId('dhcp-hex')).textContent).toBe('0a0b0c');
    expect(screen.getByTestId('dhcp-snippet-iscDhcpd').textContent).toBe('option isc;');
    expect(api.callsOf('discovery.dhcp')).toEqual([{ host: '192.168.1.2', port: 18443, vlanId: 20 }]);

    fireEvent.change(screen.getByTestId('sweep-targets'), { target: { value: '192.168.1.0/24' } });
    fireEvent.click(screen.getByTestId('sweep-start'));
    await waitFor(() => expect(store.getState().currentSweepId).toBe('s1'));
    act(() => {
      api.emit({
        type: 'sweep.progress',
        progress: { sweepId: 's1', done: 127, total: 254, found: 1, finished: false, cancelled: false },
      });
      api.emit({
        type: 'sweep.result',
        result: { sweepId: 's1', ip: '192.168.1.40', outcome: 'phone', detail: 'OpenStage 40' },
      });
    });
    expect(screen.getByTestId('sweep-status').textContent).toBe('127 of 254 addresses, 1 phone(s) found');
    expect(screen.getByTestId('sweep-result-192.168.1.40')).toBeTruthy();
    fireEvent.click(screen.getByTestId('sweep-cancel'));
    await waitFor(() => expect(api.callsOf('discovery.sweepCancel')).toEqual([{ sweepId: 's1' }]));

    fireEvent.click(screen.getByTestId('adopt-AAAAAAAAAAAA'));
    await waitFor(() => expect(api.callsOf('phones.adopt')).toEqual([{ macs: ['AAAAAAAAAAAA'] }]));
  });

  it('lists jobs with retry for failed and cancel for queued ones, filterable by state', async () => {
    const { api } = renderApp();
    fireEvent.click(screen.getByTestId('nav-jobs'));
    fireEvent.click(await screen.findByTestId('job-retry-j-failed'));
    await waitFor(() => expect(api.callsOf('jobs.retry')).toEqual([{ id: 'j-failed' }]));
    fireEvent.click(screen.getByTestId('job-cancel-j-queued'));
    await waitFor(() => expect(api.callsOf('jobs.cancel')).toEqual([{ id: 'j-queued' }]));

    fireEvent.click(screen.getByTestId('job-filter-queued'));
    await waitFor(() => expect(screen.getAllByTestId(/^job-row-/)).toHaveLength(2));
  });

  it('says when the next contact-me is due for a job the contact-me limit holds back, in English and German', async () => {
    const held = jobView({
      id: 'j-held',
      state: 'waiting-for-phone',
      reason: 'held back by the contact-me limit',
      nextContactAt: NEXT_CONTACT_AT,
    });
    const { store } = renderApp({ 'jobs.list': () => [held] });
    fireEvent.click(screen.getByTestId('nav-jobs'));
    const row = await screen.findByTestId('job-row-j-held');
    expect(row.textContent).toContain('held back by the contact-me limit · next contact-me at 2:05:09 PM');
    await act(() => store.getState().setLanguage('de'));
    await waitFor(() =>
      expect(screen.getByTestId('job-row-j-held').textContent).toContain('nächster Kontaktversuch (contact-me) um 14:05:09'),
    );
  });

  it('shows where the listeners really are, a start on the defaults and the environment override', async () => {
    const failed = {
      address: '192.168.1.2',
      port: 18080,
      protocol: 'http' as const,
      listening: false,
      error: 'cannot listen on 192.168.1.2:18080 (HTTP): port 18080 is already in use by another program (EADDRINUSE)',
    };
    renderApp({
      'app.info': () => ({
        ...APP_INFO,
        phonePort: 18500,
        listenerFallback: { failed },
        overrides: { phonePort: 18500, bindAddresses: null },
      }),
    });
    fireEvent.click(screen.getByTestId('nav-settings'));
    const alert = await screen.findByTestId('settings-listener-fallback');
    expect(alert.textContent).toContain('Started on the default addresses and ports');
    expect(alert.textContent).toContain(failed.error);
    expect(screen.getByTestId('settings-listeners').textContent).toContain('0.0.0.0:18443');
    expect(screen.getByText(/FIELDSTAGE_PHONE_PORT\) sets the port to 18500/)).toBeTruthy();
  });

  it('saves settings and switches the language at once', async () => {
    const { api } = renderApp();
    fireEvent.click(screen.getByTestId('nav-settings'));
    const port = await screen.findByTestId('settings-phone-port');
    fireEvent.change(port, { target: { value: '18444' } });
    fireEvent.change(screen.getByTestId('settings-adopt-macs'), { target: { value: '001AE8000001\n001AE8000002' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(api.callsOf('settings.update')).toHaveLength(1));
    expect(api.callsOf('settings.update')[0]).toMatchObject({
      phonePort: 18444,
      adoption: { adoptAll: false, macs: ['001AE8000001', '001AE8000002'], prefixes: [] },
    });

    fireEvent.click(within(screen.getByTestId('settings-language')).getByText('Deutsch'));
    await waitFor(() => expect(screen.getByTestId('nav-phones').textContent).toContain('Telefone'));
  });
});
