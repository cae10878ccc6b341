import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ActionsTab } from '../../renderer/src/features/phone/ActionsTab.js';
import { createFakeApi, jobView, MAC, phoneSummary, renderWithStore } from './support.js';

function renderActions(phone = phoneSummary()) {
  const api = createFakeApi({ 'jobs.create': (req) => ({ jobs: [jobView({ kind: req.kind })], refused: [] }) });
  return renderWithStore(<ActionsTab phone={phone} />, api);
}

function confirmButton(): HTMLButtonElement {
  return screen.getByTestId('confirm-button') as HTMLButtonElement;
}

describe('factory reset confirmation', () => {
  it('enables only when the MAC or the number is typed exactly, then queues the reset', async () => {
    const { api } = renderActions();
    fireEvent.click(screen.getByTestId('action-factory-reset'));
    expect(confirmButton().disabled).toBe(true);

    const input = screen.getByTestId('confirm-input');
    fireEvent.change(input, { target: { value: MAC.toLowerCase() } });
    expect(confirmButton().disabled).toBe(true);
    fireEvent.change(input, { target: { value: '30210818965' } });
    expect(confirmButton().disabled).toBe(true);
    fireEvent.change(input, { target: { value: '302108189656' } });
    expect(confirmButton().disabled).toBe(false);
    fireEvent.change(input, { target: { value: MAC } });
    expect(confirmButton().disabled).toBe(false);
    expect(api.callsOf('jobs.create')).toEqual([]);

    fireEvent.click(confirmButton());
    await waitFor(() => expect(api.callsOf('jobs.create')).toEqual([{ macs: [MAC], kind: 'factory-reset', items: [] }]));
  });

  it('sends nothing when cancelled', () => {
    const { api } = renderActions();
    fireEvent.click(screen.getByTestId('action-factory-reset'));
    fireEvent.change(screen.getByTestId('confirm-input'), { target: { value: MAC } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.calls).toEqual([]);
  });
});

describe('restart and refresh', () => {
  it('asks before restarting', async () => {
    const { api } = renderActions();
    fireEvent.click(screen.getByTestId('action-restart'));
    expect(screen.queryByTestId('confirm-input')).toBeNull();
    fireEvent.click(confirmButton());
    await waitFor(() => expect(api.callsOf('jobs.create')).toEqual([{ macs: [MAC], kind: 'restart', items: [] }]));
  });

  it('refreshes with a read-all job without asking', async () => {
    const { api } = renderActions();
    fireEvent.click(screen.getByTestId('action-refresh'));
    await waitFor(() => expect(api.callsOf('jobs.create')).toEqual([{ macs: [MAC], kind: 'read-all', items: [] }]));
  });

  it('does not offer writing actions for a quarantined phone', () => {
    renderActions(phoneSummary({ adoption: 'quarantined' }));
    expect((screen.getByTestId('action-restart') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('action-factory-reset') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('quarantine-hint')).toBeTruthy();
  });
});

describe('confirmation dialog', () => {
  it('starts empty every time it opens', async () => {
    renderActions();
    fireEvent.click(screen.getByTestId('action-factory-reset'));
    fireEvent.change(screen.getByTestId('confirm-input'), { target: { value: MAC } });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByTestId('action-factory-reset'));
    expect((screen.getByTestId('confirm-input') as HTMLInputElement).value).toBe('');
    expect(confirmButton().disabled).toBe(true);
  });
});

describe('polling for phones behind NAT', () => {
  it('sets the poll interval through phones.setPolling', async () => {
    const api = createFakeApi({ 'phones.setPolling': () => ({ jobs: [jobView({ id: 'p1' })] }) });
    renderWithStore(<ActionsTab phone={phoneSummary()} />, api);
    fireEvent.change(screen.getByTestId('polling-interval'), { target: { value: '300' } });
    fireEvent.click(screen.getByTestId('action-set-polling'));
    await waitFor(() => expect(api.callsOf('phones.setPolling')).toEqual([{ macs: [MAC], intervalSeconds: 300 }]));
  });
});
