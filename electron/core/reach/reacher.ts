import { WRITING_JOB_KINDS } from '../../../shared/jobs.js';
import type { Store } from '../store/index.js';
import type { PhoneRecord } from '../store/types.js';
import { jobKind, WAKING_JOB_KINDS } from '../jobs/registry.js';
import type { ContactMeThrottle } from '../discovery/contact-me-throttle.js';
import type { ContactMeRequest, ContactMeResult } from '../discovery/contact-me.js';
import type { DownloadFacts } from '../wpi/effects.js';

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
  /** What the file server logged for a job's file URL (for the reason of an overdue firmware job). */
  jobDownloads?: (jobId: string) => DownloadFacts | undefined;
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

/** Reason of a writing job for a quarantined phone: the phone may call, but gets none until adopted. */
export const WAITING_FOR_ADOPTION =
  'waiting for adoption: the phone is quarantined, so it is not woken for this job and gets it only once adopted';
/** Reason of a job for a pre-staged MAC: nothing can wake a phone whose address is unknown. */
export const WAITING_FOR_FIRST_CONTACT =
  "waiting for the phone's first contact: it has never called in, so its address is unknown and it cannot be woken";
/** Reason of a job whose phone the contact-me limit holds back; `nextContactAt` says until when. */
export const HELD_BY_CONTACT_LIMIT =
  'held back by the contact-me limit (at most one per phone per minute, longer while the phone stays silent)';

export class Reacher {
  private running: Promise<void> | null = null;
  /** One more pass asked for while one ran: it starts when that one ends. */
  private next: Promise<void> | null = null;
  /** When each phone last acknowledged a contact-me: its contact gap runs from there. */
  private readonly acknowledgedAt = new Map<string, number>();

  constructor(private readonly deps: ReachDeps) {}

