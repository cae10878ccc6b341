import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RolloutScreen } from '../../renderer/src/features/rollout/RolloutScreen.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import { ROLLOUT_STATES, type RolloutRowView, type RolloutState, type RolloutStatus } from '../../shared/rollout.js';
import { createFakeApi, phoneSummary, renderWithStore } from './support.js';

const mac = (n: number) => `001AE8${n.toString(16).toUpperCase().padStart(6, '0')}`;

/** 1,000 rows: every tenth needs attention, the others are done. */
function status(): RolloutStatus {
  const rows: RolloutRowView[] = Array.from({ length: 1000 }, (_, i) => ({
    id: `r${i}`,
    line: i + 2,
    mac: mac(i),
    extension: String(3000 + i),
    displayName: `Person ${i}`,
    state: i % 10 === 0 ? 'attention' : 'done',
    reason: i % 10 === 0 ? 'refused items: e164' : null,
    jobId: `j${i}`,
    assignedBy: 'list',
    model: 'OpenStage 60',
    softwareVersion: 'V3',
    ip: '127.0.0.1',
    updatedAt: 1_700_000_000_000,
  }));
  const counts = Object.fromEntries(ROLLOUT_STATES.map((s) => [s, rows.filter((r) => r.state === s).length])) as Record<
    RolloutState,
    number
  >;
  return { rows, counts, percent: 90, benchMode: false, profileId: null };
}

async function renderRollout() {
  const api = createFakeApi({
    'rollout.status': () => status(),
    'profiles.list': () => [],
    'phones.list': () => [phoneSummary({ mac: mac(0) }), phoneSummary({ mac: mac(10) })],
  });
  const store = createAppStore(api);
  await store.getState().loadPhones();
  const result = renderWithStore(<RolloutScreen />, api, store);
  await screen.findByTestId('rollout-rows-table');
  return result;
}

const shownRows = () => screen.getAllByTestId(/^rollout-row-/);

describe('roll-out list (virtualised like the phones table)', () => {
  it('holds 1,000 rows but renders only those in view, in line order', async () => {
    await renderRollout();
    const rows = shownRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]?.dataset.testid).toBe('rollout-row-2');
    expect(screen.getByTestId('rollout-filter').textContent).toContain('All (1000)');
  });

  it('filters by state and by search text', async () => {
    await renderRollout();
    fireEvent.click(screen.getByText('needs attention (100)'));
    await waitFor(() => expect(shownRows().every((row) => row.dataset.state === 'attention')).toBe(true));
    expect(shownRows()[1]?.textContent).toContain('refused items: e164');
    fireEvent.change(screen.getByTestId('rollout-search'), { target: { value: 'Person 990' } });
    await waitFor(() => expect(shownRows().map((r) => r.dataset.testid)).toEqual(['rollout-row-992']));
    fireEvent.change(screen.getByTestId('rollout-search'), { target: { value: 'nobody' } });
    expect(await screen.findByText('No row matches.')).toBeTruthy();
  });

  it('applies a profile to the selected rows whose phone is known', async () => {
    await renderRollout();
    fireEvent.click(screen.getByTestId('rollout-select-2'));
    // Line 3's phone never called: nothing to apply a profile to yet.
    expect((screen.getByTestId('rollout-select-3') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rollout-select-12'));
    await act(async () => undefined);
    expect(screen.getByTestId('rollout-apply-profile').textContent).toBe('Apply profile to selected (2)');
    fireEvent.click(screen.getByTestId('rollout-apply-profile'));
    expect((await screen.findByTestId('apply-dialog')).textContent).toContain('No profile yet');
    expect(screen.getByText('Apply a profile to 2 phone(s)')).toBeTruthy();
  });
});
