import { integrityCheck, openDatabase, type Db, type IntegrityReport } from './database.js';
import { CertificatesRepo } from './certificates-repo.js';
import { ChangeTracker, type ChangeListener } from './changes.js';
import { ExchangesRepo, type ExchangesRepoOptions } from './exchanges-repo.js';
import { FilesRepo } from './files-repo.js';
import { RolloutRepo } from './rollout-repo.js';
import { GroupCommit } from './group-commit.js';
import { InventoryRepo } from './inventory-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { PhonesRepo } from './phones-repo.js';
import type { SecretBox } from './secrets.js';
import { TracesRepo } from './traces-repo.js';
import { WbmPinsRepo } from './wbm-pins-repo.js';

export type { ChangeListener, StoreChanges } from './changes.js';
export { openDatabase, integrityCheck, SCHEMA_VERSION, type Db, type IntegrityReport } from './database.js';
export { PhonesRepo, type PhoneContact } from './phones-repo.js';
export { InventoryRepo, type RevealOption } from './inventory-repo.js';
export { JobsRepo, type JobPatch, type JobRef, type JobTransitionPatch, type JobListQuery } from './jobs-repo.js';
export {
  ExchangesRepo,
  DEFAULT_EXCHANGE_RETENTION,
  type ExchangeRetention,
  type ExchangesRepoOptions,
  type ExchangeQuery,
  type NewExchange,
} from './exchanges-repo.js';
export { CertificatesRepo, type CertificateRecord, type NewCertificate } from './certificates-repo.js';
export {
  FilesRepo,
  FILE_DOWNLOAD_LOG_LIMIT,
  type FileRecord,
  type FileDetails,
  type FileUse,
  type DownloadRecord,
  type JobDownloads,
} from './files-repo.js';
export { createKeyFileSecretBox, isLoggedAsSecret, isSecretName, redactItems, redactXml, type SecretBox } from './secrets.js';
export { TracesRepo, type TraceRecord } from './traces-repo.js';
export { WbmPinsRepo } from './wbm-pins-repo.js';
export { RolloutRepo, type RolloutRowRecord } from './rollout-repo.js';
export type * from './types.js';

export interface StoreOptions {
  secrets: SecretBox;
  exchanges?: ExchangesRepoOptions;
  /** Where a failing change listener is reported (default: console.error). */
  onListenerError?: (error: unknown) => void;
}

/** All persistence over one SQLite connection, which it owns. */
export class Store {
  readonly phones: PhonesRepo;
  readonly inventory: InventoryRepo;
  readonly jobs: JobsRepo;
  readonly exchanges: ExchangesRepo;
  readonly certificates: CertificatesRepo;
  readonly files: FilesRepo;
  readonly traces: TracesRepo;
  readonly wbmPins: WbmPinsRepo;
  readonly rollout: RolloutRepo;
  readonly #db: Db;
  readonly #group: GroupCommit;
  readonly #changes: ChangeTracker;

  static open(file: string, options: StoreOptions): Store {
    return new Store(openDatabase(file), options);
  }

  /** `db` must come from openDatabase (migrated, pragmas set). */
  constructor(db: Db, options: StoreOptions) {
    this.#db = db;
    this.#changes = new ChangeTracker(
      options.onListenerError ?? ((error: unknown) => console.error('[fieldstage] a change listener failed:', error)),
    );
    this.phones = new PhonesRepo(db, this.#changes);
    this.inventory = new InventoryRepo(db, options.secrets, this.#changes);
    this.inventory.sealCredentialsInClear();
    this.jobs = new JobsRepo(db, options.secrets, this.#changes);
    this.exchanges = new ExchangesRepo(db, this.#changes, options.exchanges);
    this.certificates = new CertificatesRepo(db, options.secrets);
    this.files = new FilesRepo(db);
    this.traces = new TracesRepo(db, this.#changes);
    this.wbmPins = new WbmPinsRepo(db);
    this.rollout = new RolloutRepo(db, options.secrets);
    // The COMMIT waits for the rest of the event-loop turn: requests read in the same turn join.
    this.#group = new GroupCommit(db, () => setImmediate(() => this.flush()), this.#changes);
  }

  /**
   * Calls `listener` with the phones, jobs and exchanges each transaction changed, once, after
   * its COMMIT returned (a group commit: after the group's COMMIT); never for rolled-back work.
   */
  onChanges(listener: ChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  /**
   * Group commit (see GroupCommit): runs `fn` now, synchronously, as one unit of the transaction
   * shared by all units of this event-loop turn, and resolves with its value once the COMMIT
   * that contains it has returned (synchronous=FULL: durable). If `fn` throws, only its own
   * writes are undone and the promise rejects; if the COMMIT fails, every unit of the group is
   * undone and rejects. For work whose acknowledgement may wait (phone requests); `fn` must be
   * synchronous, like `transaction()`'s.
   */
  write<T>(fn: () => T): Promise<T> {
    return this.#group.run(() => {
      const result = fn();
      if (isThenable(result)) throw new TypeError('Store.write needs a synchronous function');
      return result;
    });
  }

  /** Commits the open group now (no-op without one). Before reading for someone who must see committed data only. */
  flush(): void {
    this.#group.flush();
  }

  /** Whether a group of `write()` units is waiting for its COMMIT. */
  get groupOpen(): boolean {
    return this.#group.open;
  }

  /**
   * Runs `fn` in one transaction: all its writes commit together or, if it throws, none do.
   * Nested calls (also the repos' own, and calls inside a `write()` unit) become savepoints.
   * Outside a unit, an open group is committed first, so this transaction is committed on its
   * own when it returns, as before. `fn` must be synchronous: SQLite would commit at the first
   * `await`, so a returned promise is refused and rolled back.
   */
  transaction<T>(fn: () => T): T {
    if (!this.#group.inUnit) this.flush();
    return this.#changes.frame(() =>
      this.#db.transaction(() => {
        const result = fn();
        if (isThenable(result)) throw new TypeError('Store.transaction needs a synchronous function');
        return result;
      })(),
    );
  }

  integrityCheck(): IntegrityReport {
    return integrityCheck(this.#db);
  }

  /** Idempotent. Commits an open group first. */
  close(): void {
    if (!this.#db.open) return;
    this.flush();
    this.#db.close();
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
