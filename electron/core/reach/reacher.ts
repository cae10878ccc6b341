import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/types.js';
import type { ContactMeThrottle } from '../discovery/contact-me-throttle.js';
import type { ContactMeRequest, ContactMeResult } from '../discovery/contact-me.js';

/** How long a sent Restart / firmware / file job may wait for the phone to report back. */
export const AWAIT_TIMEOUTS_MS = {
  'start-up': 10 * 60_000,
  'software-start-up': 30 * 60_000,
  status: 15 * 60_000,
} as const;
/** Contact-me requests in flight at once; phones' web servers are fragile (wpi-protocol.md §4.3). */
export const CONTACT_ME_CONCURRENCY = 8;

export interface ReachDeps {
  store: Store;
  /** Current throttle (replaced when the technician changes the contact-me settings). */
  throttle: () => ContactMeThrottle;
  send: (request: ContactMeRequest) => Promise<ContactMeResult>;
  now: () => number;
  dlsPort: () => number;
  /** True while the phone has an open interaction: it needs no wake-up. */
  inFlow: (mac: string) => boolean;
  jobChanged: (id: string) => void;
  log: (level: 'info' | 'warn', message: string) => void;
}

export interface ContactOutcome {
  mac: string;
  outcome: string;
  detail: string;
}

/**
 * Makes pending work reach phones: wakes them with contact-me (at most one per phone per
 * throttle interval, with back-off when they don't call back), and settles sent jobs whose
 * report never came. Phones behind NAT get their work when they poll instead.
 */
/** The phone's "contact gap" item: contact-me within this many seconds after the last one is ignored. */
export const CONTACT_GAP_ITEM = 'dls-contact-interval';

export class Reacher {
  private running = false;
  /** When each phone last acknowledged a contact-me: its contact gap runs from there. */
  private readonly acknowledgedAt = new Map<string, number>();

  constructor(private readonly deps: ReachDeps) {}

  /** One pass; the core calls it on a timer and after new jobs are queued. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.settleOverdue();
      const macs = this.deps.store.jobs.phonesWithRunnable(this.deps.now()).filter((mac) => !this.deps.inFlow(mac));
      await this.contact(macs, false);
    } finally {
      this.running = false;
    }
  }

  /** The technician's "contact now": still never more than the throttle allows. */
  async contactNow(macs: string[]): Promise<ContactOutcome[]> {
    return this.contact(macs, true);
  }

  /** A phone called in: its back-off is cleared. */
  noteCallback(mac: string): void {
    this.deps.throttle().noteCallback(mac);
  }

  /** A phone (re)started: its contact gap starts afresh. */
  noteStartUp(mac: string): void {
    this.acknowledgedAt.delete(mac);
  }

  private async contact(macs: string[], manual: boolean): Promise<ContactOutcome[]> {
    const outcomes: ContactOutcome[] = [];
    const queue = [...macs];
    const worker = async (): Promise<void> => {
      for (let mac = queue.shift(); mac; mac = queue.shift()) outcomes.push(await this.contactOne(mac, manual));
    };
    await Promise.all(Array.from({ length: Math.min(CONTACT_ME_CONCURRENCY, queue.length) }, worker));
    return outcomes;
  }

  private async contactOne(mac: string, manual: boolean): Promise<ContactOutcome> {
    const { store } = this.deps;
    const throttle = this.deps.throttle();
    const phone = store.phones.get(mac);
    if (!phone?.ip) return { mac, outcome: 'unknown', detail: 'phone has not called in yet: its address is unknown' };
    const gapEnds = this.contactGapEnds(mac);
    if (gapEnds !== null) {
      const detail = `the phone ignores contact-me until ${new Date(gapEnds).toLocaleTimeString()} (its contact gap)`;
      this.markWaiting(mac, `${detail}; the job runs then or at the phone's next contact`);
      return { mac, outcome: 'contact-gap', detail };
    }
    const decision = throttle.mayContact(mac);
    if (!decision.allowed) {
      if (decision.reason === 'gave-up') this.markWaiting(mac, `${decision.detail}; the job runs at the phone's next contact or poll`);
      return { mac, outcome: decision.reason, detail: decision.detail };
    }
    throttle.noteSent(mac);
    const result = await this.deps.send({
      phoneIp: phone.ip,
      ...(phone.contactMeUri ? { uri: phone.contactMeUri } : {}),
      dlsPort: this.deps.dlsPort(),
    });
    if (result.outcome === 'acknowledged') this.acknowledgedAt.set(mac, this.deps.now());
    const at = new Date(this.deps.now()).toLocaleTimeString();
    const reason =
      result.outcome === 'acknowledged'
        ? `contact-me acknowledged at ${at}: waiting for the phone to call back`
        : `contact-me at ${at}: ${result.detail}; waiting for the phone's next contact or poll`;
    this.markWaiting(mac, reason);
    this.deps.log(
      result.outcome === 'acknowledged' ? 'info' : 'warn',
      `${mac} (${phone.ip}): contact-me ${result.outcome}${manual ? ' (manual)' : ''}`,
    );
    return { mac, outcome: result.outcome, detail: result.detail };
  }

  /**
   * End of the phone's contact gap when it is known (reported or written `dls-contact-interval`)
   * and still running; null when a contact-me would be heeded. Unknown gaps are not guessed: a
   * missed callback only delays the job until the phone's next contact.
   */
  private contactGapEnds(mac: string): number | null {
    const last = this.acknowledgedAt.get(mac);
    if (last === undefined) return null;
    const seconds = Number(this.deps.store.inventory.get(mac, CONTACT_GAP_ITEM)?.value);
    if (!Number.isFinite(seconds) || seconds <= 0) return null;
    const ends = last + seconds * 1000;
    return ends > this.deps.now() ? ends : null;
  }

  private markWaiting(mac: string, reason: string): void {
    const { store } = this.deps;
    const now = this.deps.now();
    const changed = store.transaction(() =>
      store.jobs
        .runnableFor(mac, Number.MAX_SAFE_INTEGER)
        .filter((job) => job.state === 'queued' || job.state === 'waiting-for-phone')
        .filter((job) => store.jobs.transition(job.id, 'waiting-for-phone', { reason, updatedAt: now }))
        .map((job) => job.id),
    );
    for (const id of changed) this.deps.jobChanged(id);
  }

  /** A restart whose phone never came back, a file never reported: fail with a reason. */
  private settleOverdue(): void {
    const { store } = this.deps;
    const now = this.deps.now();
    const overdue = store.jobs.awaiting().filter((job) => now - (job.startedAt ?? job.updatedAt) > timeoutFor(job));
    if (!overdue.length) return;
    store.transaction(() => {
      for (const job of overdue) {
        const what = job.awaiting === 'status' ? 'report the file download' : 'come back after the restart';
        store.jobs.transition(job.id, 'failed', {
          reason: `phone did not ${what} within ${Math.round(timeoutFor(job) / 60_000)} minutes`,
          finishedAt: now,
          updatedAt: now,
        });
      }
    });
    for (const job of overdue) this.deps.jobChanged(job.id);
  }
}

function timeoutFor(job: JobRecord): number {
  if (job.awaiting === 'status') return AWAIT_TIMEOUTS_MS.status;
  return job.kind === 'software-deployment' ? AWAIT_TIMEOUTS_MS['software-start-up'] : AWAIT_TIMEOUTS_MS['start-up'];
}
