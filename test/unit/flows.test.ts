import { describe, expect, it } from 'vitest';
import { FLOW_BASE_BYTES, FLOW_ITEM_BYTES, FlowRegistry, flowBytes, type OpenFlow } from '../../electron/core/provisioning/flows.js';
import type { FlowState } from '../../electron/core/wpi/engine.js';

function open(sessionId: string, mac: string, peer: string, touchedAt = 0): OpenFlow {
  const flow: FlowState = {
    mac,
    maxItems: -1,
    steps: 1,
    fragments: 0,
    partial: [],
    step: null,
    tried: [],
    needReadAll: false,
    busy: false,
    ended: false,
  };
  return { sessionId, flow, peer, touchedAt };
}

describe('FlowRegistry', () => {
  it('finds flows by session, by MAC and (alone) by peer; expires idle ones', () => {
    const flows = new FlowRegistry(1000);
    flows.put(open('s1', 'M1', '10.0.0.1'));
    expect(flows.get('s1', 500)?.flow.mac).toBe('M1');
    expect(flows.forMac('M1')?.sessionId).toBe('s1');
    expect(flows.byPeer('10.0.0.1', 500, { mac: 'M1', nonce: 'N' })?.sessionId).toBe('s1');
    expect(flows.get('s1', 1500)).toBeNull();
    expect(flows.expire(1500)).toHaveLength(1);
    expect(flows.size).toBe(0);
  });

  it('a new flow of the same phone replaces its old one', () => {
    const flows = new FlowRegistry(1000);
    flows.put(open('s1', 'M1', '10.0.0.1'));
    flows.put(open('s2', 'M1', '10.0.0.1'));
    expect(flows.get('s1', 0)).toBeNull();
    expect(flows.size).toBe(1);
  });

  it('holds any number of flows from one address (NAT) while they fit the memory budget', () => {
    const flows = new FlowRegistry(60_000, 500 * FLOW_BASE_BYTES);
    const dropped = Array.from({ length: 500 }, (_, i) => flows.put(open(`s${i}`, `M${i}`, '127.9.0.1'))).flat();
    expect(dropped).toEqual([]);
    expect(flows.size).toBe(500);
    expect(flows.bytes).toBe(500 * FLOW_BASE_BYTES);
  });

  it('counts buffered fragments and evicts the least recently used flows of the heaviest address', () => {
    const flows = new FlowRegistry(60_000, 40_000);
    flows.put(open('quiet', 'Q1', '127.9.0.1'));
    const big = buffered(5_000);
    expect(flowBytes(big.flow)).toBe(FLOW_BASE_BYTES + FLOW_ITEM_BYTES + 10_000);
    const dropped = ['f0', 'f1', 'f2', 'f3'].flatMap((id, i) =>
      flows.put({ ...buffered(5_000), sessionId: id, peer: '127.9.9.9', flow: { ...big.flow, mac: `F${i}` } }),
    );
    expect(dropped.map((d) => d.sessionId)).toEqual(['f0']);
    expect(flows.get('quiet', 0)).not.toBeNull();
    expect(flows.bytes).toBeLessThanOrEqual(40_000);
  });

  it('evicts idle flows before live ones', () => {
    const flows = new FlowRegistry(1_000, 3 * FLOW_BASE_BYTES);
    flows.put(open('old', 'M0', '127.9.0.1', 0));
    flows.put(open('a', 'M1', '127.9.0.2', 5_000));
    flows.put(open('b', 'M2', '127.9.0.2', 5_000));
    expect(flows.put(open('c', 'M3', '127.9.0.2', 5_000)).map((d) => d.sessionId)).toEqual(['old']);
    expect(flows.size).toBe(3);
  });

  it('an idle-expired flow is not dropped on lookup: expire() still returns it for re-queuing', () => {
    const flows = new FlowRegistry(1000);
    flows.put(open('s1', 'M1', '127.9.0.1'));
    expect(flows.get('s1', 5000)).toBeNull();
    expect(flows.expire(5000).map((o) => o.sessionId)).toEqual(['s1']);
    expect(flows.bytes).toBe(0);
  });

  it('a cookie-less reply gets a flow only when it is unambiguous behind its address', () => {
    const flows = new FlowRegistry(60_000);
    flows.put({ ...open('a', 'MA', '127.9.0.1'), nonce: 'NA' });
    expect(flows.byPeer('127.9.0.1', 0, { mac: null, nonce: 'X' })?.sessionId).toBe('a');
    expect(flows.byPeer('127.9.0.1', 0, { mac: 'MB', nonce: 'NA' })).toBeNull();
    flows.put({ ...open('b', 'MB', '127.9.0.1'), nonce: 'NB' });
    expect(flows.byPeer('127.9.0.1', 0, { mac: null, nonce: 'X' })).toBeNull();
    expect(flows.byPeer('127.9.0.1', 0, { mac: null, nonce: 'NB' })?.sessionId).toBe('b');
    expect(flows.byPeer('127.9.0.1', 0, { mac: 'MA', nonce: 'NB' })?.sessionId).toBe('a');
  });
});

function buffered(chars: number): OpenFlow {
  const flow = open('x', 'X', '127.9.9.9').flow;
  return { ...open('x', 'X', '127.9.9.9'), flow: { ...flow, partial: [{ name: 'n', value: 'v'.repeat(chars - 1) }], partialChars: chars } };
}
