import { describe, expect, it } from 'vitest';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';
import { parsePhoneMessage } from '../../electron/core/wpi/parse.js';
import { splitForPhone } from '../../electron/core/wpi/split.js';
import { MAX_MESSAGE_BYTES, type Action, type WpiItem } from '../../shared/protocol.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

/**
 * "The service MUST keep each message within the phone's maxItems (if ≠ -1) and 50 kB"
 * (wpi-protocol.md §9.14, p. 69–71): the bound is on the built message, envelope and echoed
 * nonce included. The nonce is the phone's, echoed verbatim (§3.5), so its size is the phone's
 * choice: every nonce the parser accepts must still fit.
 */

const bytes = (xml: string): number => Buffer.byteLength(xml, 'utf8');

/** The nonce exactly as the service will echo it: through the real parser. */
function echoedNonce(raw: string): string {
  const attr = raw.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return parsePhoneMessage(
    `<WorkpointMessage><Message nonce="${attr}"><ReasonForContact>start-up</ReasonForContact></Message></WorkpointMessage>`,
  ).nonce;
}

const LONGEST_NONCES: Record<string, string> = {
  '256 quotes (6 bytes each as &quot;)': '"'.repeat(256),
  '256 emoji (4 bytes each)': '😀'.repeat(256),
  '256 euro signs (3 bytes each)': '€'.repeat(256),
  '256 < and > (4 bytes each escaped)': '<>'.repeat(128),
};

describe('every built WriteItems stays ≤ 50 kB whatever nonce the phone chose', () => {
  const items: WpiItem[] = Array.from({ length: 400 }, (_, i) => ({ name: `setting-${i}`, value: 'w'.repeat(300 + (i % 7) * 41) }));

  for (const [label, raw] of Object.entries(LONGEST_NONCES)) {
    it(label, () => {
      const nonce = echoedNonce(raw);
      const sent: string[] = [];
      for (const batch of splitForPhone(items, -1)) {
        const xml = buildServiceMessage({ nonce, action: 'WriteItems', items: batch });
        expect(bytes(xml)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        sent.push(xml);
      }
      expect(problemsOfSentMessages(sent)).toEqual([]);
    });
  }

  it('also for the longest action name and indexed items of one group', () => {
    const nonce = echoedNonce('"'.repeat(256));
    const grouped: WpiItem[] = Array.from({ length: 90 }, (_, i) => [
      { name: 'function-key-def', index: 1001 + (i % 9), value: '3' },
      { name: 'key-label-unicode', index: 1001 + (i % 9), value: 'ü'.repeat(280) },
    ]).flat();
    for (const action of ['WriteItems', 'ReadItems', 'SoftwareDeployment'] as Action[]) {
      for (const batch of splitForPhone(grouped, -1)) {
        expect(bytes(buildServiceMessage({ nonce, action, items: batch }))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      }
    }
  });
});

describe('items that belong together stay together (p. 71), also where the catalogue ends', () => {
  it('an XML-app item the catalogue does not know goes with its slot', () => {
    const slot = (index: number): WpiItem[] => [
      { name: 'XML-app-name', index, value: `app${index}` },
      { name: 'XML-app-action', index, value: 'update' },
      { name: 'XML-app-new-firmware-flag', index, value: 'true' },
    ];
    const items = [...slot(1), ...slot(2), ...slot(3)];
    for (const batch of splitForPhone(items, 5)) {
      const indexes = new Set(batch.map((i) => i.index));
      for (const index of indexes) expect(batch.filter((i) => i.index === index)).toHaveLength(3);
    }
  });
});
