import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_HEADERS_TIMEOUT_MS, PHONE_REQUEST_TIMEOUT_MS } from '../../electron/core/provisioning/phone-server.js';
import { FLOW_LIMITS } from '../../electron/core/wpi/engine.js';
import { SimPhone } from '../sim/phone.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import {
  hostileInputs,
  hostileMac,
  manyItems,
  readAllFragment,
  realStartUp,
  REFUSALS,
  ROGUE_CONTACT_MAC,
  type HostileInput,
  type HttpsInput,
  type RawInput,
} from '../support/hostile-inputs.js';
import {
  dlsSummary,
  HostileSession,
  httpsRequest,
  rawExchange,
  slowClient,
  type Outcome,
  type RawResult,
  type SlowResult,
} from '../support/raw-client.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

/**
 * The phone listener under attack: hundreds of broken, oversized and malicious requests over real
 * TLS against a real core, while a well-behaved phone boots in the middle of it. Subnets
 * 127.0.40–47 belong to this file (40: the good phone, 41–46: hostile peers, 47: scripted ones).
 */

const FIXTURE_ITEMS = 329;
/** Anything slower than this is a hang, not a slow answer (the largest input is ~1 MB). */
const ANSWER_WITHIN_MS = 10_000;
const CONCURRENCY = 8;
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;

/**
 * Refused by Node's HTTP parser before any hook runs, so no log line names the peer. Both are
 * RFC-conform refusals (RFC 9112 §3.2: an HTTP/1.1 request without Host gets a 400).
 */
const NODE_SILENT_REFUSALS = new Set(['no Host header (HTTP/1.1)']);

const peerOf = (id: number): string => `127.0.${41 + Math.floor(id / 250)}.${(id % 250) + 1}`;

let core: TestCore;
let slow: Promise<SlowResult>;
let slowStarted = 0;

beforeAll(async () => {
  core = await startTestCore();
  // The one slow test: started first, judged last, so its wait overlaps everything else.
  slowStarted = Date.now();
  slow = slowClient({
    port: core.port,
    localAddress: '127.0.47.250',
    request: `POST /DeploymentService/LoginService HTTP/1.1\r\nHost: dls\r\nContent-Type: text/xml\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}`,
    intervalMs: 1000,
    maxMs: PHONE_REQUEST_TIMEOUT_MS + 15_000,
  });
});

afterAll(async () => {
  await core?.stop();
});

interface Verdict {
  input: HostileInput;
  peer: string;
  outcome: Outcome | RawResult;
  problems: string[];
  /** 200 answers, for XSD validation. */
  xml?: string;
}

function judgeHttps(input: HttpsInput, outcome: Outcome): Omit<Verdict, 'input' | 'peer'> {
  const problems: string[] = [];
  if (!outcome.ok) return { outcome, problems: [`no HTTP answer: ${outcome.error} after ${outcome.ms} ms`] };
  if (outcome.status >= 500) problems.push(`5xx: ${outcome.status} ${outcome.body.toString().slice(0, 200)}`);
  if (!input.expect.statuses.includes(outcome.status))
    problems.push(`status ${outcome.status}, expected ${input.expect.statuses.join('/')}`);
  if (outcome.ms > ANSWER_WITHIN_MS) problems.push(`answer took ${outcome.ms} ms`);
  if (outcome.status !== 200 || input.method !== 'POST') return { outcome, problems };

  const xml = outcome.body.toString('utf8');
  const { nonce, action } = dlsSummary(xml);
  if (!/^text\/xml/.test(outcome.headers['content-type'] ?? '')) problems.push(`content-type ${outcome.headers['content-type']}`);
  if (outcome.headers['content-length'] === undefined) problems.push('no Content-Length');
  const actions = input.expect.actions ?? ['CleanUp'];
  if (!action || !actions.includes(action)) problems.push(`action ${action}, expected ${actions.join('/')}`);
  if (!nonce) problems.push('answer without nonce');
  if (input.expect.nonce && nonce !== input.expect.nonce) problems.push(`nonce ${nonce?.slice(0, 40)} does not echo ${input.expect.nonce}`);
  return { outcome, problems, xml };
}

function judgeRaw(input: RawInput, result: RawResult): Omit<Verdict, 'input' | 'peer'> {
  const problems: string[] = [];
  if (result.hung) problems.push(`server held the connection without answering or closing (${result.ms} ms)`);
  if (result.status !== null && result.status >= 500) problems.push(`5xx: ${result.received.slice(0, 200)}`);
  if (input.reset) return { outcome: result, problems };
  if (result.status === null) {
    if (!input.expect.mayCloseSilently) problems.push(`closed without an answer (${result.error ?? 'no error'})`);
  } else if (!input.expect.statuses.includes(result.status)) {
    problems.push(`status ${result.status}, expected ${input.expect.statuses.join('/') || 'a silent close'}`);
  }
  return { outcome: result, problems };
}

