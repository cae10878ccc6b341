import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ParametersTab } from '../../renderer/src/features/editor/ParametersTab.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import type { JobView } from '../../shared/model.js';
import { createFakeApi, itemView, jobView, MAC, phoneSummary, renderWithStore, type FakeHandlers } from './support.js';

const ITEMS = [
  itemView('display-id-unicode', 'Reception'),
  itemView('sip-transport', '0'),
  itemView('transaction-timer', '32000'),
  itemView('beep-on-error', 'true'),
  itemView('sip-pwd', '******', { secret: true }),
  itemView('device-type', 'OpenStage 60'),
  itemView('function-key-def', '0', { index: 1 }),
  itemView('function-key-def', '59', { index: 2 }),
  itemView('key-label-unicode', '', { index: 1 }),
  itemView('key-label-unicode', 'BLF', { index: 2 }),
  itemView('vendor-private-thing', 'x'),
];

async function renderEditor(handlers: FakeHandlers = {}) {
  const api = createFakeApi({
    'phones.items': () => ITEMS,
    'phones.revealItem': () => ({ value: 'hunter2' }),
    'items.validate': () => ({ issues: [] }),
    'jobs.create': (req) => ({ jobs: [jobView({ id: 'w1', items: req.items ?? [] })], refused: [] }),
    ...handlers,
  });
  const store = createAppStore(api);
  await store.getState().openEditor(MAC);
  api.onEvent((event) => store.getState().handleEvent(event));
  return renderWithStore(<ParametersTab phone={phoneSummary()} />, api, store);
}

