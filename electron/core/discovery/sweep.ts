/**
 * Subnet sweep: wake phones that already know another DLS (or none) by sending each address in a
 * range one contact-me pointing at us. Paced and capped so a customer LAN is not flooded, each
 * address probed at most once per sweep, cancellable at any time.
 */
import {
  contactMeUri,
  sendContactMe,
  PHONE_SERVER_HEADER,
  CONTACT_ME_PORT,
  type ContactMeRequest,
  type ContactMeResult,
} from './contact-me.js';
import { formatIpv4, isIpv4, networkOf, parseIpv4 } from './ipv4.js';

/** One /16: beyond that a sweep at a polite rate takes hours and is almost certainly a typo. */
export const MAX_SWEEP_ADDRESSES = 65536;

export class TargetParseError extends Error {
  constructor(
    /** The piece of input that was refused (empty for errors about the whole list). */
    readonly token: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetParseError';
  }
}

interface Block {
  first: number;
  count: number;
}

function parseAddress(text: string, token: string): number {
  const value = parseIpv4(text);
  if (value === null) throw new TargetParseError(token, `"${token}": "${text}" is not an IPv4 address (like 192.168.1.10)`);
  return value;
}

function parseBlock(token: string): Block {
  const slash = token.indexOf('/');
  if (slash >= 0) {
    const address = parseAddress(token.slice(0, slash), token);
    const prefixText = token.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,2}$/.test(prefixText) || prefix > 32) throw new TargetParseError(token, `"${token}": the prefix length must be 0 to 32`);
    // Host bits are ignored, so an interface address such as 192.168.1.23/24 means its network.
    const network = networkOf(address, prefix);
    const size = 2 ** (32 - prefix);
    // Network and broadcast addresses hold no phone; /31 and /32 have neither (RFC 3021).
    return prefix <= 30 ? { first: network + 1, count: size - 2 } : { first: network, count: size };
  }
  const dash = token.indexOf('-');
  if (dash >= 0) {
    const startText = token.slice(0, dash);
    const endText = token.slice(dash + 1);
    const start = parseAddress(startText, token);
    // `10.0.0.10-50` is short for `10.0.0.10-10.0.0.50`.
    const end = /^\d{1,3}$/.test(endText) ? parseAddress(startText.replace(/\d+$/, endText), token) : parseAddress(endText, token);
    if (end < start) throw new TargetParseError(token, `"${token}": the range ends before it starts`);
    return { first: start, count: end - start + 1 };
  }
  return { first: parseAddress(token, token), count: 1 };
}

/**
 * `'192.168.1.0/24, 10.0.0.10-10.0.0.20 10.0.0.5'` → addresses in input order, each once.
 * Separators: commas, semicolons, white space. Throws TargetParseError naming the bad piece.
 */
export function parseTargets(text: string): string[] {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new TargetParseError('', 'no addresses given (e.g. 192.168.1.0/24 or 192.168.1.10-192.168.1.50)');
  const seen = new Set<number>();
  for (const token of tokens) {
    const block = parseBlock(token);
    // Checked before expanding, so 0.0.0.0/0 is refused without building 4 billion entries.
    if (block.count > MAX_SWEEP_ADDRESSES) {
      throw new TargetParseError(
        token,
        `"${token}" holds ${block.count} addresses; one sweep takes at most ${MAX_SWEEP_ADDRESSES} (a /16)`,
      );
    }
    for (let i = 0; i < block.count; i++) seen.add(block.first + i);
    if (seen.size > MAX_SWEEP_ADDRESSES) {
      throw new TargetParseError('', `the targets add up to more than ${MAX_SWEEP_ADDRESSES} addresses; sweep in parts`);
    }
  }
  return Array.from(seen, formatIpv4);
}

export type SweepOutcome =
  /** 204 with `Server: DlsClient`: an OpenStage / Desk Phone IP that should now call us. */
  | 'phone'
  /** Nothing answered: refused, unreachable or timed out. */
  | 'no-answer'
  /** Something answered, but not as a phone does; status and server tell what it was. */
  | 'other';

export interface SweepResult {
  ip: string;
  outcome: SweepOutcome;
  status?: number;
  server?: string;
  detail: string;
}

export interface SweepProgress {
  done: number;
  total: number;
  found: number;
}

export interface SweepReport {
  total: number;
  phones: number;
  noAnswer: number;
  other: number;
  /** True when the signal stopped the sweep before every address was probed. */
  cancelled: boolean;
  durationMs: number;
  /** In target order. */
  results: SweepResult[];
}

