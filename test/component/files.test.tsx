import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FilesScreen } from '../../renderer/src/features/files/FilesScreen.js';
import type { FileView } from '../../shared/model.js';
import { createFakeApi, renderWithStore } from './support.js';

function fileView(overrides: Partial<FileView> = {}): FileView {
  return {
    id: 'f1',
    name: 'logo.png',
    kind: 'LOGO',
    format: 'png',
    size: 5000,
    sha256: 'a'.repeat(64),
    addedAt: Date.UTC(2026, 0, 1),
    width: 300,
    height: 100,
    checks: [{ level: 'warning', rule: 'logo-size', message: 'The logo is 300×100' }],
    usedBy: [],
    ...overrides,
  };
}

describe('Files screen', () => {
  it('lists the library with kind, size and checks, shows live download progress, removes after confirming', async () => {
    const api = createFakeApi({
      'files.list': () => [
        fileView(),
        fileView({
          id: 'f2',
          name: 'fw.img',
          kind: 'FIRMWARE',
          format: 'firmware',
          checks: [],
          usedBy: [{ jobId: 'j', mac: 'M', state: 'queued' }],
        }),
      ],
      'files.remove': () => ({ removed: true }),
    });
    const { store } = renderWithStore(<FilesScreen />, api);
    await screen.findByTestId('file-row-f1');
    expect(screen.getByTestId('file-check-f1-logo-size').textContent).toContain('300×100');
    expect(screen.getByTestId('file-row-f1').textContent).toContain('5.0 kB');
    expect(screen.getByTestId('file-remove-f2')).toHaveProperty('disabled', true);

    act(() =>
      store.getState().handleEvent({
        type: 'file.download',
        download: {
          id: 'd1',
          fileId: 'f1',
          peer: '127.0.0.5',
          bytes: 2500,
          expected: 5000,
          startedAt: 0,
          durationMs: 10,
          state: 'running',
        },
      }),
    );
    expect(screen.getByTestId('download-127.0.0.5').textContent).toContain('50%');
    act(() =>
      store.getState().handleEvent({
        type: 'file.download',
        download: {
          id: 'd1',
          fileId: 'f1',
          peer: '127.0.0.5',
          bytes: 5000,
          expected: 5000,
          startedAt: 0,
          durationMs: 20,
          state: 'complete',
        },
      }),
    );
    expect(screen.queryByTestId('download-127.0.0.5')).toBeNull();

    fireEvent.click(screen.getByTestId('file-remove-f1'));
    fireEvent.click(await screen.findByTestId('confirm-button'));
    await waitFor(() => expect(screen.queryByTestId('file-row-f1')).toBeNull());
    expect(api.callsOf('files.remove')).toEqual([{ id: 'f1' }]);
  });

  it('imports through the main-process dialog when there is no upload, and lists refusals with their reason', async () => {
    const api = createFakeApi({
      'files.list': () => [],
      'files.pick': () => ({
        files: [fileView({ id: 'f9', name: 'ring.wav', kind: 'RINGTONE', format: 'wav', checks: [] })],
        refused: [{ name: 'x.exe', rule: 'unknown-format', message: 'not a format phones take' }],
      }),
    });
    renderWithStore(<FilesScreen />, api);
    await screen.findByText(/library is empty/);
    fireEvent.click(screen.getByTestId('files-import'));
    await screen.findByTestId('file-row-f9');
    expect(screen.getByTestId('files-refused').textContent).toContain('x.exe: not a format phones take');
  });
});