async function send(input: HostileInput): Promise<Verdict> {
  const peer = peerOf(input.id);
  if (input.kind === 'https') {
    const outcome = await httpsRequest({
      port: core.port,
      localAddress: peer,
      method: input.method,
      path: input.path,
      headers: input.headers,
      ...(input.body.length || input.method === 'POST' ? { body: input.body } : {}),
      ...(input.chunked ? { chunked: true } : {}),
      timeoutMs: ANSWER_WITHIN_MS * 2,
    });
    return { input, peer, ...judgeHttps(input, outcome) };
  }
  const result = await rawExchange({
    port: core.port,
    localAddress: peer,
    data: input.data,
    tls: input.tls,
    ...(input.reset ? { reset: true } : {}),
    answerWithinMs: 3_000,
  });
  return { input, peer, ...judgeRaw(input, result) };
}

async function pool<T, R>(items: readonly T[], concurrency: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

function describeInput(v: Verdict): string {
  return `#${v.input.id} [${v.input.group}] ${v.input.name} (${v.peer}): ${v.problems.join('; ')}`;
}

describe('hostile phone traffic against a real core', () => {
  it('generates at least 300 inputs, identical for the same seed', () => {
    const digest = (inputs: HostileInput[]): string => {
      const hash = createHash('sha256');
      for (const i of inputs) hash.update(`${i.kind}|${i.group}|${i.name}|`).update(i.kind === 'https' ? i.body : i.data);
      return hash.digest('hex');
    };
    const a = hostileInputs();
    expect(a.length).toBeGreaterThanOrEqual(300);
    expect(digest(hostileInputs())).toBe(digest(a));
    expect(digest(hostileInputs(42))).not.toBe(digest(a));
    expect(new Set(a.map((i) => i.group)).size).toBeGreaterThanOrEqual(12);
  });

  it('answers every input with 200 CleanUp or a 4xx, never a 5xx or a hang, while a real phone boots', async () => {
    const inputs = hostileInputs();
    const rssBefore = process.memoryUsage().rss;
    const startedAt = Date.now();

    // The good phone boots once a third of the barrage is through, and has to finish in the thick of it.
    const phone = new SimPhone({
      mac: '00:1A:E8:40:00:01',
      ip: '127.0.40.1',
      server: { host: '127.0.0.1', port: core.port },
      contactMePort: 0,
    });
    let phoneDone: Promise<void> | null = null;
    const verdicts = await pool(inputs, CONCURRENCY, async (input, index) => {
      if (index === Math.floor(inputs.length / 3)) phoneDone = phone.start().then(() => phone.waitForIdle(60_000));
      return send(input);
    });
    await phoneDone;
    const elapsed = Date.now() - startedAt;
    const rssAfter = process.memoryUsage().rss;

    const failures = verdicts.filter((v) => v.problems.length > 0).map(describeInput);
    expect(failures).toEqual([]);
    // The contract for all of them: 200 or a defined refusal (417 is Node's own answer to an unknown Expect).
    const undefinedAnswers = verdicts.filter((v) => statusOf(v) !== null && ![200, ...REFUSALS, 417].includes(statusOf(v) as number));
    expect(undefinedAnswers.map(describeInput)).toEqual([]);

    // Every DLSMessage sent in answer is valid against wpi.xsd.
    const answered = verdicts.filter((v) => v.xml !== undefined);
    expect(problemsOfSentMessages(answered.map((v) => v.xml as string))).toEqual([]);

    // The log names every refused peer: POSTs answered 200 are in the exchange log with their
    // address, HTTP-level refusals in the log lines and in the exchange log with their status.
    const exchanges = core.core.store.exchanges.list({ limit: 100_000 });
    const peersLogged = new Set(exchanges.map((e) => e.peer));
    const refusalsLogged = new Set(exchanges.filter((e) => e.httpStatus >= 400).map((e) => `${e.peer} ${e.httpStatus}`));
    const unlogged: string[] = [];
    for (const v of verdicts) {
      const status = statusOf(v);
      if (status === 200 && v.input.kind === 'https' && v.input.method === 'POST') {
        if (!peersLogged.has(v.peer)) unlogged.push(`${describeInput(v)} not in the exchange log`);
      } else if (
        status !== null &&
        status >= 400 &&
        !NODE_SILENT_REFUSALS.has(v.input.name) &&
        !core.logs.some((line) => line.includes(`${v.peer}:`))
      ) {
        unlogged.push(`#${v.input.id} ${v.input.name}: ${status} without a log line naming ${v.peer}`);
      }
      if (status !== null && status >= 400 && status !== 404 && !NODE_SILENT_REFUSALS.has(v.input.name)) {
        if (!refusalsLogged.has(`${v.peer} ${status}`)) unlogged.push(`#${v.input.id} ${v.input.name}: ${status} not in the exchange log`);
      }
    }
    expect(unlogged).toEqual([]);
    const rejected = exchanges.filter((e) => e.peer.startsWith('127.0.4') && e.peer !== '127.0.40.1');
    // Answered in WPI (200 with an action) or refused at HTTP level (no action).
    expect(rejected.filter((e) => (e.httpStatus === 200) !== (e.action !== null))).toEqual([]);

    // No phone input forged a log line, and a contact-me-uri pointing elsewhere was not taken.
    expect(core.logs.filter((line) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line))).toEqual([]);
    const rogue = verdicts.find((v) => v.input.name === 'contact-me-uri pointing at another host, port and path');
    expect(core.core.store.phones.get(ROGUE_CONTACT_MAC)?.contactMeUri).toBe(`http://${rogue?.peer}:8085/contact_dls.html/ContactDLS`);

    // The good phone was served completely, without a single protocol violation.
    const mac = '00:1A:E8:40:00:01';
    expect(core.core.store.phones.get(mac)?.inventoryComplete).toBe(true);
    expect(core.core.store.inventory.list(mac)).toHaveLength(FIXTURE_ITEMS);
    expect(phone.violations).toEqual([]);
    expect(phone.errors).toEqual([]);
    await phone.stop();

    // Still alive and answering sensibly after all of it.
    const after = await httpsRequest({
      port: core.port,
      localAddress: '127.0.47.1',
      path: '/DeploymentService/LoginService',
      body: realStartUp('A11VE0000000001', hostileMac(0x4700)),
      headers: { 'content-type': 'text/xml' },
    });
    expect(after.ok && after.status).toBe(200);
    expect(after.ok && dlsSummary(after.body.toString()).action).toBe('ReadAllItems');

    const growth = rssAfter - rssBefore;
    const byGroup = new Map<string, number>();
    for (const v of verdicts) byGroup.set(v.input.group, (byGroup.get(v.input.group) ?? 0) + 1);
    const counts = [...byGroup].map(([g, n]) => `${g}: ${n}`);
    console.info(
      `[hostile] ${inputs.length} inputs (${counts.join(', ')}) in ${elapsed} ms; ` +
        `RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MB (growth ${Math.round(growth / 2 ** 20)} MB); ` +
        `statuses ${JSON.stringify(tally(verdicts))}`,
    );
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 120_000);

  it(`cuts a session sending fragment="next" forever after ${FLOW_LIMITS.maxFragments} fragments`, async () => {
    const session = new HostileSession(core.port, '127.0.47.2');
    try {
      const first = await session.post(realStartUp('F0REVER000000001', hostileMac(0x4702)));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadAllItems');
      const fragment = readAllFragment('F0REVER000000001', 'next', manyItems(1, 'endless'));
      let getNext = 0;
      let last: string | null = null;
      // Bounded: the engine must stop it at maxFragments; we give it 10 more before calling it a bug.
      for (let i = 0; i < FLOW_LIMITS.maxFragments + 10; i++) {
        const answer = await session.post(fragment);
        if (!answer.ok) throw new Error(`fragment ${i}: ${answer.error}`);
        expect(answer.status).toBe(200);
        last = dlsSummary(answer.body.toString()).action;
        if (last !== 'GetNextFragment') break;
        getNext++;
      }
      expect(last).toBe('CleanUp');
      expect(getNext).toBe(FLOW_LIMITS.maxFragments);
      // The flow is gone: a further fragment on the same session is a reply-to outside an interaction.
      const stray = await session.post(fragment);
      expect(stray.ok && dlsSummary(stray.body.toString()).action).toBe('CleanUp');
      expect(core.core.service.flows.forMac(hostileMac(0x4702))).toBeNull();
      expect(core.logs.some((l) => l.includes(`reply exceeds ${FLOW_LIMITS.maxFragments} fragments`))).toBe(true);
    } finally {
      session.close();
    }
  }, 60_000);

  it('cuts a reply that grows past FLOW_LIMITS.maxItems across fragments', async () => {
    const session = new HostileSession(core.port, '127.0.47.3');
    try {
      await session.post(realStartUp('MANY000000000001', hostileMac(0x4703)));
      const third = Math.ceil(FLOW_LIMITS.maxItems / 3) + 1;
      const actions: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await session.post(readAllFragment('MANY000000000001', 'next', manyItems(third, `f${i}`)));
        actions.push(answer.ok ? dlsSummary(answer.body.toString()).action : `error ${answer.error}`);
        if (actions.at(-1) === 'CleanUp') break;
      }
      expect(actions).toEqual(['GetNextFragment', 'GetNextFragment', 'CleanUp']);
      // Nothing of the oversized reply was taken as the phone's inventory.
      expect(core.core.store.phones.get(hostileMac(0x4703))?.inventoryComplete).toBe(false);
    } finally {
      session.close();
    }
  }, 60_000);

  it('cuts a reply whose fragments pile up past FLOW_LIMITS.maxChars (memory stays bounded)', async () => {
    const session = new HostileSession(core.port, '127.0.47.6');
    try {
      await session.post(realStartUp('HEAP000000000001', hostileMac(0x4706)));
      // Each fragment is under the body limit; together they would fill the heap.
      const blob = { name: 'blob', value: 'x'.repeat(900_000) };
      const fragment = readAllFragment('HEAP000000000001', 'next', [blob]);
      const heapBefore = process.memoryUsage().heapUsed;
      let getNext = 0;
      let last: string | null = null;
      for (let i = 0; i < 100; i++) {
        const answer = await session.post(fragment);
        if (!answer.ok) throw new Error(`fragment ${i}: ${answer.error}`);
        last = dlsSummary(answer.body.toString()).action;
        if (last !== 'GetNextFragment') break;
        getNext++;
      }
      expect(last).toBe('CleanUp');
      expect(getNext).toBe(Math.floor(FLOW_LIMITS.maxChars / (blob.name.length + blob.value.length)));
      expect(core.core.service.flows.forMac(hostileMac(0x4706))).toBeNull();
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 2 ** 20);
    } finally {
      session.close();
    }
  }, 60_000);

  it('survives connections reset mid-request and mid-flow, and serves the phone when it starts again', async () => {
    const mac = hostileMac(0x4704);
    const session = new HostileSession(core.port, '127.0.47.4');
    try {
      const first = await session.post(realStartUp('RESET00000000001', mac));
      expect(first.ok && dlsSummary(first.body.toString()).action).toBe('ReadAllItems');
      // Half a ReadAllItems answer, then the cable is pulled; then half a fragment, reset again.
      const answer = readAllFragment('RESET00000000001', 'final', manyItems(400));
      const cut = await session.postAndReset(answer, Math.floor(answer.length / 2));
      expect(cut.reset).toBe(true);
      const cut2 = await session.postAndReset(answer, 10);
      expect(cut2.reset).toBe(true);
      // The flow is still open; the phone "reboots" and starts a new flow, which must work.
      const again = new HostileSession(core.port, '127.0.47.4');
      try {
        const restart = await again.post(realStartUp('RESET00000000002', mac));
        expect(restart.ok && dlsSummary(restart.body.toString()).action).toBe('ReadAllItems');
        const done = await again.post(readAllFragment('RESET00000000002', 'final', manyItems(50)));
        expect(done.ok && dlsSummary(done.body.toString())).toEqual({ nonce: 'RESET00000000002', action: 'CleanUp' });
      } finally {
        again.close();
      }
      expect(core.core.store.phones.get(mac)?.inventoryComplete).toBe(true);
      expect(core.core.store.inventory.list(mac)).toHaveLength(50);
      // Resets during a real phone's flow: the phone retries and gets everything.
      const phone = new SimPhone({
        mac: '00:1A:E8:47:00:05',
        ip: '127.0.47.5',
        server: { host: '127.0.0.1', port: core.port },
        contactMePort: 0,
      });
      await phone.start();
      await phone.waitForIdle(30_000);
      expect(core.core.store.inventory.list('00:1A:E8:47:00:05')).toHaveLength(FIXTURE_ITEMS);
      await phone.stop();
    } finally {
      session.close();
    }
  }, 60_000);

  it(
    'cuts a byte-a-second client by its own timeouts',
    async () => {
      const result = await slow;
      const total = Date.now() - slowStarted;
      console.info(`[hostile] slow client cut after ${result.closedAfterMs} ms with ${result.status} (${result.bytesSent} bytes sent)`);
      expect(result.closedAfterMs, `still open after ${total} ms`).not.toBeNull();
      expect(result.closedAfterMs as number).toBeLessThanOrEqual(PHONE_REQUEST_TIMEOUT_MS + 5_000);
      // The headers never complete at this pace: the headers timeout applies, with a 408.
      expect(result.closedAfterMs as number).toBeGreaterThanOrEqual(PHONE_HEADERS_TIMEOUT_MS - 1_000);
      expect(result.status).toBe(408);
    },
    PHONE_REQUEST_TIMEOUT_MS + 30_000,
  );
});

/** The final HTTP status the input got; null for no answer (closed, reset, transport error). */
function statusOf(v: Verdict): number | null {
  const o = v.outcome;
  if ('statuses' in o) return o.status;
  return o.ok ? o.status : null;
}

function tally(verdicts: Verdict[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of verdicts) {
    const o = v.outcome;
    const key = 'statuses' in o && o.reset ? 'reset' : String(statusOf(v) ?? 'closed');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