  /**
   * One pass; the core calls it on a timer and after new jobs are queued, tests on an injected
   * clock call it directly. Asked while a pass runs, it runs one more pass after that one (asks
   * in between share it) and resolves when that has ended: what changed meanwhile is seen.
   */
  tick(): Promise<void> {
    if (this.running) {
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.tick();
      });
      return this.next;
    }
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    this.settleOverdue();
    // A phone held for a changed identity is not woken: its writing jobs wait for the technician.
    const macs = this.deps.store.jobs
      .phonesWithRunnable(this.deps.now(), WAKING_JOB_KINDS)
      .filter((mac) => !this.deps.inFlow(mac) && !this.deps.store.phones.get(mac)?.identityHold);
    await this.contact(macs, false);
  }

  /** The technician's "contact now": still never more than the throttle allows. */
  async contactNow(macs: string[]): Promise<ContactOutcome[]> {
    return this.contact(macs, true);
  }

  /** A phone called in: the back-off of the address it is at is cleared. */
  noteCallback(mac: string): void {
    const ip = this.deps.store.phones.get(mac)?.ip;
    if (ip) this.deps.throttle().noteCallback(ip);
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
    if (!phone?.ip) {
      if (phone) this.markWaiting(phone, WAITING_FOR_FIRST_CONTACT, null);
      return { mac, outcome: 'unknown', detail: 'phone has not called in yet: its address is unknown' };
    }
    // Waking a quarantined phone for work it will not be given only makes it call again and
    // again (each callback clears the back-off); the technician's "contact now" still may.
    if (!manual && this.onlyWritingJobs(phone)) {
      this.markWaiting(phone, WAITING_FOR_ADOPTION, null);
      return { mac, outcome: 'quarantined', detail: 'the phone is quarantined: its jobs wait for adoption' };
    }
    const gapEnds = this.contactGapEnds(mac);
    if (gapEnds !== null) {
      const detail = `the phone ignores contact-me until ${new Date(gapEnds).toLocaleTimeString()} (its contact gap)`;
      this.markWaiting(phone, `${detail}; the job runs then or at the phone's next contact`, gapEnds);
      return { mac, outcome: 'contact-gap', detail };
    }
    const address = phone.ip;
    const decision = throttle.mayContact(address);
    if (!decision.allowed) {
      if (decision.reason === 'gave-up') {
        this.markWaiting(phone, `${decision.detail}; the job runs at the phone's next contact or poll`, null);
      } else {
        this.markWaiting(phone, HELD_BY_CONTACT_LIMIT, decision.retryAt);
      }
      return { mac, outcome: decision.reason, detail: decision.detail };
    }
    throttle.noteSent(address);
    const result = await this.deps.send({
      phoneIp: address,
      ...(phone.contactMeUri ? { uri: phone.contactMeUri } : {}),
      dlsPort: this.deps.dlsPort(),
    });
    if (result.outcome === 'acknowledged') this.acknowledgedAt.set(mac, this.deps.now());
    const at = new Date(this.deps.now()).toLocaleTimeString();
    const reason =
      result.outcome === 'acknowledged'
        ? `contact-me acknowledged at ${at}: waiting for the phone to call back`
        : `contact-me at ${at}: ${result.detail}; waiting for the phone's next contact or poll`;
    // Should the phone not call back, the next contact-me is due when the throttle allows it.
    this.markWaiting(phone, reason, throttle.nextAllowedAt(address));
    this.deps.log(
      result.outcome === 'acknowledged' ? 'info' : 'warn',
      `${mac} (${address}): contact-me ${result.outcome}${manual ? ' (manual)' : ''}`,
    );
    return { mac, outcome: result.outcome, detail: result.detail };
  }

  /** True for a quarantined phone all of whose runnable jobs write (and so are not sent to it). */
  private onlyWritingJobs(phone: PhoneRecord): boolean {
    if (phone.adoption === 'adopted') return false;
    const jobs = this.deps.store.jobs.runnableRefsFor(phone.mac, this.deps.now());
    return jobs.length > 0 && jobs.every((job) => WRITING_JOB_KINDS.includes(job.kind));
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

  /**
   * Says on each waiting job of the phone why it waits and when the next contact-me is due.
   * Writing jobs of a quarantined phone wait for adoption whatever happened. Jobs already
   * saying so are left alone: the reacher passes every few seconds.
   */
  private markWaiting(phone: PhoneRecord, reason: string, nextContactAt: number | null): void {
    const { store } = this.deps;
    const now = this.deps.now();
    const quarantined = phone.adoption !== 'adopted';
    store.transaction(() =>
      store.jobs
        .runnableFor(phone.mac, Number.MAX_SAFE_INTEGER)
        .filter((job) => job.state === 'queued' || job.state === 'waiting-for-phone')
        .filter((job) => {
          const adoption = quarantined && WRITING_JOB_KINDS.includes(job.kind);
          const wanted = adoption ? { reason: WAITING_FOR_ADOPTION, nextContactAt: null } : { reason, nextContactAt };
          if (job.state === 'waiting-for-phone' && job.reason === wanted.reason && job.nextContactAt === wanted.nextContactAt) return false;
          return store.jobs.transition(job.id, 'waiting-for-phone', { ...wanted, updatedAt: now });
        }),
    );
  }

  /** A restart whose phone never came back, a file never reported: fail with a reason. */
  private settleOverdue(): void {
    const { store } = this.deps;
    const now = this.deps.now();
    // The kind says how long its report may take; a kind without one leaves the job to the technician.
    const overdue = store.jobs.awaiting().flatMap((job) => {
      const awaits = jobKind(job.kind).wpi?.awaits;
      return awaits && now - (job.startedAt ?? job.updatedAt) > awaits.timeoutMs ? [{ job, awaits }] : [];
    });
    if (!overdue.length) return;
    store.transaction(() => {
      for (const { job, awaits } of overdue) {
        const download = this.deps.jobDownloads?.(job.id);
        const told = awaits.overdueReason?.({ id: job.id, kind: job.kind, items: job.items, ...(download ? { download } : {}) });
        store.jobs.transition(job.id, 'failed', {
          reason: told ?? `phone did not ${awaits.overdue} within ${Math.round(awaits.timeoutMs / 60_000)} minutes`,
          finishedAt: now,
          updatedAt: now,
        });
      }
    });
  }
}
