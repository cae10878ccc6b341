import { afterEach, describe, expect, it } from 'vitest';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';
import { handleMessage, type Decision, type EngineJob, type FlowState, type PhoneContext } from '../../electron/core/wpi/engine.js';
import { parsePhoneMessage } from '../../electron/core/wpi/parse.js';
import type { WpiItem } from '../../shared/protocol.js';
import { serializeMessage, type OutgoingMessage } from '../sim/wire.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

/**
 * The engine against spec rules that the other engine tests do not pin down: maxItems applies
 * to every service message that lists items (wpi-protocol.md §7.2, p. 28), and a firmware
 * deployment carries both file-type=APP and file-sw-type (§9.11, p. 56–57).
 */

const MAC = '00:1A:E8:85:00:01';
const SENT: string[] = [];

afterEach(() => {
  expect(problemsOfSentMessages(SENT.splice(0))).toEqual([]);
});

function context(jobs: EngineJob[]): PhoneContext {
  return { inventoryComplete: true, storedSoftwareVersion: 'V3 R3.10.0', mayWrite: true, jobs, awaited: [] };
}

const basics = (): WpiItem[] => [
  { name: 'device-type', value: 'OpenStage 60' },
  { name: 'software-version', value: 'V3 R3.10.0' },
  { name: 'mac-addr', value: MAC },
  { name: 'configuration-changed-flag', value: 'false' },
];

function say(nonce: string, maxItems: number, message: OutgoingMessage, flow: FlowState | null, jobs: EngineJob[]): Decision {
  const [xml] = serializeMessage(nonce, maxItems, message);
  const decision = handleMessage({ message: parsePhoneMessage(xml), flow, mac: MAC, phone: context(jobs) });
  SENT.push(buildServiceMessage(decision.reply));
  expect(decision.reply.nonce).toBe(nonce);
  return decision;
}

describe('maxItems bounds every service message with items (p. 28, §9.14)', () => {
  it('ReadItems of 25 names to a phone with maxItems=10: three requests of ≤ 10, one result', () => {
    const names: WpiItem[] = Array.from({ length: 25 }, (_, i) => ({ name: `item-${i}`, value: '' }));
    const jobs: EngineJob[] = [{ id: 'r1', kind: 'read-items', items: names }];
    let d = say('N1', 10, { reason: 'solicited', items: basics() }, null, jobs);
    const asked: WpiItem[] = [];
    let round = 0;
    while (d.reply.action === 'ReadItems') {
      round += 1;
      const items = d.reply.items ?? [];
      expect(items.length).toBeLessThanOrEqual(10);
      expect(items.length).toBeGreaterThan(0);
      asked.push(...items);
      const answer = items.map((i) => ({ ...i, value: `v-${i.name}` }));
      d = say(`N${round + 1}`, 10, { reason: 'reply-to', action: 'ReadItems', status: 'accepted', items: answer }, d.flow, jobs);
      expect(round).toBeLessThan(10);
    }
    expect(round).toBe(3);
    expect(asked.map((i) => i.name)).toEqual(names.map((i) => i.name));
    expect(d.reply.action).toBe('CleanUp');
    const done = d.effects.find((e) => e.type === 'job-done');
    expect(done && done.type === 'job-done' && done.results.map((r) => [r.name, r.value])).toEqual(
      names.map((i) => [i.name, `v-${i.name}`]),
    );
  });

  it('a refused later ReadItems fails the job', () => {
    const names: WpiItem[] = Array.from({ length: 4 }, (_, i) => ({ name: `item-${i}`, value: '' }));
    const jobs: EngineJob[] = [{ id: 'r2', kind: 'read-items', items: names }];
    let d = say('M1', 2, { reason: 'solicited', items: basics() }, null, jobs);
    d = say('M2', 2, { reason: 'reply-to', action: 'ReadItems', status: 'accepted', items: d.reply.items ?? [] }, d.flow, jobs);
    expect(d.reply.action).toBe('ReadItems');
    d = say('M3', 2, { reason: 'reply-to', action: 'ReadItems', status: 'failed' }, d.flow, jobs);
    expect(d.effects.some((e) => e.type === 'job-failed' && e.jobId === 'r2')).toBe(true);
    expect(d.reply.action).toBe('CleanUp');
  });
});

