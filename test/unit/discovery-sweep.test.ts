import { describe, expect, it } from 'vitest';
import type { ContactMeRequest, ContactMeResult } from '../../electron/core/discovery/contact-me.js';
import { MAX_SWEEP_ADDRESSES, parseTargets, runSweep, TargetParseError, type SweepProgress } from '../../electron/core/discovery/sweep.js';

describe('parseTargets', () => {
  it('reads CIDR blocks, ranges and single addresses, skipping network and broadcast', () => {
    const list = parseTargets('127.0.5.0/24, 127.0.6.10-127.0.6.20, 127.0.7.5');
    expect(list).toHaveLength(254 + 11 + 1);
    expect(list[0]).toBe('127.0.5.1');
    expect(list[253]).toBe('127.0.5.254');
    expect(list.slice(254, 256)).toEqual(['127.0.6.10', '127.0.6.11']);
    expect(list.at(-2)).toBe('127.0.6.20');
    expect(list.at(-1)).toBe('127.0.7.5');
  });

  it('handles small prefixes, host bits, short ranges, separators and duplicates', () => {
    expect(parseTargets('10.0.0.0/30')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseTargets('10.0.0.4/31')).toEqual(['10.0.0.4', '10.0.0.5']);
    expect(parseTargets('10.0.0.9/32')).toEqual(['10.0.0.9']);
    expect(parseTargets('192.168.1.23/30')).toEqual(['192.168.1.21', '192.168.1.22']);
    expect(parseTargets('10.0.0.10-12')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    expect(parseTargets('10.0.0.1;10.0.0.2\n10.0.0.1  10.0.0.0/30')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseTargets('10.0.0.255-10.0.1.1')).toEqual(['10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  it('accepts a /16 and refuses anything larger', () => {
    expect(parseTargets('10.1.0.0/16')).toHaveLength(65534);
    expect(() => parseTargets('10.0.0.0/8')).toThrow(/holds 16777214 addresses; one sweep takes at most 65536/);
    expect(() => parseTargets('0.0.0.0/0')).toThrow(TargetParseError);
    expect(() => parseTargets('10.0.0.0-10.1.0.0')).toThrow(/65537 addresses/);
    expect(() => parseTargets('10.1.0.0/16, 10.2.0.0/24')).toThrow(`more than ${MAX_SWEEP_ADDRESSES} addresses`);
  });

  it.each([
    ['', /no addresses given/],
    [' , ', /no addresses given/],
    ['10.0.0', /"10\.0\.0" is not an IPv4 address/],
    ['10.0.0.256', /not an IPv4 address/],
    ['10.0.0.01', /not an IPv4 address/],
    ['10.0.0.0/33', /prefix length must be 0 to 32/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/2x', /prefix length/],
    ['10.0.0.20-10.0.0.10', /ends before it starts/],
    ['10.0.0.10-300', /not an IPv4 address/],
    ['host.example', /not an IPv4 address/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTargets(text)).toThrow(message);
  });

  it('names the refused piece', () => {
    try {
      parseTargets('10.0.0.1, 10.0.0.x');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TargetParseError);
      expect((error as TargetParseError).token).toBe('10.0.0.x');
    }
  });
});

const phone: ContactMeResult = { outcome: 'acknowledged', status: 204, server: 'DlsClient', localAddress: '10.0.0.1', detail: 'ok' };

/** A sweep clock that jumps over each pause at once and records it. */
function manualClock() {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

/** Resolves when the signal aborts, never otherwise. */
function abortOf(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

describe('runSweep', () => {
  it('classifies answers and reports in target order', async () => {
    const replies: Record<string, ContactMeResult> = {
      '10.0.0.1': phone,
      '10.0.0.2': { outcome: 'refused', detail: 'refused' },
      '10.0.0.3': { outcome: 'no-answer', detail: 'timeout' },
      '10.0.0.4': { outcome: 'other', status: 200, server: 'nginx', detail: '200' },
      '10.0.0.5': { outcome: 'acknowledged', status: 204, detail: '204 without server' },
    };
    const requests: ContactMeRequest[] = [];
    const report = await runSweep({
      targets: Object.keys(replies),
      dlsPort: 18443,
      phonePort: 8086,
      ratePerSecond: 1000,
      timeoutMs: 300,
      send: async (request) => {
        requests.push(request);
        return replies[request.phoneIp] ?? { outcome: 'other', detail: 'unexpected' };
      },
    });
    expect(report).toMatchObject({ total: 5, phones: 1, noAnswer: 2, other: 2, cancelled: false });
    expect(report.results.map((r) => [r.ip, r.outcome])).toEqual([
      ['10.0.0.1', 'phone'],
      ['10.0.0.2', 'no-answer'],
      ['10.0.0.3', 'no-answer'],
      ['10.0.0.4', 'other'],
      ['10.0.0.5', 'other'],
    ]);
    expect(report.results[3]).toEqual({ ip: '10.0.0.4', outcome: 'other', status: 200, server: 'nginx', detail: '200' });
    expect(requests[0]).toEqual({
      phoneIp: '10.0.0.1',
      uri: 'http://10.0.0.1:8086/contact_dls.html/ContactDLS',
      dlsPort: 18443,
      localAddress: undefined,
      timeoutMs: 300,
    });
  });

  it('probes each address once, keeps within the concurrency limit and reports progress to the end', async () => {
    let inFlight = 0;
    let peak = 0;
    const sent: string[] = [];
    const progress: SweepProgress[] = [];
    const targets = [...parseTargets('10.0.0.0/27'), '10.0.0.1', '10.0.0.2'];
    const report = await runSweep({
      targets,
      dlsPort: 18443,
      concurrency: 4,
      ratePerSecond: 10_000,
      send: async (request) => {
        sent.push(request.phoneIp);
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return request.phoneIp.endsWith('.7') ? phone : { outcome: 'refused', detail: 'refused' };
      },
      onProgress: (p) => progress.push(p),
    });
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toHaveLength(30);
    expect(peak).toBe(4);
    expect(progress[0]).toEqual({ done: 0, total: 30, found: 0 });
    expect(progress.at(-1)).toEqual({ done: 30, total: 30, found: 1 });
    expect(report.total).toBe(30);
  });

  it('paces probe starts to the rate', async () => {
    const clock = manualClock();
    const starts: number[] = [];
    await runSweep({
      targets: parseTargets('10.0.0.1-10.0.0.6'),
      dlsPort: 18443,
      ratePerSecond: 50,
      clock,
      send: async () => {
        starts.push(clock.t);
        return { outcome: 'refused', detail: 'refused' };
      },
    });
    // 6 starts at 50/s: one every 20 ms, the first at once.
    expect(starts).toEqual([0, 20, 40, 60, 80, 100]);
    expect(clock.sleeps).toEqual([20, 20, 20, 20, 20]);
  });

  it('does not make up for a stall with a burst', async () => {
    const clock = manualClock();
    const starts: number[] = [];
    await runSweep({
      targets: parseTargets('10.0.0.1-10.0.0.4'),
      dlsPort: 18443,
      ratePerSecond: 50,
      clock,
      send: async () => {
        starts.push(clock.t);
        // The second probe stalls the loop's clock by 100 ms (a slow event loop).
        if (starts.length === 2) clock.t += 100;
        return { outcome: 'refused', detail: 'refused' };
      },
    });
    // After the stall the next probe starts at once, and the one after keeps the spacing: no catch-up burst.
    expect(starts).toEqual([0, 20, 120, 140]);
  });

  it('stops starting probes when cancelled, awaits the running ones, and says so', async () => {
    const controller = new AbortController();
    let finished = 0;
    const sent: string[] = [];
    const report = await runSweep({
      targets: parseTargets('10.0.0.0/24'),
      dlsPort: 18443,
      concurrency: 3,
      ratePerSecond: 1000,
      signal: controller.signal,
      send: async (request) => {
        sent.push(request.phoneIp);
        if (sent.length === 5) controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished++;
        return { outcome: 'no-answer', detail: 'timeout' };
      },
    });
    expect(sent).toHaveLength(5);
    expect(finished).toBe(5);
    expect(report).toMatchObject({ total: 254, noAnswer: 5, cancelled: true });
    expect(report.results).toHaveLength(5);
  });

  it('stops at once when cancelled during the pause between probes', async () => {
    const controller = new AbortController();
    const sent: string[] = [];
    // A clock whose pauses never end on their own: only the abort can end one.
    const clock = { t: 0, now: () => clock.t, sleep: (_ms: number, signal?: AbortSignal) => abortOf(signal) };
    const report = await runSweep({
      targets: parseTargets('10.0.0.0/24'),
      dlsPort: 18443,
      ratePerSecond: 0.5,
      signal: controller.signal,
      clock,
      send: async (request) => {
        sent.push(request.phoneIp);
        setImmediate(() => controller.abort());
        return { outcome: 'refused', detail: 'refused' };
      },
    });
    expect(sent).toEqual(['10.0.0.1']);
    expect(report).toMatchObject({ cancelled: true, durationMs: 0 });
  });

  it('turns a throwing sender into an other result and carries on', async () => {
    const report = await runSweep({
      targets: ['10.0.0.1', '10.0.0.2'],
      dlsPort: 18443,
      ratePerSecond: 1000,
      send: async (request) => {
        if (request.phoneIp === '10.0.0.1') throw new Error('boom');
        return phone;
      },
    });
    expect(report.results[0]).toEqual({ ip: '10.0.0.1', outcome: 'other', detail: 'probe failed: boom' });
    expect(report.phones).toBe(1);
  });

  it('refuses bad options before sending anything', async () => {
    const send = async (): Promise<ContactMeResult> => {
      throw new Error('must not be called');
    };
    await expect(runSweep({ targets: ['10.0.0.1'], dlsPort: 0, send })).rejects.toThrow(/dlsPort/);
    await expect(runSweep({ targets: ['10.0.0.1'], dlsPort: 18443, concurrency: 0, send })).rejects.toThrow(/concurrency/);
    await expect(runSweep({ targets: ['10.0.0.1'], dlsPort: 18443, ratePerSecond: 0, send })).rejects.toThrow(/ratePerSecond/);
    await expect(runSweep({ targets: ['10.0.0.1'], dlsPort: 18443, timeoutMs: -1, send })).rejects.toThrow(/timeoutMs/);
    await expect(runSweep({ targets: ['nope'], dlsPort: 18443, send })).rejects.toThrow(/"nope" is not an IPv4 address/);
  });
});
