import { SECRET_MASK } from '../../../shared/catalogue.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { Db } from './database.js';
import { isSecretName, type SecretBox } from './secrets.js';
import type { StoredItem } from './types.js';

/** `idx` value of a single (non-indexed) item; see the schema for why not NULL. */
const NO_INDEX = -1;

export interface RevealOption {
  /** Return secret values in clear. Only for sending them to a phone or an explicit "show" action. */
  reveal?: boolean;
}

interface ItemRow {
  name: string;
  idx: number;
  value: string | null;
  sealed: Buffer | null;
  status: string | null;
  updated_at: number;
}

interface UpsertParams {
  mac: string;
  name: string;
  idx: number;
  value: string | null;
  sealed: Buffer | null;
  status: string | null;
  at: number;
}

/** The last known value of every item of every phone. Secret values are stored sealed only. */
export class InventoryRepo {
  readonly #db: Db;
  readonly #secrets: SecretBox;
  readonly #upsert;
  readonly #deleteAll;
  readonly #list;
  readonly #get;

  constructor(db: Db, secrets: SecretBox) {
    this.#db = db;
    this.#secrets = secrets;
    // Upsert also for replace(): a phone listing an item twice must not abort the whole write.
    this.#upsert = db.prepare<UpsertParams>(`
      INSERT INTO inventory (mac, name, idx, value, sealed, status, updated_at)
      VALUES (@mac, @name, @idx, @value, @sealed, @status, @at)
      ON CONFLICT (mac, name, idx) DO UPDATE SET
        value = excluded.value, sealed = excluded.sealed, status = excluded.status, updated_at = excluded.updated_at`);
    this.#deleteAll = db.prepare<[string]>('DELETE FROM inventory WHERE mac = ?');
    this.#list = db.prepare<[string], ItemRow>(
      'SELECT name, idx, value, sealed, status, updated_at FROM inventory WHERE mac = ? ORDER BY name, idx',
    );
    this.#get = db.prepare<[string, string, number], ItemRow>(
      'SELECT name, idx, value, sealed, status, updated_at FROM inventory WHERE mac = ? AND name = ? AND idx = ?',
    );
  }

  /** A complete ReadAllItems: the phone's inventory becomes exactly `items`. The phone must exist. */
  replace(mac: string, items: readonly WpiItem[], at: number): void {
    this.#db.transaction(() => {
      this.#deleteAll.run(mac);
      for (const item of items) this.#upsert.run(this.#params(mac, item, at));
    })();
  }

  /** A partial report (ReadItems, WriteItems reply, changes): only `items` are updated. The phone must exist. */
  merge(mac: string, items: readonly WpiItem[], at: number): void {
    this.#db.transaction(() => {
      for (const item of items) this.#upsert.run(this.#params(mac, item, at));
    })();
  }

  list(mac: string, options: RevealOption = {}): StoredItem[] {
    return this.#list.all(mac).map((row) => this.#toItem(row, options.reveal === true));
  }

  get(mac: string, name: string, index?: number, options: RevealOption = {}): StoredItem | undefined {
    const row = this.#get.get(mac, name, toIdx(index));
    return row && this.#toItem(row, options.reveal === true);
  }

  #params(mac: string, item: WpiItem, at: number): UpsertParams {
    // An empty secret has nothing to hide and "not set" is worth showing (same rule as redactXml).
    const secret = item.value !== '' && isSecretName(item.name);
    return {
      mac,
      name: item.name,
      idx: toIdx(item.index),
      value: secret ? null : item.value,
      sealed: secret ? this.#secrets.encrypt(item.value) : null,
      status: item.status ?? null,
      at,
    };
  }

  #toItem(row: ItemRow, reveal: boolean): StoredItem {
    const item: StoredItem = {
      name: row.name,
      value: row.sealed === null ? (row.value ?? '') : reveal ? this.#secrets.decrypt(row.sealed) : SECRET_MASK,
      status: row.status,
      updatedAt: row.updated_at,
    };
    if (row.idx !== NO_INDEX) item.index = row.idx;
    return item;
  }
}

function toIdx(index: number | undefined): number {
  if (index === undefined) return NO_INDEX;
  // A negative index would collide with NO_INDEX; phones only use 0 and up.
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`item index must be a non-negative integer, got ${index}`);
  return index;
}
