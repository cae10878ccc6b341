import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReportCard } from '../../renderer/src/features/rollout/ReportCard.js';
import { createAppStore } from '../../renderer/src/store/index.js';
import type { AppInfo } from '../../shared/model.js';
import { createFakeApi, renderWithStore } from './support.js';

afterEach(() => vi.restoreAllMocks());

function renderReport(mode: AppInfo['mode']) {
  const api = createFakeApi({
    'report.pdf': () => ({ savedTo: '/home/tech/handover.pdf', cancelled: false }),
    'report.html': () => ({ html: '<html><body>report</body></html>' }),
  });
  const store = createAppStore(api);
  // Only the mode matters here: it decides who prints.
  store.setState({ appInfo: { mode } as AppInfo });
  return renderWithStore(<ReportCard />, api, store);
}

describe('printable hand-over report', () => {
  it('the desktop app prints it to an A4 PDF through report.pdf and says where it went', async () => {
    const { api, store } = renderReport('electron');
    fireEvent.change(screen.getByTestId('report-site'), { target: { value: 'Muster GmbH' } });
    fireEvent.click(screen.getByTestId('report-html'));
    await waitFor(() => expect(api.callsOf('report.pdf')).toEqual([{ site: 'Muster GmbH', technician: '', language: 'en' }]));
    expect(api.callsOf('report.html')).toEqual([]);
    await waitFor(() =>
      expect(store.getState().notices.at(-1)).toMatchObject({
        message: 'rollout.reportSaved',
        params: { path: '/home/tech/handover.pdf' },
      }),
    );
    expect(screen.getByText(/saved as an A4 PDF/)).toBeTruthy();
  });

  it('browser mode opens the report in a tab for the browser’s print view', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue({} as Window);
    const { api } = renderReport('browser');
    fireEvent.click(screen.getByTestId('report-html'));
    await waitFor(() => expect(open).toHaveBeenCalledTimes(1));
    expect(api.callsOf('report.pdf')).toEqual([]);
    expect(api.callsOf('report.html')).toHaveLength(1);
  });
});