describe('SoftwareDeployment carries file-type=APP and file-sw-type (§9.11: "send both")', () => {
  it('file-type APP is added when only file-sw-type was given', () => {
    const items: WpiItem[] = [
      { name: 'file-https-base-url', value: 'https://10.0.0.5/fw/OS60.img' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
      { name: 'file-sw-version', value: '3.5.12.0' },
    ];
    const d = say('S1', -1, { reason: 'solicited', items: basics() }, null, [{ id: 's1', kind: 'software-deployment', items }]);
    expect(d.reply.action).toBe('SoftwareDeployment');
    expect(d.reply.items).toEqual([...items, { name: 'file-type', value: 'APP' }]);
  });

  it('items that already carry both are sent unchanged', () => {
    const items: WpiItem[] = [
      { name: 'file-https-base-url', value: 'https://10.0.0.5/fw/OS60.img' },
      { name: 'file-type', value: 'APP' },
      { name: 'file-sw-type', value: 'Siemens SIP' },
    ];
    const d = say('S2', -1, { reason: 'solicited', items: basics() }, null, [{ id: 's2', kind: 'software-deployment', items }]);
    expect(d.reply.items).toEqual(items);
  });
});

describe('a fragmented first message is assembled before it is interpreted (§11.5, p. 69)', () => {
  // p. 69: the phone splits a message when its item count would exceed maxItems. Its basic
  // items alone (§7.6) exceed a small maxItems, so a start-up or local-changes can come in parts.
  const unknown: PhoneContext = { inventoryComplete: false, mayWrite: true, jobs: [], awaited: [] };
  const attached: WpiItem[] = [
    ...basics().filter((i) => i.name !== 'configuration-changed-flag'),
    { name: 'configuration-changed-flag', value: 'true' },
    { name: 'configuration-attached-flag', value: 'true' },
    { name: 'configuration-attached-number', value: '4' },
    { name: 'sntp-addr', value: 'pool.example.net' },
    { name: 'sntp-tz-offset', value: '60' },
    { name: 'dls-addr', value: '10.0.0.5' },
    { name: 'lldp-enabled', value: 'true' },
  ];

  function run(continuation: 'same-reason' | 'reply-to', phone: PhoneContext, reasonText: 'start-up' | 'local-changes'): Decision[] {
    const parts = [attached.slice(0, 4), attached.slice(4, 8), attached.slice(8)];
    const decisions: Decision[] = [];
    let flow: FlowState | null = null;
    parts.forEach((items, i) => {
      const last = i === parts.length - 1;
      const reasonOf = i === 0 || continuation === 'same-reason' ? reasonText : 'reply-to';
      const xml =
        `<WorkpointMessage xmlns="http://www.siemens.com/DLS"><Message nonce="F${i}" maxItems="4" fragment="${last ? 'final' : 'next'}">` +
        `<ReasonForContact>${reasonOf}</ReasonForContact><ItemList>` +
        items.map((it) => `<Item name="${it.name}">${it.value}</Item>`).join('') +
        `</ItemList></Message></WorkpointMessage>`;
      const d = handleMessage({ message: parsePhoneMessage(xml), flow, mac: MAC, phone });
      SENT.push(buildServiceMessage(d.reply));
      expect(d.reply.nonce).toBe(`F${i}`);
      decisions.push(d);
      flow = d.flow;
    });
    return decisions;
  }

  for (const continuation of ['same-reason', 'reply-to'] as const) {
    it(`start-up in three parts (continued as ${continuation}): GetNextFragment twice, then ReadAllItems with every item`, () => {
      const [d1, d2, d3] = run(continuation, unknown, 'start-up');
      expect(d1?.reply.action).toBe('GetNextFragment');
      expect(d2?.reply.action).toBe('GetNextFragment');
      expect(d1?.effects.filter((e) => e.type === 'contact')).toEqual([]);
      expect(d3?.reply.action).toBe('ReadAllItems');
      const contact = d3?.effects.find((e) => e.type === 'contact');
      expect(contact && contact.type === 'contact' && contact.reason).toBe('start-up');
      expect(contact && contact.type === 'contact' && contact.items).toEqual(attached);
    });
  }

  it('a V2R2 local-changes in parts: the attached items of every part are merged, then CleanUp', () => {
    const known: PhoneContext = { ...unknown, inventoryComplete: true, storedSoftwareVersion: 'V3 R3.10.0' };
    const decisions = run('same-reason', known, 'local-changes');
    expect(decisions.map((d) => d.reply.action)).toEqual(['GetNextFragment', 'GetNextFragment', 'CleanUp']);
    const merged = decisions.flatMap((d) => d.effects).filter((e) => e.type === 'inventory');
    expect(merged.flatMap((e) => (e.type === 'inventory' ? e.items.map((i) => i.name) : []))).toEqual(
      expect.arrayContaining(['sntp-addr', 'lldp-enabled']),
    );
  });
});

describe('maxItems announced later in the flow (the start-up example on p. 33 has none)', () => {
  it('a start-up without maxItems, then replies with maxItems=10: the writes that follow keep to 10', () => {
    const unknown: PhoneContext = { inventoryComplete: false, mayWrite: true, jobs: [], awaited: [] };
    const items: WpiItem[] = Array.from({ length: 25 }, (_, i) => ({ name: `setting-${i}`, value: `v${i}` }));
    const jobs: EngineJob[] = [{ id: 'w1', kind: 'write-items', items }];
    const start =
      `<WorkpointMessage xmlns="http://www.siemens.com/DLS"><Message nonce="L1"><ReasonForContact>start-up</ReasonForContact>` +
      `<ItemList>${basics()
        .map((i) => `<Item name="${i.name}">${i.value}</Item>`)
        .join('')}</ItemList></Message></WorkpointMessage>`;
    let d = handleMessage({ message: parsePhoneMessage(start), flow: null, mac: MAC, phone: { ...unknown, jobs } });
    SENT.push(buildServiceMessage(d.reply));
    expect(d.reply.action).toBe('ReadAllItems');
    d = say('L2', 10, { reason: 'reply-to', action: 'ReadAllItems', status: 'accepted', items: basics() }, d.flow, jobs);
    const sizes: number[] = [];
    for (let n = 3; d.reply.action === 'WriteItems' && n < 20; n++) {
      sizes.push(d.reply.items?.length ?? 0);
      d = say(`L${n}`, 10, { reason: 'reply-to', action: 'WriteItems', status: 'accepted', items: [] }, d.flow, jobs);
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(d.reply.action).toBe('CleanUp');
  });

  it('the phone limit stored from an earlier contact applies when the first message has none', () => {
    const items: WpiItem[] = Array.from({ length: 12 }, (_, i) => ({ name: `setting-${i}`, value: `v${i}` }));
    const jobs: EngineJob[] = [{ id: 'w2', kind: 'write-items', items }];
    const start =
      `<WorkpointMessage xmlns="http://www.siemens.com/DLS"><Message nonce="K1"><ReasonForContact>solicited</ReasonForContact>` +
      `<ItemList><Item name="mac-addr">${MAC}</Item></ItemList></Message></WorkpointMessage>`;
    const d = handleMessage({ message: parsePhoneMessage(start), flow: null, mac: MAC, phone: { ...context(jobs), maxItems: 5 } });
    SENT.push(buildServiceMessage(d.reply));
    expect(d.reply.action).toBe('WriteItems');
    expect(d.reply.items).toHaveLength(5);
  });
});
