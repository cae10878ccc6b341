import { describe, expect, it } from 'vitest';
import { profileItemsFromPhone } from '../../electron/core/rollout/profile-from-phone.js';
import { checkProfileItem, templateVariables } from '../../shared/profile-rules.js';

describe('profile item rules', () => {
  it('names each variable of a value once, in order', () => {
    expect(templateVariables('{{ extension }}-{{display_name}} {{extension}}')).toEqual(['extension', 'display_name']);
    expect(templateVariables('plain {{not a var}}')).toEqual([]);
  });

  it('checks a plain value by every rule, a value with a variable only by those its resolved text cannot change', () => {
    expect(checkProfileItem({ name: 'transaction-timer', value: '100' })).toMatchObject({ rule: 'range' });
    expect(checkProfileItem({ name: 'transaction-timer', value: '{{timer}}' })).toBeNull();
    expect(checkProfileItem({ name: 'e164', value: '{{extension}}' })).toBeNull();
    expect(checkProfileItem({ name: 'display-id-unicode', value: '{{display_name}} <x>' })).toEqual({ rule: 'characters' });
    expect(checkProfileItem({ name: 'software-version', value: '{{x}}' })).toEqual({ rule: 'readOnly' });
    expect(checkProfileItem({ name: 'function-key-def', value: '{{key}}' })).toEqual({ rule: 'indexRequired' });
  });
});

describe('a profile from a configured phone', () => {
  it('leaves out a value the catalogue refuses, with the rule, instead of failing the whole profile', () => {
    const stored = (name: string, value: string) => ({ name, value, status: null, updatedAt: 1 });
    const { items, leftOut } = profileItemsFromPhone([stored('transaction-timer', '100'), stored('sntp-addr', 'ntp.example')]);
    expect(items).toEqual([{ name: 'sntp-addr', value: 'ntp.example' }]);
    expect(leftOut).toEqual([{ name: 'transaction-timer', why: "the phone's value must be between 3700 and 32000" }]);
  });
});
