import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StartTracingDialog } from '../../renderer/src/features/diagnostics/StartTracingDialog.js';
import { ASSUMED_TRACE_COMPONENTS, presetLevels } from '../../shared/traces.js';
import { createFakeApi, MAC, renderWithStore } from './support.js';

describe('start tracing dialog', () => {
  it('sends the preset, or in the expert view the single levels taken from it', async () => {
    const api = createFakeApi({ 'traces.start': () => ({ jobs: [], needsReboot: false }) });
    renderWithStore(<StartTracingDialog macs={[MAC]} opened onClose={() => undefined} />, api);
    fireEvent.click(await screen.findByTestId('tracing-start-confirm'));
    await waitFor(() => expect(api.callsOf('traces.start')).toHaveLength(1));
    expect(api.callsOf('traces.start')[0]).toEqual({ macs: [MAC], preset: 'sip', minutes: 30 });

    fireEvent.click(screen.getByTestId('tracing-expert'));
    const table = await screen.findByTestId('tracing-expert-levels');
    expect(table.querySelectorAll('tr')).toHaveLength(ASSUMED_TRACE_COMPONENTS.length);
    fireEvent.click(screen.getByTestId('tracing-start-confirm'));
    await waitFor(() => expect(api.callsOf('traces.start')).toHaveLength(2));
    expect(api.callsOf('traces.start')[1]).toEqual({ macs: [MAC], levels: presetLevels('sip'), minutes: 30 });
  });
});
