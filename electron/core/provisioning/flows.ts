import type { FlowState } from '../wpi/engine.js';

/** One open interaction, bound to the session cookie we handed the phone. */
export interface OpenFlow {
  sessionId: string;
  flow: FlowState;
  peer: string;
  touchedAt: number;
  /** Nonce of the phone's last message: tells cookie-less replies of phones behind one NAT apart. */
  nonce?: string;
}

/**
 * What all open flows together may hold in memory (estimated, see `flowBytes`). Phones behind
 * one NAT address (a branch office of hundreds) are not limited by count: only bytes count, and
 * when the budget is exceeded the heaviest address loses its least recently used flows.
 */
export const FLOW_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;
/** Estimated size of one flow's bookkeeping (state, maps, session id) without buffered items. */
export const FLOW_BASE_BYTES = 2 * 1024;
/** Estimated size of one buffered item beyond its characters (object, string headers, slot). */
export const FLOW_ITEM_BYTES = 96;

/** Memory one flow holds: its bookkeeping plus the fragments it has buffered (UTF-16 strings). */
export function flowBytes(flow: FlowState): number {
  const chars = flow.partialChars ?? flow.partial.reduce((n, i) => n + i.name.length + i.value.length, 0);
  return FLOW_BASE_BYTES + flow.partial.length * FLOW_ITEM_BYTES + 2 * chars;
}

/** What a reply without session cookie says about itself, to find its flow among a peer's. */
export interface ReplyHints {
  /** Normalised `mac-addr` of the message, if it carries one. */
  mac: string | null;
  nonce: string;
}

interface Entry extends OpenFlow {
  bytes: number;
}

interface Peer {
  bytes: number;
  /** Session ids in least-recently-touched order (re-inserted on every put). */
  sessions: Set<string>;
}

/**
 * Open interactions in memory. They are short-lived (seconds); after a crash the phone simply
 * starts a new flow and interrupted jobs are re-queued from the database.
 *
 * An idle-expired flow is never dropped on lookup: it stays until `expire` (or a new flow of the
 * same phone, or eviction) returns it, so that its running job is always re-queued.
 */
export class FlowRegistry {
  private readonly bySession = new Map<string, Entry>();
  private readonly byMac = new Map<string, string>();
  private readonly peers = new Map<string, Peer>();
  private totalBytes = 0;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly budgetBytes: number = FLOW_MEMORY_BUDGET_BYTES,
  ) {}

  /** The live flow of this session; null when unknown or idle past the timeout. */
  get(sessionId: string | null, now: number): OpenFlow | null {
    if (!sessionId) return null;
    const open = this.bySession.get(sessionId);
    return open && !this.idle(open, now) ? open : null;
  }

  /**
   * Fallback for phones that drop the cookie. Behind NAT one address carries many phones, so a
   * flow is handed out only when nothing else from that address could be meant: its MAC must
   * match the message's `mac-addr` (when it has one), and among several candidates only the one
   * whose last nonce the message repeats is taken. Anything ambiguous gets no flow.
   */
  byPeer(peer: string, now: number, hints: ReplyHints): OpenFlow | null {
    const sessions = this.peers.get(peer)?.sessions;
    if (!sessions) return null;
    const live = [...sessions]
      .map((id) => this.bySession.get(id))
      .filter((o): o is Entry => o !== undefined && !this.idle(o, now) && (hints.mac === null || o.flow.mac === hints.mac));
    if (live.length === 1) return live[0] ?? null;
    const same = live.filter((o) => o.nonce === hints.nonce);
    return same.length === 1 ? (same[0] ?? null) : null;
  }

  forMac(mac: string): OpenFlow | null {
    const sessionId = this.byMac.get(mac);
    return sessionId ? (this.bySession.get(sessionId) ?? null) : null;
  }

  /**
   * Stores the flow; returns flows dropped on the way (their jobs need re-queuing): an older flow
   * of the same phone, and flows evicted to stay within the memory budget (idle ones first, then
   * the least recently used flows of the address that holds the most).
   */
  put(open: OpenFlow): OpenFlow[] {
    const dropped: OpenFlow[] = [];
    // A first message still collected without its mac-addr is found by its cookie only.
    const { mac } = open.flow;
    const previous = mac === null ? undefined : this.byMac.get(mac);
    if (previous && previous !== open.sessionId) dropped.push(...this.take(previous));
    this.take(open.sessionId);
    const entry: Entry = { ...open, bytes: flowBytes(open.flow) };
    this.bySession.set(open.sessionId, entry);
    if (mac !== null) this.byMac.set(mac, open.sessionId);
    const peer = this.peers.get(open.peer) ?? { bytes: 0, sessions: new Set<string>() };
    peer.bytes += entry.bytes;
    peer.sessions.add(open.sessionId);
    this.peers.set(open.peer, peer);
    this.totalBytes += entry.bytes;
    if (this.totalBytes > this.budgetBytes) dropped.push(...this.evict(open.touchedAt));
    return dropped;
  }

  remove(sessionId: string): void {
    this.take(sessionId);
  }

  /** Drops flows idle for too long; returns them so their running jobs can be re-queued. */
  expire(now: number): OpenFlow[] {
    const expired = [...this.bySession.values()].filter((o) => this.idle(o, now));
    for (const open of expired) this.take(open.sessionId);
    return expired;
  }

  get size(): number {
    return this.bySession.size;
  }

  /** Estimated bytes all open flows hold; never above the budget after a put. */
  get bytes(): number {
    return this.totalBytes;
  }

  private evict(now: number): OpenFlow[] {
    const dropped = this.expire(now);
    while (this.totalBytes > this.budgetBytes) {
      let heaviest: Peer | null = null;
      for (const peer of this.peers.values()) if (!heaviest || peer.bytes > heaviest.bytes) heaviest = peer;
      const oldest = heaviest?.sessions.values().next();
      if (!oldest || oldest.done) break;
      dropped.push(...this.take(oldest.value));
    }
    return dropped;
  }

  private take(sessionId: string): OpenFlow[] {
    const open = this.bySession.get(sessionId);
    if (!open) return [];
    this.bySession.delete(sessionId);
    if (open.flow.mac !== null && this.byMac.get(open.flow.mac) === sessionId) this.byMac.delete(open.flow.mac);
    const peer = this.peers.get(open.peer);
    if (peer) {
      peer.bytes -= open.bytes;
      peer.sessions.delete(sessionId);
      if (peer.sessions.size === 0) this.peers.delete(open.peer);
    }
    this.totalBytes -= open.bytes;
    const { bytes: _bytes, ...flow } = open;
    return [flow];
  }

  private idle(open: OpenFlow, now: number): boolean {
    return now - open.touchedAt > this.idleTimeoutMs;
  }
}