function showCategory(category: string) {
  fireEvent.click(screen.getByTestId(`category-${category}`));
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe('parameter editor controls', () => {
  it('offers enum values with their labels in a Select', async () => {
    const { store } = await renderEditor();
    showCategory('sip');
    const select = screen.getByTestId('item-sip-transport') as HTMLInputElement;
    expect(select.value).toBe('UDP (0)');
    fireEvent.click(select);
    fireEvent.click(await screen.findByRole('option', { name: 'TLS (2)' }));
    expect(store.getState().editor.pending['sip-transport']?.value).toBe('2');
  });

  it('edits booleans with a Switch', async () => {
    const { store } = await renderEditor();
    showCategory('audio');
    const toggle = screen.getByTestId('item-beep-on-error') as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    expect(store.getState().editor.pending['beep-on-error']?.value).toBe('false');
  });

  it('shows the range rule for an integer out of range and blocks Apply', async () => {
    await renderEditor();
    showCategory('sip');
    type('item-transaction-timer', '100');
    expect(screen.getAllByText('Range: 3700 to 32000').length).toBeGreaterThan(0);
    expect((screen.getByTestId('apply-changes') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('apply-blocked').textContent).toContain('Fix the marked values first');
  });

  it('refuses < in text and names the characters rule', async () => {
    await renderEditor();
    type('item-display-id-unicode', 'Sales <1>');
    expect(screen.getAllByText('Characters: phones cannot take < > &').length).toBeGreaterThan(0);
    expect(within(screen.getByTestId('check-display-id-unicode')).getByText(/Characters/)).toBeTruthy();
  });

  it('keeps secrets masked until revealed on purpose', async () => {
    const { api } = await renderEditor();
    showCategory('registration');
    const input = screen.getByTestId('item-sip-pwd') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('set (hidden)');
    expect(api.callsOf('phones.revealItem')).toEqual([]);

    // Mantine toggles visibility on mouse down (so the input keeps focus), not on click.
    fireEvent.mouseDown(screen.getByTestId('reveal-sip-pwd'));
    await waitFor(() => expect((screen.getByTestId('item-sip-pwd') as HTMLInputElement).type).toBe('text'));
    expect((screen.getByTestId('item-sip-pwd') as HTMLInputElement).value).toBe('hunter2');
    expect(api.callsOf('phones.revealItem')).toEqual([{ mac: MAC, name: 'sip-pwd' }]);
  });

  it('shows read-only items disabled', async () => {
    await renderEditor();
    showCategory('inventory');
    expect((screen.getByTestId('item-device-type') as HTMLInputElement).disabled).toBe(true);
  });

  it('edits programmable keys as a table: function and label per key index', async () => {
    const { store } = await renderEditor();
    showCategory('keys');
    const table = screen.getByTestId('family-function-key-def');
    expect(within(table).getByText('Programmable keys')).toBeTruthy();
    expect((within(table).getByTestId('item-function-key-def-2') as HTMLInputElement).value).toBe('59');
    expect((within(table).getByTestId('item-key-label-unicode-2') as HTMLInputElement).value).toBe('BLF');
    type('item-key-label-unicode-1', 'Forward');
    expect(store.getState().editor.pending['key-label-unicode#1']).toMatchObject({ index: 1, value: 'Forward' });
  });

  it('lists items outside the catalogue as plain text', async () => {
    await renderEditor();
    showCategory('not-in-catalogue');
    expect(screen.getByText('Other (not in catalogue)', { selector: 'h5' })).toBeTruthy();
    expect((screen.getByTestId('item-vendor-private-thing') as HTMLInputElement).type).toBe('text');
  });

  it('finds items across categories by search', async () => {
    await renderEditor();
    type('editor-search', 'transport');
    expect(screen.getByTestId('item-sip-transport')).toBeTruthy();
    expect(screen.queryByTestId('item-display-id-unicode')).toBeNull();
  });
});

describe('pending changes and apply', () => {
  it('shows old → new, applies through items.validate and one write-items job, then the phone’s answers', async () => {
    const { api } = await renderEditor();
    type('item-display-id-unicode', 'Lobby');
    showCategory('sip');
    type('item-transaction-timer', '4000');

    const diff = within(screen.getByTestId('pending-display-id-unicode'));
    expect(diff.getByText('Reception')).toBeTruthy();
    expect(diff.getByText('Lobby')).toBeTruthy();
    expect(within(screen.getByTestId('pending-transaction-timer')).getByText('32000')).toBeTruthy();

    fireEvent.click(screen.getByTestId('apply-changes'));
    await waitFor(() => expect(api.callsOf('jobs.create')).toHaveLength(1));
    const sent = [
      { name: 'display-id-unicode', value: 'Lobby' },
      { name: 'transaction-timer', value: '4000' },
    ];
    expect(api.callsOf('items.validate')).toEqual([{ mac: MAC, items: sent }]);
    expect(api.callsOf('jobs.create')).toEqual([{ macs: [MAC], kind: 'write-items', items: sent }]);
    await waitFor(() => expect(screen.queryByTestId('pending-changes')).toBeNull());
    expect(screen.getByTestId('result-transaction-timer').textContent).toBe('waiting for the phone');

    const finished: JobView = jobView({
      id: 'w1',
      state: 'done',
      items: sent,
      results: [
        { name: 'display-id-unicode', status: 'invalid data' },
        { name: 'transaction-timer', status: 'accepted' },
      ],
      updatedAt: Date.now() + 1000,
    });
    act(() => api.emit({ type: 'job.updated', job: finished }));
    expect(screen.getByTestId('result-transaction-timer').textContent).toBe('accepted');
    // A finished write reloads the phone's items.
    await waitFor(() => expect(api.callsOf('phones.items')).toHaveLength(2));
    showCategory('identity');
    expect(screen.getByTestId('result-display-id-unicode').textContent).toBe('refused (invalid data)');
  });

  it('says when the phone refuses read-only items or is in a call', async () => {
    const { api } = await renderEditor();
    act(() =>
      api.emit({
        type: 'job.updated',
        job: jobView({
          id: 'w0',
          state: 'done',
          items: [{ name: 'display-id-unicode', value: 'x' }],
          results: [{ name: 'display-id-unicode', status: 'read only' }],
        }),
      }),
    );
    expect(screen.getByTestId('result-display-id-unicode').textContent).toBe('read-only (phone refuses changes)');
    await waitFor(() => expect(api.callsOf('phones.items')).toHaveLength(2));
    act(() =>
      api.emit({
        type: 'job.updated',
        job: jobView({
          id: 'w2',
          state: 'waiting-busy',
          items: [{ name: 'display-id-unicode', value: 'y' }],
          createdAt: Date.now() + 5000,
        }),
      }),
    );
    expect(screen.getByTestId('result-display-id-unicode').textContent).toBe('waiting: phone in a call');
  });

  it('shows issues from items.validate next to the item and sends nothing', async () => {
    const { api } = await renderEditor({
      'items.validate': () => ({
        issues: [{ name: 'display-id-unicode', message: 'the phone model does not support this' }],
      }),
    });
    type('item-display-id-unicode', 'Lobby');
    fireEvent.click(screen.getByTestId('apply-changes'));
    await waitFor(() => expect(screen.getAllByText('the phone model does not support this').length).toBeGreaterThan(0));
    expect(api.callsOf('jobs.create')).toEqual([]);
  });

  it('discards a single change', async () => {
    await renderEditor();
    type('item-display-id-unicode', 'Lobby');
    fireEvent.click(screen.getByTestId('discard-display-id-unicode'));
    expect(screen.queryByTestId('pending-changes')).toBeNull();
    expect((screen.getByTestId('item-display-id-unicode') as HTMLInputElement).value).toBe('Reception');
  });
});
