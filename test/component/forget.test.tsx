import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ActionsTab } from '../../renderer/src/features/phone/ActionsTab.js';
import { PhonesScreen } from '../../renderer/src/features/phones/PhonesScreen.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import { PHONES_PAGE_MAX } from '../../shared/api.js';
import type { PhoneSummary } from '../../shared/model.js';
import { createFakeApi, MAC, phoneSummary, renderWithStore } from './support.js';

function mac(n: number): string {
  return `001AE8${n.toString(16).toUpperCase().padStart(6, '0')}`;
}

/** A fake phones.list that pages like the core: MAC order, after `afterMac`, at most `limit`. */
function pagedList(phones: PhoneSummary[]) {
  const sorted = [...phones].sort((a, b) => a.mac.localeCompare(b.mac));
  return (req: { afterMac?: string; limit?: number }) =>
    sorted.filter((p) => req.afterMac === undefined || p.mac > req.afterMac).slice(0, req.limit ?? PHONES_PAGE_MAX);
}

describe('paged phone list', () => {
  it('loads every page until a short one, so the table has all of several thousand phones', async () => {
    const phones = Array.from({ length: 2 * PHONES_PAGE_MAX + 7 }, (_, n) => phoneSummary({ mac: mac(n) }));
    const api = createFakeApi({ 'phones.list': pagedList(phones) });
    const store = createAppStore(api);
    await store.getState().loadPhones();
    expect(Object.keys(store.getState().phones)).toHaveLength(phones.length);
    expect(api.callsOf('phones.list')).toHaveLength(3);
  });
});

describe('forgetting phones', () => {
  it('forgets the selected phones from the table after confirmation', async () => {
    const phones = [phoneSummary({ mac: mac(1) }), phoneSummary({ mac: mac(2) })];
    const api = createFakeApi({ 'phones.list': pagedList(phones), 'phones.forget': (req) => ({ forgotten: req.macs.length }) });
    const store = createAppStore(api);
    await store.getState().loadPhones();
    renderWithStore(<PhonesScreen />, api, store);
    fireEvent.click(screen.getByTestId(`select-phone-${mac(2)}`));
    fireEvent.click(screen.getByTestId('forget-selected'));
    expect(api.callsOf('phones.forget')).toEqual([]);
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(api.callsOf('phones.forget')).toEqual([{ macs: [mac(2)] }]));
    await waitFor(() => expect(screen.queryByTestId(`phone-row-${mac(2)}`)).toBeNull());
    expect(screen.getByTestId(`phone-row-${mac(1)}`)).toBeTruthy();
  });

  it('drops a row when the core announces phone.forgotten', async () => {
    const api = createFakeApi({ 'phones.list': pagedList([phoneSummary({ mac: mac(1) })]) });
    const store = createAppStore(api);
    await store.getState().loadPhones();
    renderWithStore(<PhonesScreen />, api, store);
    await act(async () => store.getState().handleEvent({ type: 'phone.forgotten', mac: mac(1) }));
    expect(screen.queryByTestId(`phone-row-${mac(1)}`)).toBeNull();
  });

  it('forgets one phone from its page after confirmation and returns to the list', async () => {
    const api = createFakeApi({ 'phones.forget': () => ({ forgotten: 1 }) });
    const { store } = renderWithStore(<ActionsTab phone={phoneSummary()} />, api);
    fireEvent.click(screen.getByTestId('action-forget'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.callsOf('phones.forget')).toEqual([]);
    fireEvent.click(screen.getByTestId('action-forget'));
    fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(api.callsOf('phones.forget')).toEqual([{ macs: [MAC] }]));
    await waitFor(() => expect(store.getState().screen).toBe('phones'));
  });
});
