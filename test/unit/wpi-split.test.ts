import { afterEach, describe, expect, it } from 'vitest';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';
import { groupKey, itemBytes, splitForPhone } from '../../electron/core/wpi/split.js';
import { MAX_MESSAGE_BYTES, type WpiItem } from '../../shared/protocol.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

const NONCE = '5C1E0A4F9B2D47C8A61E3F0B77D29A14';

const single = (n: number, value = `value-${n}`): WpiItem => ({ name: `setting-${n}`, value });
/** Every message built here is also validated against the XSD after the test. */
const SENT: string[] = [];
const built = (batch: WpiItem[], nonce = NONCE): string => {
  const xml = buildServiceMessage({ nonce, action: 'WriteItems', items: batch });
  SENT.push(xml);
  return xml;
};

afterEach(() => {
  expect(problemsOfSentMessages(SENT.splice(0))).toEqual([]);
});
const bytes = (xml: string): number => Buffer.byteLength(xml, 'utf8');

describe('splitForPhone', () => {
  it('maxItems 10 with 45 items → 5 batches of at most 10, order kept', () => {
    const items = Array.from({ length: 45 }, (_, i) => single(i));
    const batches = splitForPhone(items, 10);
    expect(batches).toHaveLength(5);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 10, 10, 5]);
    expect(batches.flat()).toEqual(items);
    expect(problemsOfSentMessages(batches.map((b) => built(b)))).toEqual([]);
  });

  it('-1 (and 0, the parser maps it to -1) means no item limit', () => {
    const items = Array.from({ length: 500 }, (_, i) => single(i));
    expect(splitForPhone(items, -1)).toEqual([items]);
    expect(splitForPhone(items, 0)).toEqual([items]);
  });

  it('exact multiples and tiny limits', () => {
    const items = Array.from({ length: 20 }, (_, i) => single(i));
    expect(splitForPhone(items, 10).map((b) => b.length)).toEqual([10, 10]);
    expect(splitForPhone(items, 1)).toEqual(items.map((i) => [i]));
    expect(splitForPhone(items, 20)).toEqual([items]);
    expect(splitForPhone(items, 1000)).toEqual([items]);
  });

  it('no items → no batches', () => {
    expect(splitForPhone([], 10)).toEqual([]);
    expect(splitForPhone([], -1)).toEqual([]);
  });

  it('50 kB: large values are split so that every BUILT message is ≤ 50 × 1024 bytes', () => {
    const items = Array.from({ length: 40 }, (_, i) => single(i, 'x'.repeat(3000 + i * 13)));
    const batches = splitForPhone(items, -1);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(items);
    const xml = batches.map((b) => built(b));
    for (const doc of xml) expect(bytes(doc)).toBeLessThanOrEqual(50 * 1024);
    expect(problemsOfSentMessages(xml)).toEqual([]);
  });

  it('50 kB counts UTF-8 bytes, not characters (umlauts are 2 bytes, emoji 4)', () => {
    const items = Array.from({ length: 60 }, (_, i) => single(i, (i % 2 ? 'ä' : '😀').repeat(900)));
    const batches = splitForPhone(items, -1);
    expect(batches.flat()).toEqual(items);
    for (const b of batches) expect(bytes(built(b))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    // Counting characters instead would have allowed far fewer batches.
    const chars = items.reduce((n, i) => n + i.value.length, 0);
    expect(batches.length).toBeGreaterThan(Math.floor(chars / MAX_MESSAGE_BYTES));
  });

  it("the 50 kB bound holds for nonces up to 128 characters (sniffNonce's limit; guide nonces are 23–32)", () => {
    const items = Array.from({ length: 400 }, (_, i) => single(i, 'w'.repeat(300 + (i % 7) * 41)));
    for (const b of splitForPhone(items, -1)) expect(bytes(built(b, 'N'.repeat(128)))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('batches are reasonably full (the byte estimate is not absurdly pessimistic)', () => {
    const items = Array.from({ length: 200 }, (_, i) => single(i, 'y'.repeat(1000)));
    const batches = splitForPhone(items, -1);
    const sizes = batches.map((b) => bytes(built(b)));
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(45 * 1024);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('both limits at once: maxItems and 50 kB', () => {
    const items = Array.from({ length: 30 }, (_, i) => single(i, 'z'.repeat(i < 15 ? 10 : 9000)));
    const batches = splitForPhone(items, 8);
    expect(batches.flat()).toEqual(items);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(8);
      expect(bytes(built(b))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    }
  });

  it('each built item is no larger than itemBytes() says (so the byte budget is an upper bound)', () => {
    const samples: WpiItem[] = [
      { name: 'a', value: '' },
      { name: 'function-key-def', index: 1001, value: '3' },
      { name: 'key-label-unicode', index: 0, value: 'Grüße 😀' },
      { name: 'x', value: 'quote " apostrophe \' tab \t nl \n' },
    ];
    const empty = bytes(
      buildServiceMessage({ nonce: NONCE, action: 'WriteItems', items: [] }).replace('<ItemList/>', '<ItemList></ItemList>'),
    );
    for (const item of samples) {
      const one = bytes(built([item]));
      expect(one - empty, item.name).toBeLessThanOrEqual(itemBytes(item));
    }
  });

  it('a single value larger than 50 kB still goes out, alone in its batch', () => {
    const items = [single(1), single(2, 'q'.repeat(60_000)), single(3)];
    const batches = splitForPhone(items, -1);
    expect(batches.flat()).toEqual(items);
    expect(batches.find((b) => b.includes(items[1] as WpiItem))).toHaveLength(1);
  });
});

describe('splitForPhone: items that belong together (p. 71)', () => {
  it('function-key-def and key-label-unicode with the same index stay in one batch across a boundary', () => {
    const items: WpiItem[] = [
      single(1),
      single(2),
      { name: 'function-key-def', index: 5, value: '3' },
      { name: 'key-label-unicode', index: 5, value: 'Redial' },
      single(3),
    ];
    // Without grouping the limit 3 would cut between the key's function and its label.
    const batches = splitForPhone(items, 3);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(3);
    const withKey = batches.filter((b) => b.some((i) => i.index === 5));
    expect(withKey).toHaveLength(1);
    expect(withKey[0]?.filter((i) => i.index === 5).map((i) => i.name)).toEqual(['function-key-def', 'key-label-unicode']);
    expect(batches.flat()).toHaveLength(items.length);
  });

  it('members of a group far apart in the list are brought together', () => {
    const items: WpiItem[] = [
      { name: 'function-key-def', index: 7, value: '3' },
      ...Array.from({ length: 9 }, (_, i) => single(i)),
      { name: 'key-label-unicode', index: 7, value: 'Seven' },
    ];
    const batches = splitForPhone(items, 5);
    const holder = batches.filter((b) => b.some((i) => i.index === 7));
    expect(holder).toHaveLength(1);
    expect(holder[0]?.filter((i) => i.index === 7)).toHaveLength(2);
    expect(new Set(batches.flat())).toEqual(new Set(items));
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(5);
  });

  it('different indexes are different groups; the shifted level (1001+) is its own key', () => {
    expect(groupKey({ name: 'function-key-def', index: 1, value: '' })).toBe(groupKey({ name: 'key-label-unicode', index: 1, value: '' }));
    expect(groupKey({ name: 'function-key-def', index: 1, value: '' })).not.toBe(
      groupKey({ name: 'function-key-def', index: 2, value: '' }),
    );
    expect(groupKey({ name: 'function-key-def', index: 1, value: '' })).not.toBe(
      groupKey({ name: 'function-key-def', index: 1001, value: '' }),
    );
    expect(groupKey({ name: 'file-name', index: 1, value: '' })).toBe(groupKey({ name: 'file-type', index: 1, value: '' }));
    expect(groupKey({ name: 'file-name', index: 1, value: '' })).not.toBe(groupKey({ name: 'function-key-def', index: 1, value: '' }));
    // Unindexed items stand alone; unknown indexed items group only with themselves.
    expect(groupKey({ name: 'a', value: '' })).not.toBe(groupKey({ name: 'b', value: '' }));
    expect(groupKey({ name: 'no-such-item', index: 1, value: '' })).not.toBe(groupKey({ name: 'other-unknown', index: 1, value: '' }));
  });

  it('one file (file-name + file-type + file-action of one index) is never cut', () => {
    const file = (index: number): WpiItem[] => [
      { name: 'file-name', index, value: `f${index}.png` },
      { name: 'file-type', index, value: 'LOGO' },
      { name: 'file-action', index, value: 'deploy' },
    ];
    const items = [...file(1), ...file(2), ...file(3)];
    const batches = splitForPhone(items, 4);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(4);
      const indexes = new Set(b.map((i) => i.index));
      for (const index of indexes) expect(b.filter((i) => i.index === index)).toHaveLength(3);
    }
  });

  it('a group bigger than maxItems is split anyway: the phone limit is hard', () => {
    const group: WpiItem[] = ['function-key-def', 'key-label-unicode', 'send-url-address', 'blf-audible'].map((name) => ({
      name,
      index: 2,
      value: '1',
    }));
    const batches = splitForPhone([single(0), ...group], 3);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(3);
    expect(batches.flat()).toHaveLength(5);
  });

  it('a group larger than 50 kB is split anyway, each message still ≤ 50 kB where possible', () => {
    const group: WpiItem[] = ['function-key-def', 'key-label-unicode', 'send-url-address'].map((name) => ({
      name,
      index: 4,
      value: 'v'.repeat(20_000),
    }));
    const batches = splitForPhone(group, -1);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(bytes(built(b))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });
});
