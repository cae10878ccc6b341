import { describe, expect, it } from 'vitest';
import { CallTooLargeError, checkCallWork, MAX_JOB_CHARS, MAX_JOB_ITEMS_PER_CALL } from '../../electron/core/limits/call-work.js';
import {
  boundItems,
  identityValue,
  MAX_IDENTITY_CHARS,
  MAX_ITEM_NAME_CHARS,
  MAX_ITEMS_PER_PHONE,
  MAX_STORED_VALUE_CHARS,
  valueLimit,
  withinItemBudget,
} from '../../electron/core/limits/phone-input.js';

describe('what is stored from a phone', () => {
  it('takes the catalogue length where it sets one and the general cap otherwise', () => {
    expect(valueLimit('display-id')).toBe(24);
    expect(valueLimit('e164')).toBe(MAX_STORED_VALUE_CHARS);
    expect(valueLimit('no-such-item')).toBe(MAX_STORED_VALUE_CHARS);
  });

  it('refuses over-long values and names one by one and keeps the rest', () => {
    const { kept, refused } = boundItems([
      { name: 'display-id', value: 'x'.repeat(24) },
      { name: 'display-id', index: 2, value: 'x'.repeat(25) },
      { name: 'e164', value: '4'.repeat(MAX_STORED_VALUE_CHARS + 1) },
      { name: 'n'.repeat(MAX_ITEM_NAME_CHARS + 1), value: '1' },
      { name: 'sip-realm', value: 'ok' },
    ]);
    expect(kept.map((i) => i.value)).toEqual(['x'.repeat(24), 'ok']);
    expect(refused).toEqual([
      { name: 'display-id', index: 2, length: 25, limit: 24 },
      { name: 'e164', length: MAX_STORED_VALUE_CHARS + 1, limit: MAX_STORED_VALUE_CHARS },
      { name: 'n'.repeat(MAX_ITEM_NAME_CHARS), length: MAX_ITEM_NAME_CHARS + 1, limit: MAX_ITEM_NAME_CHARS },
    ]);
  });

  it('keeps updates of stored items and new items up to the per-phone budget', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ name: `x-${i}`, value: '' }));
    const { kept, dropped } = withinItemBudget(items, MAX_ITEMS_PER_PHONE - 3, (item) => item.name === 'x-9');
    expect(kept.map((i) => i.name)).toEqual(['x-0', 'x-1', 'x-2', 'x-9']);
    expect(dropped).toBe(6);
  });

  it('stores no identity fact longer than MAX_IDENTITY_CHARS', () => {
    expect(identityValue('a'.repeat(MAX_IDENTITY_CHARS))).toHaveLength(MAX_IDENTITY_CHARS);
    expect(identityValue('a'.repeat(MAX_IDENTITY_CHARS + 1))).toBeNull();
    expect(identityValue(null)).toBeNull();
  });
});

describe('the work of one API call', () => {
  it('allows up to MAX_JOB_ITEMS_PER_CALL job items and refuses one more', () => {
    const items = Array.from({ length: 10 }, () => ({ name: 'sntp-addr', value: '127.0.0.1' }));
    expect(() => checkCallWork(MAX_JOB_ITEMS_PER_CALL / 10, items)).not.toThrow();
    expect(() => checkCallWork(MAX_JOB_ITEMS_PER_CALL / 10 + 1, items)).toThrow(CallTooLargeError);
    expect(() => checkCallWork(MAX_JOB_ITEMS_PER_CALL + 1, [])).toThrow(/smaller calls/);
  });

  it('refuses a job whose items hold more than MAX_JOB_CHARS characters', () => {
    expect(() => checkCallWork(1, [{ name: 'x', value: 'v'.repeat(MAX_JOB_CHARS) }])).toThrow(/several jobs/);
  });

  it('refuses a call whose phones × item characters pass the call budget', () => {
    expect(() => checkCallWork(1000, [{ name: 'x', value: 'v'.repeat(64 * 1024) }])).toThrow(/characters, more than/);
  });
});
