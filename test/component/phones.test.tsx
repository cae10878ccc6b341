import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PhonesScreen } from '../../renderer/src/features/phones/PhonesScreen.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import type { PhoneSummary } from '../../shared/model.js';
import { createFakeApi, phoneSummary, renderWithStore } from './support.js';

function mac(n: number): string {
  return `001AE8${n.toString(16).toUpperCase().padStart(6, '0')}`;
}

async function renderPhones(phones: PhoneSummary[]) {
  const api = createFakeApi({ 'phones.list': () => phones, 'phones.adopt': (req) => ({ adopted: req.macs.length }) });
  const store = createAppStore(api);
  await store.getState().loadPhones();
  return renderWithStore(<PhonesScreen />, api, store);
}

describe('phones screen', () => {
  it('renders only the visible rows of a thousand phones', async () => {
    const phones = Array.from({ length: 1000 }, (_, n) => phoneSummary({ mac: mac(n), e164: String(1000 + n), lastContact: n }));
    await renderPhones(phones);
    const rows = screen.getAllByTestId(/^phone-row-/);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    // Sorted by last contact, newest first.
    expect(rows[0]?.dataset.testid).toBe(`phone-row-${mac(999)}`);
  });

  it('filters with the search box and opens a phone on click', async () => {
    const { store } = await renderPhones([
      phoneSummary({ mac: mac(1), displayName: 'Reception' }),
      phoneSummary({ mac: mac(2), displayName: 'Warehouse' }),
    ]);
    fireEvent.change(screen.getByTestId('phones-search'), { target: { value: 'wareh' } });
    await waitFor(() => expect(screen.queryByTestId(`phone-row-${mac(1)}`)).toBeNull());
    fireEvent.click(screen.getByTestId(`phone-row-${mac(2)}`));
    expect(store.getState()).toMatchObject({ screen: 'phone', selectedMac: mac(2) });
  });

  it('adopts the selected phones', async () => {
    const { api } = await renderPhones([
      phoneSummary({ mac: mac(1), adoption: 'quarantined' }),
      phoneSummary({ mac: mac(2), adoption: 'quarantined' }),
    ]);
    expect((screen.getByTestId('adopt-selected') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId(`select-phone-${mac(2)}`));
    fireEvent.click(screen.getByTestId('adopt-selected'));
    await waitFor(() => expect(api.callsOf('phones.adopt')).toEqual([{ macs: [mac(2)] }]));
  });

  it('updates a row live from phone.updated', async () => {
    const { store } = await renderPhones([phoneSummary({ mac: mac(1), ip: '10.0.0.1' })]);
    // Async act: the virtualiser re-measures after the data changes.
    await act(async () => store.getState().handleEvent({ type: 'phone.updated', phone: phoneSummary({ mac: mac(1), ip: '10.0.0.99' }) }));
    expect(screen.getByTestId(`phone-row-${mac(1)}`).textContent).toContain('10.0.0.99');
  });

  it('explains how to point phones at the laptop when there are none', async () => {
    const { store } = await renderPhones([]);
    expect(screen.getByTestId('phones-empty').textContent).toContain('DHCP option 43');
    fireEvent.click(screen.getByTestId('empty-open-discovery'));
    expect(store.getState().screen).toBe('discovery');
  });
});
