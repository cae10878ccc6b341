/**
 * How often a phone may be sent a contact-me. Phones ignore contact-me callbacks inside their
 * contact gap (default 300 s), sometimes ignore them outright, and their web server is known to
 * fall over when hammered (wpi-protocol.md §4.3). So: at most one per interval, a growing pause
 * while a phone stays silent, and after a few silent tries stop and say why.
 * Pure bookkeeping with an injected clock; the caller sends.
 *
 * One throttle serves the reacher and sweeps alike, keyed by the address a contact-me goes to:
 * the device there is what must not be flooded, whichever part of the app asks, and a sweep
 * only knows addresses.
 */

/** Addresses remembered at most; beyond it, those whose pause is long over are forgotten. */
export const MAX_THROTTLED_ADDRESSES = 100_000;

export interface ContactMeThrottleOptions {
  now: () => number;
  /** Least time between two contact-mes to one phone. */
  minIntervalMs?: number;
  /** Each unanswered contact-me multiplies the pause by this. */
  backoffFactor?: number;
  /** The pause never grows beyond this. */
  maxIntervalMs?: number;
  /** Unanswered contact-mes in a row after which the phone is given up. */
  maxAttempts?: number;
}

export type ContactDecision =
  | { allowed: true }
  | { allowed: false; reason: 'too-soon'; retryAt: number; detail: string }
  | { allowed: false; reason: 'gave-up'; detail: string };

interface PhoneState {
  lastSentAt: number;
  /** Contact-mes sent since the phone last called back. */
  unanswered: number;
}

export class ContactMeThrottle {
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly backoffFactor: number;
  private readonly maxIntervalMs: number;
  private readonly maxAttempts: number;
  /** By contact-me destination address. */
  private readonly phones = new Map<string, PhoneState>();

  constructor(options: ContactMeThrottleOptions) {
    this.now = options.now;
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.backoffFactor = options.backoffFactor ?? 2;
    this.maxIntervalMs = options.maxIntervalMs ?? 15 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!(this.minIntervalMs >= 0)) throw new RangeError('minIntervalMs must be >= 0');
    if (!(this.backoffFactor >= 1)) throw new RangeError('backoffFactor must be >= 1');
    if (!(this.maxIntervalMs >= this.minIntervalMs)) throw new RangeError('maxIntervalMs must be >= minIntervalMs');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number >= 1');
  }

  /** Record a contact-me just sent to `address`. */
  noteSent(address: string): void {
    const state = this.phones.get(address);
    if (!state && this.phones.size >= MAX_THROTTLED_ADDRESSES) this.forgetSettled();
    this.phones.set(address, { lastSentAt: this.now(), unanswered: (state?.unanswered ?? 0) + 1 });
  }

  /** The phone at `address` called in: it is reachable, so the back-off and any give-up are cleared. */
  noteCallback(address: string): void {
    const state = this.phones.get(address);
    if (state) state.unanswered = 0;
  }

  /** Forget the address, e.g. when the technician asks to try again after fixing the network. */
  reset(address: string): void {
    this.phones.delete(address);
  }

  /**
   * Drops addresses whose longest possible pause has passed and that were not given up: for
   * them only the back-off count is lost. Sweeps of many silent addresses stay bounded so.
   */
  private forgetSettled(): void {
    const now = this.now();
    for (const [address, state] of this.phones) {
      if (state.unanswered < this.maxAttempts && now - state.lastSentAt >= this.maxIntervalMs) this.phones.delete(address);
    }
  }

  /** Earliest time the next contact-me may go out; null when the phone has been given up. */
  nextAllowedAt(address: string): number | null {
    const state = this.phones.get(address);
    if (!state) return this.now();
    if (state.unanswered >= this.maxAttempts) return null;
    // The first unanswered contact-me waits the plain interval; each further one doubles it.
    const pause = this.minIntervalMs * this.backoffFactor ** Math.max(0, state.unanswered - 1);
    return state.lastSentAt + Math.min(pause, this.maxIntervalMs);
  }

  mayContact(address: string): ContactDecision {
    const at = this.nextAllowedAt(address);
    if (at === null) {
      return {
        allowed: false,
        reason: 'gave-up',
        detail:
          `no callback after ${this.maxAttempts} contact-me requests: the phone may be off, behind NAT or a firewall, ` +
          'tied to another DLS by DHCP, or ignoring requests inside its contact gap; check it, then try again',
      };
    }
    if (at > this.now()) {
      return {
        allowed: false,
        reason: 'too-soon',
        retryAt: at,
        detail: `next contact-me allowed in ${Math.ceil((at - this.now()) / 1000)} s`,
      };
    }
    return { allowed: true };
  }
}
