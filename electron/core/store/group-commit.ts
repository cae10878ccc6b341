import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Group {
  waiters: Waiter[];
}

/** The group's transaction is gone (SQLite rolled it back after an error in a later unit). */
export class GroupRolledBackError extends Error {
  constructor(cause: unknown) {
    super(`the group transaction was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'GroupRolledBackError';
  }
}

/**
 * Group commit: units of work that arrive in the same event-loop turn share one transaction and
 * one fsync. The first unit opens `BEGIN IMMEDIATE`; each unit runs at once, synchronously, in
 * its own SAVEPOINT (a unit that throws is rolled back alone and its promise rejects); the
 * COMMIT runs when `schedule` calls back (the Store uses setImmediate: after the I/O of the
 * turn) or when `flush()` is called earlier. Every unit's promise resolves only after the
 * COMMIT that contains it returned, so whoever acknowledges on it acknowledges durable data.
 * If the COMMIT fails, the whole group is rolled back and every unit of it rejects.
 *
 * While a group is open, everything on the connection runs inside its transaction: a reader
 * sees the pending writes of earlier units (which is right for the units themselves), and a
 * write outside a unit would be committed with the group. Callers that must not join it call
 * `flush()` first (the Store does so for every `transaction()` outside a unit).
 */
export class GroupCommit {
  readonly #db: Db;
  readonly #schedule: () => void;
  readonly #changes: ChangeTracker;
  readonly #begin;
  readonly #commit;
  readonly #rollback;
  readonly #savepoint;
  #group: Group | null = null;
  #depth = 0;

  /**
   * `schedule` must arrange one later call of `flush()` (not synchronously). `changes` hears of
   * the group's COMMIT or rollback: what its units changed is announced after the COMMIT only.
   */
  constructor(db: Db, schedule: () => void, changes: ChangeTracker) {
    this.#db = db;
    this.#schedule = schedule;
    this.#changes = changes;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    // Inside the group's transaction better-sqlite3 makes this a SAVEPOINT … RELEASE / ROLLBACK TO.
    this.#savepoint = db.transaction((fn: () => unknown) => fn());
  }

  /** A unit is running right now (its nested transactions become savepoints of the group). */
  get inUnit(): boolean {
    return this.#depth > 0;
  }

  /** A group transaction is open and waits for its COMMIT. */
  get open(): boolean {
    return this.#group !== null;
  }

  /**
   * Runs `fn` now, inside the open group (opened if needed), as one savepoint. Resolves with its
   * value after the group committed; rejects if `fn` throws (its writes are undone, the group
   * goes on) or if the group could not be committed (all of it is undone). Never throws.
   */
  run<T>(fn: () => T): Promise<T> {
    let group: Group;
    try {
      group = this.#group ?? this.#open();
    } catch (error) {
      return Promise.reject(error);
    }
    let value: T;
    this.#depth++;
    try {
      value = this.#changes.frame(() => this.#savepoint(fn) as T);
    } catch (error) {
      this.#depth--;
      this.#checkAlive(group, error);
      return Promise.reject(error);
    }
    this.#depth--;
    if (!this.#checkAlive(group, null)) {
      return Promise.reject(new GroupRolledBackError('the transaction ended inside a unit'));
    }
    return new Promise<T>((resolve, reject) => group.waiters.push({ resolve: () => resolve(value), reject }));
  }

  /**
   * Commits the open group now; its units' promises settle (as microtasks, after this returns).
   * No-op without an open group. A failed COMMIT rejects the units instead of throwing.
   */
  flush(): void {
    const group = this.#group;
    if (!group) return;
    if (this.#depth > 0) throw new Error('the group cannot be committed from inside one of its units');
    this.#group = null;
    try {
      this.#commit.run();
    } catch (error) {
      this.#abandon(group, error);
      return;
    }
    this.#changes.commitGroup();
    for (const waiter of group.waiters) waiter.resolve();
  }

  #open(): Group {
    if (this.#db.inTransaction) throw new Error('a grouped write cannot start inside another transaction');
    this.#begin.run();
    const group: Group = { waiters: [] };
    this.#group = group;
    this.#changes.openGroup();
    this.#schedule();
    return group;
  }

  /**
   * After a unit: SQLite rolls the whole transaction back on some errors (disk full, I/O error).
   * Then the group's earlier units are lost too; they are rejected and the group is closed.
   */
  #checkAlive(group: Group, cause: unknown): boolean {
    if (this.#db.inTransaction) return true;
    if (this.#group === group) this.#group = null;
    this.#changes.dropGroup();
    const error = new GroupRolledBackError(cause ?? 'the transaction ended inside a unit');
    for (const waiter of group.waiters) waiter.reject(error);
    group.waiters = [];
    return false;
  }

  #abandon(group: Group, error: unknown): void {
    this.#changes.dropGroup();
    if (this.#db.inTransaction) {
      try {
        this.#rollback.run();
      } catch {
        // Nothing more to undo here; the next BEGIN reports a connection that stays broken.
      }
    }
    for (const waiter of group.waiters) waiter.reject(error);
  }
}
