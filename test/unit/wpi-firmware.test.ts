import { describe, expect, it } from 'vitest';
import { attachesLocalChanges, parseFirmware, supportsSendSolicited } from '../../electron/core/wpi/firmware.js';

describe('firmware (wpi-protocol.md §12)', () => {
  it.each([
    ['V1 R4.9.0', { major: 1, release: 4 }],
    ['V2 R2.30.0', { major: 2, release: 2 }],
    ['V3 R1.41.1', { major: 3, release: 1 }],
    ['V3R3.10.0', { major: 3, release: 3 }],
    ['v3 r5.12.0', { major: 3, release: 5 }],
    ['OpenStage SIP V3 R4.14.0 build 12', { major: 3, release: 4 }],
  ])('parses %s', (version, expected) => {
    expect(parseFirmware(version)).toEqual(expected);
  });

  it.each([undefined, '', '3.5.12.0', 'unknown', 'R3 V1'])('no version in %j', (version) => {
    expect(parseFirmware(version)).toBeNull();
  });

  it('send-solicited from V3R3 (p. 46)', () => {
    expect(supportsSendSolicited('V3 R3.0.0')).toBe(true);
    expect(supportsSendSolicited('V3 R5.12.0')).toBe(true);
    expect(supportsSendSolicited('V4 R0.0.0')).toBe(true);
    expect(supportsSendSolicited('V3 R2.99.9')).toBe(false);
    expect(supportsSendSolicited('V2 R9.0.0')).toBe(false);
    expect(supportsSendSolicited(undefined)).toBe(false);
    expect(supportsSendSolicited('3.5.12.0')).toBe(false);
  });

  it('local-changes carry the changed items from V2R2 (p. 37, 40)', () => {
    expect(attachesLocalChanges('V2 R1.20.0')).toBe(false);
    expect(attachesLocalChanges('V2 R2.30.0')).toBe(true);
    expect(attachesLocalChanges('V3 R0.1.0')).toBe(true);
    expect(attachesLocalChanges('V1 R5.6.53')).toBe(false);
    expect(attachesLocalChanges(undefined)).toBe(false);
  });
});
