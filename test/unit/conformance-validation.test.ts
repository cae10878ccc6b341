import { describe, expect, it } from 'vitest';
import { buildServiceMessage, unsendableReason } from '../../electron/core/wpi/build.js';
import { JobRequestError } from '../../electron/core/jobs/job-requests.js';
import { checkJobRequest } from '../../electron/core/jobs/registry.js';
import { MAX_MESSAGE_BYTES, type WpiItem } from '../../shared/protocol.js';
import { MAX_VALUE_BYTES, validateItem, validateItems } from '../../shared/validation.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

/**
 * Requests that follow the spec's own examples must be accepted, and nothing that cannot be sent
 * as a valid (wpi.xsd) message of at most 50 kB may be queued (wpi-protocol.md §7.5, §9.10,
 * §9.11, §9.14; item-notes.md §7).
 */

const refused = (kind: Parameters<typeof checkJobRequest>[0], items: WpiItem[]): JobRequestError | null => {
  try {
    checkJobRequest(kind, items);
    return null;
  } catch (error) {
    if (error instanceof JobRequestError) return error;
    throw error;
  }
};

describe('the guide examples are accepted as they are (no index on single-file items)', () => {
  it('FTP FileDeployment (§9.10, p. 53)', () => {
    const items: WpiItem[] = [
      { name: 'file-server', value: '10.0.0.5' },
      { name: 'file-port', value: '21' },
      { name: 'file-username', value: 'ftp' },
      { name: 'file-pwd', value: 'secret' },
      { name: 'file-path', value: '/media' },
      { name: 'file-name', value: 'ring1.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ];
    expect(refused('file-deployment', items)?.issues ?? null).toBeNull();
  });

  it('HTTPS FileDeployment (§9.10, p. 53)', () => {
    const items: WpiItem[] = [
      { name: 'file-type', value: 'RINGTONE' },
      { name: 'file-https-base-url', value: 'https://10.0.0.5:18443/files/ring1.wav' },
    ];
    expect(refused('file-deployment', items)?.issues ?? null).toBeNull();
  });

  it('SoftwareDeployment over FTP (§9.11, p. 57)', () => {
    const items: WpiItem[] = [
      { name: 'file-server', value: '10.0.0.5' },
      { name: 'file-port', value: '21' },
      { name: 'file-username', value: 'ftp' },
      { name: 'file-pwd', value: 'secret' },
      { name: 'file-path', value: '/fw' },
      { name: 'file-name', value: 'OS40_SIP_V3_R5_12_0.img' },
      { name: 'file-type', value: 'APP' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: '3.5.12.0' },
      { name: 'file-priority', value: 'normal' },
    ];
    expect(refused('software-deployment', items)?.issues ?? null).toBeNull();
  });

  it('multi-file deployment with indexes (p. 55) still works, and indexes are still range-checked where known', () => {
    const items: WpiItem[] = [
      { name: 'file-server', value: '10.0.0.5' },
      ...[1, 2].flatMap((index) => [
        { name: 'file-name', index, value: `logo${index}.png` },
        { name: 'file-type', index, value: 'LOGO' },
        { name: 'file-action', index, value: index === 1 ? 'deploy' : 'delete' },
      ]),
    ];
    expect(refused('file-deployment', items)).toBeNull();
    expect(validateItem({ name: 'codec-rank', index: 4, value: '1' })).toMatch(/index/);
  });

  it('ldap-server-address without index, as all code sends it (items-README §3)', () => {
    expect(validateItem({ name: 'ldap-server-address', value: 'ldap.example.net' })).toBeNull();
  });
});

describe('nothing is queued that cannot be built as a valid message', () => {
  it('item names outside the XSD ItemName pattern are refused up front, for writes and reads', () => {
    for (const name of ['1abc', 'with space', 'ümlaut', 'a.b', '-x', 'x:y']) {
      expect(validateItem({ name, value: '1' }), name).toMatch(/name/);
      expect(unsendableReason({ name, value: '1' }), name).not.toBeNull();
      expect(refused('write-items', [{ name, value: '1' }]), name).not.toBeNull();
      expect(refused('read-items', [{ name, value: '' }]), name).not.toBeNull();
    }
    expect(refused('read-items', [{ name: 'XML-app-name', index: 1, value: '' }])).toBeNull();
    expect(refused('read-items', [{ name: 'device-type', value: '' }])).toBeNull();
  });

  it('indexes must be whole numbers ≥ 0 (xs:nonNegativeInteger)', () => {
    for (const index of [-1, 1.5, Number.NaN]) {
      expect(validateItems([{ name: 'my-unknown-item', index, value: 'x' }])).toHaveLength(1);
      expect(refused('read-items', [{ name: 'my-unknown-item', index, value: '' }])).not.toBeNull();
    }
  });

  it('a value that cannot fit into one 50 kB message is refused; the largest allowed one fits', () => {
    expect(validateItem({ name: 'my-unknown-item', value: 'x'.repeat(MAX_VALUE_BYTES + 1) })).toMatch(/50 kB|too long|bytes/);
    expect(validateItem({ name: 'my-unknown-item', value: 'ü'.repeat(MAX_VALUE_BYTES / 2 + 1) })).not.toBeNull();
    expect(unsendableReason({ name: 'my-unknown-item', value: 'x'.repeat(MAX_VALUE_BYTES + 1) })).not.toBeNull();
    const largest: WpiItem = { name: `a${'b'.repeat(127)}`, index: 999_999_999, value: 'x'.repeat(MAX_VALUE_BYTES) };
    expect(validateItem(largest)).toBeNull();
    const xml = buildServiceMessage({ nonce: '"'.repeat(256), action: 'SoftwareDeployment', items: [largest] });
    expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(problemsOfSentMessages([xml])).toEqual([]);
  });

  it('excluded values of the catalogue are refused (pwd-sequence-length 0–24 except 1, item-notes §7)', () => {
    expect(validateItem({ name: 'pwd-sequence-length', value: '1' })).not.toBeNull();
    expect(validateItem({ name: 'pwd-sequence-length', value: '0' })).toBeNull();
    expect(validateItem({ name: 'pwd-sequence-length', value: '24' })).toBeNull();
    expect(validateItem({ name: 'pwd-sequence-length', value: '25' })).not.toBeNull();
  });

  it('types, ranges, enums and <>& as the catalogue says', () => {
    expect(validateItem({ name: 'transaction-timer', value: '3699' })).not.toBeNull();
    expect(validateItem({ name: 'transaction-timer', value: '3700' })).toBeNull();
    expect(validateItem({ name: 'pwd-retries', value: '1' })).not.toBeNull();
    expect(validateItem({ name: 'pwd-retries', value: '2' })).toBeNull();
    expect(validateItem({ name: 'send-solicited', value: 'yes' })).not.toBeNull();
    expect(validateItem({ name: 'display-id-unicode', value: 'R&D' })).not.toBeNull();
    expect(validateItem({ name: 'device-type', value: 'OpenStage 80' })).toMatch(/read-only/);
  });

  it('a key label is limited by its key function when the request sets both (guide p. 120: BLF 12)', () => {
    const label = 'Reception desk'; // 14 characters
    expect(validateItems([{ name: 'key-label-unicode', index: 3, value: label }])).toEqual([]);
    expect(
      validateItems([
        { name: 'function-key-def', index: 3, value: '6' },
        { name: 'key-label-unicode', index: 3, value: label },
      ]),
    ).toEqual([]);
    expect(
      validateItems([
        { name: 'function-key-def', index: 3, value: '59' },
        { name: 'key-label-unicode', index: 3, value: label },
        { name: 'key-label-unicode', index: 4, value: label },
      ]),
    ).toEqual([{ name: 'key-label-unicode', index: 3, message: expect.stringContaining('12') }]);
  });

  it('a deployment (one message, never split) whose items exceed 50 kB together is refused', () => {
    const big = (i: number): WpiItem => ({ name: `vendor-note-${i}`, value: 'x'.repeat(30_000) });
    const base: WpiItem[] = [{ name: 'file-https-base-url', value: 'https://10.0.0.5/media/ring1.wav' }];
    expect(refused('file-deployment', [...base, big(1)])).toBeNull();
    expect(refused('file-deployment', [...base, big(1), big(2)])?.message).toMatch(/50 kB/);
    expect(refused('software-deployment', [...base, big(1), big(2)])?.message).toMatch(/50 kB/);
  });
});

describe('items Fieldstage cannot follow up', () => {
  it('refuses goto-secure-mode in write-items: only the Secure Mode job writes it', () => {
    expect(() => checkJobRequest('write-items', [{ name: 'goto-secure-mode', value: 'nopin' }])).toThrow(/Secure Mode/);
  });
});
