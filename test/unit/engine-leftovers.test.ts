import { describe, expect, it } from 'vitest';
import { collectUnidentified, handleMessage, type Decision, type FlowState, type PhoneContext } from '../../electron/core/wpi/engine.js';
import { DCMP_POLL_INTERVAL_ITEM, DCMP_URL_ITEM, type PhoneMessage, type WpiItem } from '../../shared/protocol.js';

/*
 * Engine leftovers of issue 14, each driven message by message through handleMessage with a
 * plain context (no store): what the phone says, what the engine answers and settles.
 */

const MAC = '00:1A:E8:00:14:01';
const basics = (version = 'V3 R3.10.0'): WpiItem[] => [
  { name: 'device-type', value: 'OpenStage 60' },
  { name: 'software-version', value: version },
  { name: 'mac-addr', value: MAC },
  { name: 'configuration-changed-flag', value: 'false' },
];
const message = (m: Partial<PhoneMessage> & Pick<PhoneMessage, 'reason'>): PhoneMessage => ({
  nonce: 'N',
  maxItems: -1,
  fragment: 'final',
  items: [],
  ...m,
});
const known = (extra: Partial<PhoneContext> = {}): PhoneContext => ({
  inventoryComplete: true,
  storedSoftwareVersion: 'V3 R3.10.0',
  mayWrite: true,
  jobs: [],
  awaited: [],
  ...extra,
});
const say = (m: PhoneMessage, phone: PhoneContext, flow: FlowState | null = null): Decision =>
  handleMessage({ message: m, flow, mac: MAC, phone });

describe('a reset or a firmware change ends with a fresh ReadAllItems', () => {
  it('the start-up after a factory reset settles the job and reads everything again', () => {
    const d = say(message({ reason: 'start-up', items: basics() }), known({ awaited: [{ id: 'fr', kind: 'factory-reset', items: [] }] }));
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'job-done', jobId: 'fr' }));
    expect(d.reply.action).toBe('ReadAllItems');
  });

  it('a plain restart coming back with the same firmware needs no re-read', () => {
    const d = say(message({ reason: 'start-up', items: basics() }), known({ awaited: [{ id: 'r', kind: 'restart', items: [] }] }));
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'job-done', jobId: 'r' }));
    expect(d.reply.action).toBe('CleanUp');
  });

  it('a start-up reporting another software-version than stored reads everything again', () => {
    const d = say(message({ reason: 'start-up', items: basics('V3 R5.12.0') }), known());
    expect(d.reply.action).toBe('ReadAllItems');
  });
});

describe('polling on a phone that does not know the assumed poll-interval item', () => {
  it('the refusal of that item is a warning of the job, which is done', () => {
    const items = [
      { name: DCMP_URL_ITEM, value: 'http://127.0.0.1:18080/dcmp/' },
      { name: DCMP_POLL_INTERVAL_ITEM, value: '300' },
    ];
    const start = say(message({ reason: 'solicited', items: basics() }), known({ jobs: [{ id: 'poll', kind: 'write-items', items }] }));
    expect(start.reply).toMatchObject({ action: 'WriteItems', items });
    const refused = [{ name: DCMP_POLL_INTERVAL_ITEM, value: '', status: 'unknown item' }];
    const d = say(message({ reason: 'reply-to', action: 'WriteItems', status: 'accepted', items: refused }), known(), start.flow);
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'job-done', jobId: 'poll' }));
    expect(d.effects).toContainEqual({ type: 'job-warning', jobId: 'poll', message: expect.stringContaining(DCMP_POLL_INTERVAL_ITEM) });
    expect(d.effects.some((e) => e.type === 'job-failed')).toBe(false);
  });

  it('any other refused item still fails the job', () => {
    const items = [
      { name: DCMP_URL_ITEM, value: 'http://127.0.0.1:18080/dcmp/' },
      { name: DCMP_POLL_INTERVAL_ITEM, value: '300' },
    ];
    const start = say(message({ reason: 'solicited', items: basics() }), known({ jobs: [{ id: 'poll', kind: 'write-items', items }] }));
    const refused = [{ name: DCMP_URL_ITEM, value: '', status: 'read only' }];
    const d = say(message({ reason: 'reply-to', action: 'WriteItems', status: 'accepted', items: refused }), known(), start.flow);
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'job-failed', jobId: 'poll' }));
  });
});

describe('a fragmented first message naming its phone only in a later part', () => {
  const parts = basics();
  const macLess = parts.filter((i) => i.name !== 'mac-addr');
  const macItem = parts.filter((i) => i.name === 'mac-addr');

  it('is collected without a MAC, then run as one message once the caller identified the phone', () => {
    const a = collectUnidentified(
      message({ reason: 'start-up', fragment: 'next', nonce: 'A', items: macLess.slice(0, 2) }),
      null,
      '127.0.0.1',
    );
    expect(a.reply).toEqual({ nonce: 'A', action: 'GetNextFragment' });
    expect(a.flow?.mac).toBeNull();
    expect(a.effects).toEqual([]);
    const b = collectUnidentified(
      message({ reason: 'reply-to', fragment: 'next', nonce: 'B', items: macLess.slice(2) }),
      a.flow,
      '127.0.0.1',
    );
    expect(b.reply.action).toBe('GetNextFragment');
    expect(b.flow?.partial).toEqual(macLess);
    const c = handleMessage({
      message: message({ reason: 'reply-to', nonce: 'C', items: macItem }),
      flow: b.flow,
      mac: MAC,
      phone: known(),
    });
    const contact = c.effects.find((e) => e.type === 'contact');
    expect(contact).toMatchObject({ mac: MAC, reason: 'start-up', items: [...macLess, ...macItem] });
    expect(c.reply).toEqual({ nonce: 'C', action: 'CleanUp' });
  });

  it('a last part still without mac-addr is refused; so is a single mac-less message', () => {
    const a = collectUnidentified(message({ reason: 'start-up', fragment: 'next', items: macLess }), null, '127.0.0.1');
    const end = collectUnidentified(message({ reason: 'reply-to', nonce: 'E', items: [] }), a.flow, '127.0.0.1');
    expect(end.reply).toEqual({ nonce: 'E', action: 'CleanUp' });
    expect(end.flow).toBeNull();
    expect(end.effects).toEqual([
      expect.objectContaining({ type: 'warning', message: expect.stringMatching(/fragmented start-up .*mac-addr/) }),
    ]);
    expect(collectUnidentified(message({ reason: 'start-up', items: macLess }), null, '127.0.0.1').flow).toBeNull();
    expect(collectUnidentified(message({ reason: 'reply-to', fragment: 'next', items: macLess }), null, '127.0.0.1').flow).toBeNull();
  });
});
