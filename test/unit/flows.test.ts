import { describe, expect, it } from 'vitest';
import { FlowRegistry, MAX_FLOWS_PER_PEER, MAX_OPEN_FLOWS, type OpenFlow } from '../../electron/core/provisioning/flows.js';
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
    expect(flows.byPeer('10.0.0.1', 500)?.sessionId).toBe('s1');
    expect(flows.get('s1', 1500)).toBeNull();
    expect(flows.size).toBe(0);
  });

  it('a new flow of the same phone replaces its old one', () => {
    const flows = new FlowRegistry(1000);
    flows.put(open('s1', 'M1', '10.0.0.1'));
    flows.put(open('s2', 'M1', '10.0.0.1'));
    expect(flows.get('s1', 0)).toBeNull();
    expect(flows.size).toBe(1);
  });

  it(`keeps at most ${MAX_FLOWS_PER_PEER} flows per address, dropping the oldest`, () => {
    const flows = new FlowRegistry(60_000);
    const dropped = Array.from({ length: MAX_FLOWS_PER_PEER + 3 }, (_, i) => flows.put(open(`s${i}`, `M${i}`, '10.0.0.9'))).flat();
    expect(dropped.map((d) => d.sessionId)).toEqual(['s0', 's1', 's2']);
    expect(flows.size).toBe(MAX_FLOWS_PER_PEER);
  });

  it(`keeps at most ${MAX_OPEN_FLOWS} flows in all`, () => {
    const flows = new FlowRegistry(60_000);
    let dropped = 0;
    for (let i = 0; i < MAX_OPEN_FLOWS + 10; i++)
      dropped += flows.put(open(`s${i}`, `M${i}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`)).length;
    expect(dropped).toBe(10);
    expect(flows.get('s0', 0)).toBeNull();
    expect(flows.size).toBe(MAX_OPEN_FLOWS);
  });
});
