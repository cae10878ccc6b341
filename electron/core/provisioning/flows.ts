import type { FlowState } from '../wpi/engine.js';

/** One open interaction, bound to the session cookie we handed the phone. */
export interface OpenFlow {
  sessionId: string;
  flow: FlowState;
  peer: string;
  touchedAt: number;
}

/** A phone has one interaction at a time; a few per address covers NAT and phones behind one IP. */
export const MAX_FLOWS_PER_PEER = 8;
/** Every open flow may buffer a fragmented reply: bound the total, oldest dropped first. */
export const MAX_OPEN_FLOWS = 5000;

/**
 * Open interactions in memory. They are short-lived (seconds); after a crash the phone simply
 * starts a new flow and interrupted jobs are re-queued from the database.
 */
export class FlowRegistry {
  private readonly bySession = new Map<string, OpenFlow>();
  private readonly byMac = new Map<string, string>();

  constructor(private readonly idleTimeoutMs: number) {}

  get(sessionId: string | null, now: number): OpenFlow | null {
    if (!sessionId) return null;
    const open = this.bySession.get(sessionId);
    if (!open) return null;
    if (now - open.touchedAt > this.idleTimeoutMs) {
      this.remove(sessionId);
      return null;
    }
    return open;
  }

  /** Fallback for phones that drop the cookie: the only open flow from that address. */
  byPeer(peer: string, now: number): OpenFlow | null {
    let found: OpenFlow | null = null;
    for (const open of this.bySession.values()) {
      if (open.peer !== peer || now - open.touchedAt > this.idleTimeoutMs) continue;
      if (found) return null;
      found = open;
    }
    return found;
  }

  forMac(mac: string): OpenFlow | null {
    const sessionId = this.byMac.get(mac);
    return sessionId ? (this.bySession.get(sessionId) ?? null) : null;
  }

  /** Stores the flow; returns flows dropped to stay within the limits (their jobs need re-queuing). */
  put(open: OpenFlow): OpenFlow[] {
    const previous = this.byMac.get(open.flow.mac);
    if (previous && previous !== open.sessionId) this.bySession.delete(previous);
    // Re-inserting keeps the Map in least-recently-touched order, which eviction relies on.
    this.bySession.delete(open.sessionId);
    this.bySession.set(open.sessionId, open);
    this.byMac.set(open.flow.mac, open.sessionId);
    return [...this.evictSamePeer(open.peer), ...this.evictOldest()];
  }

  private evictSamePeer(peer: string): OpenFlow[] {
    const same = [...this.bySession.values()].filter((o) => o.peer === peer);
    const dropped = same.slice(0, Math.max(0, same.length - MAX_FLOWS_PER_PEER));
    for (const o of dropped) this.remove(o.sessionId);
    return dropped;
  }

  private evictOldest(): OpenFlow[] {
    const dropped: OpenFlow[] = [];
    for (const o of this.bySession.values()) {
      if (this.bySession.size - dropped.length <= MAX_OPEN_FLOWS) break;
      dropped.push(o);
    }
    for (const o of dropped) this.remove(o.sessionId);
    return dropped;
  }

  remove(sessionId: string): void {
    const open = this.bySession.get(sessionId);
    if (!open) return;
    this.bySession.delete(sessionId);
    if (this.byMac.get(open.flow.mac) === sessionId) this.byMac.delete(open.flow.mac);
  }

  /** Drops flows idle for too long; returns them so their running jobs can be re-queued. */
  expire(now: number): OpenFlow[] {
    const expired = [...this.bySession.values()].filter((o) => now - o.touchedAt > this.idleTimeoutMs);
    for (const open of expired) this.remove(open.sessionId);
    return expired;
  }

  get size(): number {
    return this.bySession.size;
  }
}
