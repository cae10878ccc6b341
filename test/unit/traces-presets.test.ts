import { describe, expect, it } from 'vitest';
import {
  ASSUMED_TRACE_COMPONENTS,
  needsReboot,
  presetLevels,
  TRACE_LEVEL_INDEX_COUNT,
  TRACE_PRESET_COMPONENTS,
  TRACE_PRESETS,
  traceLevelValue,
} from '../../shared/traces.js';

describe('trace presets', () => {
  it('name only components the assumed map has an index for', () => {
    for (const components of Object.values(TRACE_PRESET_COMPONENTS)) {
      for (const name of Object.keys(components)) expect(ASSUMED_TRACE_COMPONENTS).toContain(name);
    }
    expect(ASSUMED_TRACE_COMPONENTS).toHaveLength(TRACE_LEVEL_INDEX_COUNT);
  });

  it('turn into sorted, distinct indexes inside 0..41', () => {
    for (const preset of TRACE_PRESETS) {
      const levels = presetLevels(preset);
      const indexes = levels.map((l) => l.index);
      expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b));
      expect(indexes.every((i) => i >= 0 && i < TRACE_LEVEL_INDEX_COUNT)).toBe(true);
      expect(levels.every((l) => l.value !== traceLevelValue('off'))).toBe(true);
    }
    expect(presetLevels('everything')).toHaveLength(TRACE_LEVEL_INDEX_COUNT);
  });

  it('say when SIP message tracing needs a reboot', () => {
    const sipMessages = ASSUMED_TRACE_COMPONENTS.indexOf('SIP messages');
    expect(needsReboot(presetLevels('sip'))).toBe(true);
    expect(needsReboot(presetLevels('provisioning'))).toBe(false);
    expect(needsReboot([{ index: sipMessages, value: traceLevelValue('log') }])).toBe(false);
    expect(needsReboot([{ index: sipMessages, value: traceLevelValue('trace') }])).toBe(true);
  });
});