export interface SweepOptions {
  /** IPv4 addresses, normally from parseTargets; duplicates are probed once. */
  targets: readonly string[];
  /** Port the phones shall call back on. */
  dlsPort: number;
  /** Contact-me port on the phones; only tests and unusual set-ups change it. */
  phonePort?: number;
  /** Send from this local address instead of the one the OS routes through. */
  localAddress?: string;
  /** Probes in flight at once. */
  concurrency?: number;
  /** Probes started per second, at most. */
  ratePerSecond?: number;
  /** Per-probe limit; an address that does not answer in time counts as no-answer. */
  timeoutMs?: number;
  send?: (request: ContactMeRequest) => Promise<ContactMeResult>;
  /** Abort to cancel: no new probe starts, the ones in flight are awaited. */
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Called as each address finishes, in completion order. */
  onResult?: (result: SweepResult) => void;
  /** Time and pauses; tests inject one that moves only when told. */
  clock?: SweepClock;
}

export interface SweepClock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`, or at once when the signal aborts. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

function checkWhole(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

function toSweepResult(ip: string, reply: ContactMeResult): SweepResult {
  const { status, server, detail } = reply;
  const isPhone = reply.outcome === 'acknowledged' && server !== undefined && server.includes(PHONE_SERVER_HEADER);
  const outcome: SweepOutcome = isPhone ? 'phone' : reply.outcome === 'refused' || reply.outcome === 'no-answer' ? 'no-answer' : 'other';
  return { ip, outcome, detail, ...(status === undefined ? {} : { status }), ...(server === undefined ? {} : { server }) };
}

const realClock: SweepClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const { dlsPort, signal, onProgress, onResult, localAddress } = options;
  const phonePort = options.phonePort ?? CONTACT_ME_PORT;
  const concurrency = options.concurrency ?? 32;
  const ratePerSecond = options.ratePerSecond ?? 50;
  const timeoutMs = options.timeoutMs ?? 2000;
  const send = options.send ?? sendContactMe;
  const clock = options.clock ?? realClock;
  checkWhole(dlsPort, 1, 65535, 'dlsPort');
  checkWhole(phonePort, 1, 65535, 'phonePort');
  checkWhole(concurrency, 1, 1024, 'concurrency');
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be above 0, got ${ratePerSecond}`);
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be above 0, got ${timeoutMs}`);
  const bad = options.targets.find((t) => !isIpv4(t));
  if (bad !== undefined) throw new RangeError(`sweep target "${bad}" is not an IPv4 address`);

  // A Set is the once-per-address guarantee: whatever the caller passes, no address is probed twice.
  const targets = [...new Set(options.targets)];
  const total = targets.length;
  const byIp = new Map<string, SweepResult>();
  let found = 0;
  const startedAt = clock.now();
  onProgress?.({ done: 0, total, found });

  const probe = async (ip: string): Promise<void> => {
    let reply: ContactMeResult;
    try {
      reply = await send({ phoneIp: ip, uri: contactMeUri(ip, phonePort), dlsPort, localAddress, timeoutMs });
    } catch (error) {
      // An injected sender may throw; one bad probe must not end the sweep.
      reply = { outcome: 'other', detail: `probe failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const result = toSweepResult(ip, reply);
    byIp.set(ip, result);
    if (result.outcome === 'phone') found++;
    onResult?.(result);
    onProgress?.({ done: byIp.size, total, found });
  };

  const inFlight = new Set<Promise<void>>();
  const spacingMs = 1000 / ratePerSecond;
  let nextStartAt = startedAt;
  for (const ip of targets) {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (signal?.aborted) break;
    const wait = nextStartAt - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    if (signal?.aborted) break;
    // Pacing from the later of plan and now: a stall is not made up for by a burst.
    nextStartAt = Math.max(nextStartAt, clock.now()) + spacingMs;
    const running: Promise<void> = probe(ip).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);

  const results = targets.flatMap((ip) => byIp.get(ip) ?? []);
  const count = (outcome: SweepOutcome): number => results.filter((r) => r.outcome === outcome).length;
  return {
    total,
    phones: count('phone'),
    noAnswer: count('no-answer'),
    other: count('other'),
    cancelled: results.length < total,
    durationMs: Math.round(clock.now() - startedAt),
    results,
  };
}
