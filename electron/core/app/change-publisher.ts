import type { Store, StoreChanges } from '../store/index.js';
import type { EventBus } from './event-bus.js';
import { exchangeSummary, jobView, phoneSummary } from './views.js';

/**
 * Turns the store's committed changes into UI events, coalesced per event-loop turn: a burst of
 * hundreds of phones must not turn every stored item into an event. The store announces each
 * change once, after its COMMIT; this reads the committed rows when it publishes.
 */
export class ChangePublisher {
  readonly #phones = new Set<string>();
  readonly #jobs = new Set<string>();
  readonly #exchanges = new Set<number>();
  #scheduled = false;

  constructor(
    private readonly bus: EventBus,
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Subscribes to the store; returns the unsubscribe function. */
  attach(): () => void {
    return this.store.onChanges((changes) => this.add(changes));
  }

  add(changes: StoreChanges): void {
    for (const mac of changes.phones) this.#phones.add(mac);
    for (const id of changes.jobs) this.#jobs.add(id);
    for (const id of changes.exchanges) this.#exchanges.add(id);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      if (this.#scheduled) this.flush();
    });
  }

  flush(): void {
    this.#scheduled = false;
    // A group of phone requests still pending commits first (its changes join the sets below).
    this.store.flush();
    const jobs = [...this.#jobs];
    const phones = this.#phones;
    const exchanges = [...this.#exchanges];
    this.#jobs.clear();
    this.#exchanges.clear();
    // Nobody watching (no window, no browser): nothing to compute.
    if (!this.bus.hasListeners()) {
      phones.clear();
      return;
    }
    const macs = new Set(phones);
    phones.clear();
    for (const id of jobs) {
      const job = this.store.jobs.get(id);
      if (!job) continue;
      this.bus.publish({ type: 'job.updated', job: jobView(job) });
      // The phones table shows each phone's job state.
      macs.add(job.mac);
    }
    for (const mac of macs) {
      const phone = this.store.phones.get(mac);
      if (phone) {
        this.bus.publish({ type: 'phone.updated', phone: phoneSummary(this.store, phone, this.now()) });
      }
    }
    for (const id of exchanges) {
      const exchange = this.store.exchanges.get(id);
      if (exchange) this.bus.publish({ type: 'exchange.logged', exchange: exchangeSummary(exchange) });
    }
  }
}
