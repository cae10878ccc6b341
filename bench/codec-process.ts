/**
 * Codec alone, in its own process: the service's parser and builder on exactly the messages of one
 * benchmark phone (start-up, the 329-item ReadAllItems reply, the WriteItems reply; ReadAllItems,
 * the 40-item WriteItems, CleanUp), so the report can say how much of the server's time is XML.
 */
import { performance } from 'node:perf_hooks';
import { redactXml } from '../electron/core/store/secrets.js';
import { buildServiceMessage } from '../electron/core/wpi/build.js';
import { parsePhoneMessage } from '../electron/core/wpi/parse.js';
import type { ServiceMessage } from '../shared/protocol.js';
import { newNonce } from '../test/sim/flow.js';
import { serializeMessage } from '../test/sim/wire.js';
import { HOSTILE_REDACT_INPUTS, billionLaughs } from '../test/support/hostile-xml.js';
import { serveParent } from './lib/ipc.js';
import { benchPhone, phoneMessages } from './lib/phone-messages.js';
import { benchProfile } from './lib/profile.js';

interface CodecCase {
  name: string;
  /** `hostile`: inputs a peer could send to slow us down; not part of one phone's messages. */
  kind: 'parse' | 'build' | 'hostile';
  items: number;
  bytes: number;
  run: () => unknown;
}

function cases(): CodecCase[] {
  const nonce = newNonce();
  const { items, basic, bodies } = phoneMessages(benchPhone(0x600001, 60, 0), nonce);
  const [startUp, readAllReply, writeReply] = bodies;
  const profile = benchProfile();
  const parseCase = (name: string, xml: string, count: number): CodecCase => {
    const body = Buffer.from(xml, 'utf8');
    return { name, kind: 'parse', items: count, bytes: body.length, run: () => parsePhoneMessage(body) };
  };
  const buildCase = (name: string, msg: ServiceMessage): CodecCase => ({
    name,
    kind: 'build',
    items: msg.items?.length ?? 0,
    bytes: Buffer.byteLength(buildServiceMessage(msg)),
    run: () => buildServiceMessage(msg),
  });
  return [
    parseCase('parse start-up', startUp, basic.length),
    parseCase('parse reply ReadAllItems', readAllReply, items.length),
    parseCase('parse reply WriteItems', writeReply, 0),
    buildCase('build ReadAllItems', { nonce, action: 'ReadAllItems' }),
    buildCase('build WriteItems', { nonce, action: 'WriteItems', items: profile }),
    buildCase('build CleanUp', { nonce, action: 'CleanUp' }),
    ...hostileCases(nonce),
  ];
}

/** What the unit tests check for correctness only (wpi-parse, store-secrets): timed here instead. */
function hostileCases(nonce: string): CodecCase[] {
  const [startUp = ''] = serializeMessage(nonce, -1, { reason: 'start-up', items: [{ name: 'e164', value: '4711' }] });
  // One document, as a phone ignoring the 50 kB envelope would send it.
  const many = Array.from({ length: 10_000 }, (_, i) => `<Item name="item-${i}" index="${i}">value ${i}</Item>`).join('');
  const tenThousand = Buffer.from(startUp.replace(/<ItemList>[\s\S]*<\/ItemList>/, `<ItemList>${many}</ItemList>`), 'utf8');
  const laughs = Buffer.from(billionLaughs(startUp), 'utf8');
  const refused = (): unknown => {
    try {
      return parsePhoneMessage(laughs);
    } catch (error) {
      return error;
    }
  };
  const redactBytes = HOSTILE_REDACT_INPUTS.reduce((n, input) => n + input.length, 0);
  return [
    {
      name: 'hostile: parse 10,000 items',
      kind: 'hostile',
      items: 10_000,
      bytes: tenThousand.length,
      run: () => parsePhoneMessage(tenThousand),
    },
    { name: 'hostile: billion laughs (refused)', kind: 'hostile', items: 0, bytes: laughs.length, run: refused },
    {
      name: `hostile: redact ${HOSTILE_REDACT_INPUTS.length} × 1 MB`,
      kind: 'hostile',
      items: 0,
      bytes: redactBytes,
      run: () => HOSTILE_REDACT_INPUTS.map(redactXml),
    },
  ];
}

function measure(c: CodecCase, budgetMs: number) {
  // Warm-up: let the JIT settle before timing.
  const warmEnd = performance.now() + Math.min(300, budgetMs / 3);
  while (performance.now() < warmEnd) c.run();
  let n = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < budgetMs) {
    for (let i = 0; i < 20; i++) c.run();
    n += 20;
    t1 = performance.now();
  }
  const usPerOp = ((t1 - t0) * 1000) / n;
  return { name: c.name, kind: c.kind, items: c.items, bytes: c.bytes, iterations: n, usPerOp, opsPerSec: 1e6 / usPerOp };
}

serveParent({
  run: ({ budgetMs }: { budgetMs: number }) => ({ pid: process.pid, results: cases().map((c) => measure(c, budgetMs)) }),
  exit: () => ({ ok: true }),
});
