import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PhoneFilesTab } from '../../renderer/src/features/files/PhoneFilesTab.js';
import { createFakeApi, itemView, jobView, MAC, phoneSummary, renderWithStore } from './support.js';

describe('phone files tab', () => {
  it('lists what the phone stores, deletes a file by a job, and shows a deployment’s live download', async () => {
    const api = createFakeApi({
      'files.list': () => [],
      'phones.items': () => [
        itemView('file-deployment-name', 'ring.wav', { index: 1 }),
        itemView('file-deployment-type', 'RINGTONE', { index: 1 }),
        itemView('file-deployment-status', 'ok', { index: 1 }),
      ],
      'jobs.create': (req) => ({ jobs: [jobView({ id: 'del', kind: 'file-deployment', items: req.items ?? [] })], refused: [] }),
    });
    const { store } = renderWithStore(<PhoneFilesTab phone={phoneSummary()} />, api);
    await act(() => store.getState().openEditor(MAC));
    await screen.findByTestId('stored-file-ring.wav');

    fireEvent.click(screen.getByTestId('stored-file-delete-ring.wav'));
    fireEvent.click(await screen.findByTestId('confirm-button'));
    await waitFor(() => expect(api.callsOf('jobs.create')).toHaveLength(1));
    expect(api.callsOf('jobs.create')[0]).toEqual({
      macs: [MAC],
      kind: 'file-deployment',
      items: [
        { name: 'file-action', index: 1, value: 'delete' },
        { name: 'file-name', index: 1, value: 'ring.wav' },
        { name: 'file-type', index: 1, value: 'RINGTONE' },
      ],
    });

    act(() => store.getState().upsertJob(jobView({ id: 'fw', kind: 'software-deployment', state: 'running', fileIds: ['f9'] })));
    act(() =>
      store.getState().handleEvent({
        type: 'file.download',
        download: {
          id: 'd',
          fileId: 'f9',
          jobId: 'fw',
          peer: '127.0.0.9',
          bytes: 500,
          expected: 1000,
          startedAt: 0,
          durationMs: 5,
          state: 'running',
        },
      }),
    );
    const progress = await screen.findByTestId('job-download-fw');
    expect(progress.textContent).toContain('500 B of 1.0 kB (50 %)');
    expect(screen.getByTestId('deployment-fw').textContent).toContain('(removed from the library)');
  });
});
