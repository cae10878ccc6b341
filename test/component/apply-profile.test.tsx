import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApplyProfileDialog } from '../../renderer/src/features/profiles/ApplyProfileDialog.js';
import type { ApiReq, ProfileApplyView } from '../../shared/api.js';
import type { ProfileView } from '../../shared/rollout.js';
import { createFakeApi, jobView, renderWithStore } from './support.js';

const A = '001AE8000001';
const B = '001AE8000002';
const C = '001AE8000003';
const PROFILE: ProfileView = {
  id: 'p1',
  name: 'Desk',
  model: 'OpenStage 60',
  items: [{ name: 'key-label-unicode', index: 2, value: '{{display_name}}' }],
  updatedAt: 1,
};

const PHONES: ProfileApplyView[] = [
  {
    mac: A,
    changes: [
      { name: 'key-label-unicode', index: 2, from: null, to: 'Anna Schmidt' },
      { name: 'sntp-addr', from: 'old.example', to: 'ntp.example' },
    ],
    problems: [],
  },
  {
    mac: B,
    changes: [],
    problems: [
      'key-label-unicode#2: {{display_name}} has no value (no such column in the list)',
      'the profile is for OpenStage 60, the phone is OpenStage 40',
    ],
  },
  { mac: C, changes: [], problems: [] },
];

function renderDialog() {
  const api = createFakeApi({
    'profiles.list': () => [PROFILE],
    'profiles.apply': (req: ApiReq<'profiles.apply'>) => ({
      phones: PHONES,
      jobs: req.preview === false ? [jobView({ id: 'j1', mac: A })] : [],
    }),
  });
  const closed: boolean[] = [];
  const result = renderWithStore(<ApplyProfileDialog opened macs={[A, B, C]} onClose={() => closed.push(true)} />, api);
  return { ...result, closed };
}

describe('apply a profile: the diff per phone first', () => {
  it('shows per phone what changes (unknown current value said), names the unresolved variable and the other model, queues only on confirm', async () => {
    const { api, store, closed } = renderDialog();
    fireEvent.click(screen.getByTestId('apply-profile'));
    fireEvent.click(await screen.findByRole('option', { name: 'Desk (OpenStage 60)' }));
    await screen.findByTestId(`apply-phone-${A}`);
    expect(api.callsOf('profiles.apply')).toEqual([{ profileId: 'p1', macs: [A, B, C], preview: true }]);
    expect(screen.getByTestId('apply-summary').textContent).toBe(
      '1 phone(s) will change, 1 cannot get the profile (see below), 1 already match',
    );

    const a = screen.getByTestId(`apply-phone-${A}`);
    expect(a.dataset.state).toBe('changes');
    expect(within(a).getByText('key-label-unicode [2]')).toBeTruthy();
    expect(within(a).getByText('current value unknown')).toBeTruthy();
    expect(within(a).getByText('Anna Schmidt')).toBeTruthy();
    expect(within(a).getByText('old.example')).toBeTruthy();

    const b = screen.getByTestId(`apply-phone-${B}`);
    expect(b.dataset.state).toBe('refused');
    expect(within(b).getByText(/\{\{display_name\}\} has no value/).textContent).toContain('key-label-unicode#2');
    expect(within(b).getByText('the profile is for OpenStage 60, the phone is OpenStage 40')).toBeTruthy();
    expect(screen.getByTestId(`apply-phone-${C}`).dataset.state).toBe('unchanged');

    fireEvent.click(screen.getByTestId('apply-confirm'));
    expect((await screen.findByTestId('apply-queued')).textContent).toContain('1 job(s) queued');
    expect(api.callsOf('profiles.apply')[1]).toEqual({ profileId: 'p1', macs: [A, B, C], preview: false });
    fireEvent.click(screen.getByTestId('apply-progress'));
    await waitFor(() => expect(store.getState().screen).toBe('jobs'));
    expect(closed).toEqual([true]);
  });

  it('offers nothing to queue when no phone would change', async () => {
    const api = createFakeApi({
      'profiles.list': () => [PROFILE],
      'profiles.apply': () => ({ phones: [{ mac: C, changes: [], problems: [] }], jobs: [] }),
    });
    renderWithStore(<ApplyProfileDialog opened macs={[C]} onClose={() => undefined} />, api);
    fireEvent.click(screen.getByTestId('apply-profile'));
    fireEvent.click(await screen.findByRole('option', { name: 'Desk (OpenStage 60)' }));
    await screen.findByTestId(`apply-phone-${C}`);
    expect((screen.getByTestId('apply-confirm') as HTMLButtonElement).disabled).toBe(true);
  });
});
