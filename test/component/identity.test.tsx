import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConnectionSettingsForm } from '../../renderer/src/features/settings/ConnectionSettingsForm.js';
import { IdentityChangeAlert } from '../../renderer/src/features/phone/IdentityChangeAlert.js';
import { PhonesScreen } from '../../renderer/src/features/phones/PhonesScreen.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import type { PhoneSummary } from '../../shared/model.js';
import { createFakeApi, MAC, phoneSummary, renderWithStore, settingsView } from './support.js';

const changed: PhoneSummary = phoneSummary({
  identityChange: {
    at: 1_700_000_000_000,
    changes: [
      { field: 'partNumber', from: 'S30817-S7403-C101-020', to: 'S30817-S7402-X999-001' },
      { field: 'ip', from: '127.0.0.10', to: '127.0.0.20' },
    ],
  },
});

describe('a changed identity', () => {
  it('shows as a badge in the phones table', async () => {
    const api = createFakeApi({ 'phones.list': () => [changed, phoneSummary({ mac: '001AE8000002' })] });
    const store = createAppStore(api);
    await store.getState().loadPhones();
    renderWithStore(<PhonesScreen />, api, store);
    expect(screen.getByTestId(`identity-badge-${MAC}`).textContent).toBe('identity changed');
    expect(screen.getByTestId(`identity-badge-${MAC}`).title).toContain('Part number: S30817-S7403-C101-020 → S30817-S7402-X999-001');
    expect(screen.queryByTestId('identity-badge-001AE8000002')).toBeNull();
  });

  it('lists what changed on the phone page, names Secure Mode and confirms through the API', async () => {
    const api = createFakeApi({ 'phones.confirmIdentity': () => ({ confirmed: true }) });
    renderWithStore(<IdentityChangeAlert phone={changed} />, api);
    expect(screen.getByTestId('identity-changes').textContent).toContain('IP address: 127.0.0.10 → 127.0.0.20');
    expect(screen.getByTestId('identity-change').textContent).toContain('Secure Mode');
    fireEvent.click(screen.getByTestId('confirm-identity'));
    await waitFor(() => expect(api.callsOf('phones.confirmIdentity')).toEqual([{ mac: MAC }]));
  });

  it('shows nothing for a phone whose identity did not change', () => {
    renderWithStore(<IdentityChangeAlert phone={phoneSummary()} />, createFakeApi());
    expect(screen.queryByTestId('identity-change')).toBeNull();
  });
});

describe('the plain-HTTP port setting', () => {
  it('warns that it is not encrypted and carries no secrets, only while it is on', async () => {
    const api = createFakeApi();
    const store = createAppStore(api);
    renderWithStore(<ConnectionSettingsForm settings={settingsView({ httpPort: 0 })} />, api, store);
    expect(screen.queryByTestId('settings-http-warning')).toBeNull();
    fireEvent.change(screen.getByTestId('settings-http-port'), { target: { value: '18080' } });
    await waitFor(() => expect(screen.getByTestId('settings-http-warning').textContent).toContain('never sends passwords'));
  });
});
