/** What one committed transaction changed, by id; the app turns it into UI events. */
export interface StoreChanges {
  phones: ReadonlySet<string>;
  jobs: ReadonlySet<string>;
  /** Ids of exchanges appended, in order. */
  exchanges: readonly number[];
}

export type ChangeListener = (changes: StoreChanges) => void;

class ChangeSet implements StoreChanges {
  readonly phones = new Set<string>();
  readonly jobs = new Set<string>();
  readonly exchanges: number[] = [];

  get empty(): boolean {
    return this.phones.size === 0 && this.jobs.size === 0 && this.exchanges.length === 0;
  }

  absorb(other: ChangeSet): void {
    for (const mac of other.phones) this.phones.add(mac);
    for (const id of other.jobs) this.jobs.add(id);
    this.exchanges.push(...other.exchanges);
  }
}

/**
 * Collects what the repos change, per transaction, and announces it only once that transaction
 * committed. Frames follow the nesting of transactions and savepoints: a frame that ends in a
 * rollback is forgotten, one that succeeds is merged into its parent, and the outermost one is
 * announced after its COMMIT, or, inside a group commit, kept until the group's COMMIT.
 * A write outside any transaction (autocommit) is announced after the current synchronous code,
 * when the statement has long been committed.
 */
export class ChangeTracker {
  readonly #listeners = new Set<ChangeListener>();
  readonly #onListenerError: (error: unknown) => void;
  readonly #frames: ChangeSet[] = [];
  #group: ChangeSet | null = null;
  #loose: ChangeSet | null = null;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  phone(mac: string): void {
    this.#current().phones.add(mac);
  }

  job(id: string): void {
    this.#current().jobs.add(id);
  }

  exchange(id: number): void {
    this.#current().exchanges.push(id);
  }

  /**
   * Runs `fn` (which runs one transaction or savepoint and returns after its end) as a frame.
   * Outermost frames outside a group are announced when `fn` returned, i.e. after the COMMIT.
   */
  frame<T>(fn: () => T): T {
    const frame = new ChangeSet();
    this.#frames.push(frame);
    let result: T;
    try {
      result = fn();
    } finally {
      this.#frames.pop();
    }
    const parent = this.#frames.at(-1) ?? this.#group;
    if (parent) parent.absorb(frame);
    else this.#announce(frame);
    return result;
  }

  /** A group transaction began: outermost frames wait for its COMMIT. */
  openGroup(): void {
    this.#group = new ChangeSet();
  }

  /** The group committed: announce all of its units together. */
  commitGroup(): void {
    const group = this.#group;
    this.#group = null;
    if (group) this.#announce(group);
  }

  /** The group was rolled back: nothing of it happened. */
  dropGroup(): void {
    this.#group = null;
  }

  #current(): ChangeSet {
    const open = this.#frames.at(-1) ?? this.#group;
    if (open) return open;
    if (!this.#loose) {
      const loose = new ChangeSet();
      this.#loose = loose;
      queueMicrotask(() => {
        this.#loose = null;
        this.#announce(loose);
      });
    }
    return this.#loose;
  }

  #announce(changes: ChangeSet): void {
    if (changes.empty) return;
    for (const listener of this.#listeners) {
      try {
        listener(changes);
      } catch (error) {
        // The data is committed whatever a listener does; its failure is reported, not thrown at the writer.
        this.#onListenerError(error);
      }
    }
  }
}
