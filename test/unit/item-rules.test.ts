import { describe, expect, it } from 'vitest';
import { violationText } from '../../renderer/src/features/editor/violationText.js';
import { de } from '../../renderer/src/i18n/de.js';
import { en, type MessageKey } from '../../renderer/src/i18n/en.js';
import type { Translate } from '../../renderer/src/i18n/index.js';
import { checkItem, hasTypeForm, MAX_VALUE_BYTES, type ItemViolation } from '../../shared/item-rules.js';
import { validateItem, validateItems, violationMessage } from '../../shared/validation.js';

/**
 * One rule set for item values (shared/item-rules.ts): main and renderer used to disagree on
 * NULL for addresses, `*`/`#` in e164, empty MACs, and time and base64 (checked in the UI only).
 * Each case is checked through the main process's API (validateItem) and the rule itself.
 */

describe('item rules, one set for main and renderer', () => {
  it('accepts NULL (GS5) and the empty string (GS3) to clear an address', () => {
    for (const value of ['NULL', '']) {
      expect(validateItem({ name: 'snmp-trap-addr', value }), `ip ${value}`).toBeNull();
      expect(validateItem({ name: 'sntp-addr', value }), `hostname ${value}`).toBeNull();
      expect(validateItem({ name: 'park-server', value }), `uri ${value}`).toBeNull();
    }
    expect(checkItem({ name: 'snmp-trap-addr', value: 'nothing' })).toEqual({ rule: 'type', type: 'ip' });
  });

  it('takes digits with an optional leading + as e164, no dial codes', () => {
    for (const value of ['*21#', '#31#3001', '30*01', '+']) {
      expect(checkItem({ name: 'e164', value }), value).toEqual({ rule: 'type', type: 'e164' });
      expect(validateItem({ name: 'e164', value }), value).toMatch(/phone number/);
    }
    for (const value of ['+4989700712345', '3001', '']) expect(validateItem({ name: 'e164', value }), value).toBeNull();
  });

  it('never takes an empty MAC address', () => {
    expect(hasTypeForm('mac', '')).toBe(false);
    expect(hasTypeForm('mac', '00:1A:E8:2D:3F:08')).toBe(true);
    expect(hasTypeForm('mac', '001AE82D3F08')).toBe(true);
  });

  it('checks base64 in the main process too', () => {
    expect(validateItem({ name: 'dls-client-certificate', value: 'not base64!' })).toMatch(/Base64/);
    expect(validateItem({ name: 'dls-client-certificate', value: 'QUJD=' })).toMatch(/Base64/);
    expect(validateItem({ name: 'dls-client-certificate', value: 'QU=J' })).toMatch(/Base64/);
    expect(validateItem({ name: 'dls-client-certificate', value: 'TUlJQmtUQ0NB\nUWVnQXdJQg==' })).toBeNull();
  });

  it('checks times as the phone reports them', () => {
    for (const value of ['15:35:52', '7:05', 'NULL', '']) expect(hasTypeForm('time', value), value).toBe(true);
    for (const value of ['25:00', '15:60', '1535', '15:35:5']) expect(hasTypeForm('time', value), value).toBe(false);
    // Both time items are reported by the phone only: writing one is refused as read-only.
    expect(checkItem({ name: 'file-deployment-time', index: 1, value: '15:35:52' })).toEqual({ rule: 'readOnly' });
  });

  it('checks control characters and the message size for the renderer too', () => {
    expect(checkItem({ name: 'display-id-unicode', value: 'a\u0007b' })).toEqual({ rule: 'control' });
    expect(checkItem({ name: 'my-unknown-item', value: 'x'.repeat(MAX_VALUE_BYTES + 1) })).toEqual({ rule: 'bytes', max: MAX_VALUE_BYTES });
  });

  it('names the rule a value breaks, with its parameters', () => {
    expect(checkItem({ name: 'transaction-timer', value: '100' })).toEqual({ rule: 'range', min: 3700, max: 32000 });
    expect(checkItem({ name: 'transaction-timer', value: '4s' })).toEqual({ rule: 'type', type: 'integer' });
    expect(checkItem({ name: 'sip-transport', value: '7' })).toMatchObject({ rule: 'enum', values: ['0', '1', '2'] });
    expect(checkItem({ name: 'display-id-unicode', value: 'x'.repeat(25) })).toEqual({ rule: 'maxLength', max: 24, length: 25 });
    expect(checkItem({ name: 'display-id-unicode', value: 'Sales & Support' })).toEqual({ rule: 'characters' });
    expect(checkItem({ name: 'pwd-sequence-length', value: '1' })).toEqual({ rule: 'excluded', value: '1' });
    expect(checkItem({ name: 'reg-addr', value: 'pbx .example' })).toEqual({ rule: 'type', type: 'hostname' });
    expect(checkItem({ name: 'device-type', value: 'OpenStage 80' })).toEqual({ rule: 'readOnly' });
    expect(checkItem({ name: 'codec-rank', index: 4, value: '1' })).toEqual({ rule: 'indexRange', min: 1, max: 3 });
    expect(checkItem({ name: 'transaction-timer', index: 1, value: '4000' })).toEqual({ rule: 'indexForbidden' });
    expect(checkItem({ name: 'anything-unknown', value: 'any value at all' })).toBeNull();
    const label = { name: 'key-label-unicode', index: 3, value: 'x'.repeat(13) };
    expect(checkItem(label, [label, { name: 'function-key-def', index: 3, value: '59' }])).toEqual({
      rule: 'maxLengthForFunction',
      max: 12,
      length: 13,
      keyFunction: '59',
    });
    expect(validateItems([label, { name: 'function-key-def', index: 3, value: '59' }])).toHaveLength(1);
  });

  it('every violation has its words in main (English) and in the renderer (en, de)', () => {
    const violations: ItemViolation[] = [
      { rule: 'name' },
      { rule: 'index' },
      { rule: 'indexForbidden' },
      { rule: 'indexRequired' },
      { rule: 'indexRange', min: 1, max: 9 },
      { rule: 'characters' },
      { rule: 'control' },
      { rule: 'bytes', max: MAX_VALUE_BYTES },
      { rule: 'readOnly' },
      ...(['boolean', 'integer', 'ip', 'hostname', 'uri', 'e164', 'mac', 'time', 'base64'] as const).map((type) => ({
        rule: 'type' as const,
        type,
      })),
      { rule: 'enum', values: ['0', '1'], labels: { '0': 'UDP' } },
      { rule: 'range', min: 1, max: 9 },
      { rule: 'excluded', value: '1' },
      { rule: 'maxLength', max: 24, length: 25 },
      { rule: 'maxLengthForFunction', max: 12, length: 13, keyFunction: '59' },
    ];
    for (const dictionary of [en, de]) {
      const t: Translate = (key: MessageKey, params) =>
        dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
      for (const violation of violations) {
        const text = violationText(t, violation);
        expect(text, violation.rule).not.toMatch(/\{\w+\}/);
        expect(text.length, violation.rule).toBeGreaterThan(3);
      }
    }
    for (const violation of violations) expect(violationMessage(violation).length, violation.rule).toBeGreaterThan(3);
    expect(violationMessage({ rule: 'enum', values: ['0', '1'], labels: { '0': 'UDP' } })).toBe('must be one of 0 (UDP), 1');
  });
});
