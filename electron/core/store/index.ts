import { integrityCheck, openDatabase, type Db, type IntegrityReport } from './database.js';
import { ExchangesRepo, type ExchangesRepoOptions } from './exchanges-repo.js';
import { InventoryRepo } from './inventory-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { PhonesRepo } from './phones-repo.js';
import type { SecretBox } from './secrets.js';

export { openDatabase, integrityCheck, SCHEMA_VERSION, type Db, type IntegrityReport } from './database.js';
export { PhonesRepo, type PhoneContact } from './phones-repo.js';
export { InventoryRepo, type RevealOption } from './inventory-repo.js';
export { JobsRepo, type JobPatch, type JobTransitionPatch, type JobListQuery } from './jobs-repo.js';
export {
  ExchangesRepo,
  DEFAULT_EXCHANGE_RETENTION,
  type ExchangeRetention,
  type ExchangesRepoOptions,
  type ExchangeQuery,
  type NewExchange,
} from './exchanges-repo.js';
export { createKeyFileSecretBox, isSecretName, redactItems, redactXml, type SecretBox } from './secrets.js';
export type * from './types.js';

export interface StoreOptions {
  secrets: SecretBox;
  exchanges?: ExchangesRepoOptions;
}

/** All persistence over one SQLite connection, which it owns. */
export class Store {
  readonly phones: PhonesRepo;
  readonly inventory: InventoryRepo;
  readonly jobs: JobsRepo;
  readonly exchanges: ExchangesRepo;
  readonly #db: Db;

  static open(file: string, options: StoreOptions): Store {
    return new Store(openDatabase(file), options);
  }

  /** `db` must come from openDatabase (migrated, pragmas set). */
  constructor(db: Db, options: StoreOptions) {
    this.#db = db;
    this.phones = new PhonesRepo(db);
    this.inventory = new InventoryRepo(db, options.secrets);
    this.jobs = new JobsRepo(db, options.secrets);
    this.exchanges = new ExchangesRepo(db, options.exchanges);
  }

  /**
   * Runs `fn` in one transaction: all its writes commit together or, if it throws, none do.
   * Nested calls (also the repos' own) become savepoints. `fn` must be synchronous: SQLite
   * would commit at the first `await`, so a returned promise is refused and rolled back.
   */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(() => {
      const result = fn();
      if (isThenable(result)) throw new TypeError('Store.transaction needs a synchronous function');
      return result;
    })();
  }

  integrityCheck(): IntegrityReport {
    return integrityCheck(this.#db);
  }

  /** Idempotent. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
