import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/api/errors.js';
import { ProfileEditor } from '../../renderer/src/features/profiles/ProfileEditor.js';
import type { ApiReq } from '../../shared/api.js';
import type { ProfileView } from '../../shared/rollout.js';
import { createFakeApi, renderWithStore, type FakeHandlers } from './support.js';

const saved = (req: ApiReq<'profiles.save'>): ProfileView => ({
  id: req.id ?? 'p-new',
  name: req.name,
  model: req.model ?? null,
  items: req.items,
  updatedAt: 1,
});

function renderProfileEditor(profile: ProfileView | null, handlers: FakeHandlers = {}) {
  const done: (ProfileView | null)[] = [];
  const api = createFakeApi({ 'profiles.save': saved, 'profiles.list': () => [], ...handlers });
  const result = renderWithStore(<ProfileEditor profile={profile} onDone={(p) => done.push(p)} />, api);
  return { ...result, done };
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

function search(text: string) {
  type('editor-search', text);
}

describe('profile editor (the phone editor on a profile)', () => {
  it('accepts a {{variable}} where the catalogue refuses the raw text and says it is resolved per phone', async () => {
    const { api, done } = renderProfileEditor(null);
    search('e164');
    type('item-e164', 'not a number');
    expect(screen.getAllByText(/Type: /).length).toBeGreaterThan(0);
    expect((screen.getByTestId('profile-save') as HTMLButtonElement).disabled).toBe(true);
    type('item-e164', '{{extension}}');
    expect(screen.getAllByText('Resolved per phone: extension').length).toBeGreaterThan(0);
    // An integer item takes a variable as text too (a number field could not hold it).
    search('transaction-timer');
    type('item-transaction-timer', '{{timer}}');
    expect(screen.getAllByText('Resolved per phone: timer').length).toBeGreaterThan(0);
    type('profile-name', 'Reception');
    fireEvent.click(screen.getByTestId('profile-save'));
    await waitFor(() => expect(done).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toEqual({
      name: 'Reception',
      model: null,
      items: [
        { name: 'e164', value: '{{extension}}' },
        { name: 'transaction-timer', value: '{{timer}}' },
      ],
    });
  });

  it('shows an invalid value next to its item: the local rule while typing, the refusal of profiles.save after saving', async () => {
    const profile: ProfileView = {
      id: 'p1',
      name: 'Desk',
      model: 'OpenStage 60',
      items: [
        { name: 'sntp-addr', value: 'ntp.example' },
        { name: 'transaction-timer', value: '32000' },
      ],
      updatedAt: 1,
    };
    const { done } = renderProfileEditor(profile, {
      'profiles.save': () => {
        throw new ApiError(400, { error: 'sntp-addr: refused', issues: [{ name: 'sntp-addr', message: 'the server says no' }] });
      },
    });
    search('transaction-timer');
    type('item-transaction-timer', '100');
    expect(screen.getAllByText('Range: 3700 to 32000').length).toBeGreaterThan(0);
    expect(screen.getByTestId('profile-blocked').textContent).toContain('Fix the marked values first');
    type('item-transaction-timer', '4000');
    fireEvent.click(screen.getByTestId('profile-save'));
    expect(await screen.findByTestId('profile-refused')).toBeTruthy();
    expect(within(screen.getByTestId('check-sntp-addr')).getByText('the server says no')).toBeTruthy();
    search('sntp-addr');
    expect(screen.getAllByText('the server says no').length).toBe(2);
    expect(done).toEqual([]);
    // Editing the value clears its refusal.
    type('item-sntp-addr', 'ntp2.example');
    expect(screen.queryAllByText('the server says no')).toEqual([]);
  });

  it('edits indexed items such as a function key and its label, and keeps a secret masked', async () => {
    const profile: ProfileView = {
      id: 'p2',
      name: 'Keys',
      model: null,
      items: [
        { name: 'function-key-def', index: 1, value: '0' },
        { name: 'sip-pwd', value: '{{sip_password}}' },
      ],
      updatedAt: 1,
    };
    const { api, done } = renderProfileEditor(profile);
    // The label column comes from the catalogue: the profile has no label yet.
    fireEvent.click(screen.getByTestId('editor-show-catalogue'));
    search('function-key-def');
    const table = screen.getByTestId('family-function-key-def');
    fireEvent.change(within(table).getByTestId('add-index-function-key-def-input'), { target: { value: '2' } });
    fireEvent.click(within(table).getByTestId('add-index-function-key-def'));
    type('item-key-label-unicode-2', 'BLF {{extension}}');
    search('sip-pwd');
    const secret = screen.getByTestId('item-sip-pwd') as HTMLInputElement;
    expect(secret.type).toBe('password');
    fireEvent.click(screen.getByTestId('profile-save'));
    await waitFor(() => expect(done).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]?.items).toEqual([
      { name: 'function-key-def', index: 1, value: '0' },
      { name: 'sip-pwd', value: '{{sip_password}}' },
      { name: 'key-label-unicode', index: 2, value: 'BLF {{extension}}' },
    ]);
    expect(api.callsOf('profiles.save')[0]?.id).toBe('p2');
  });
});
