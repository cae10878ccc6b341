import { SECRET_MASK } from '../../../shared/catalogue.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { Statement } from 'better-sqlite3';
import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';
import { isLoggedAsSecret, type SecretBox } from './secrets.js';
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

/** One item as bound to the statements, positionally: mac, name, idx, value, sealed, status, updated_at. */
type RowParams = [string, string, number, string | null, Buffer | null, string | null, number];

/**
 * Rows per INSERT statement. Binding 64 rows at once costs far less than 64 single-row steps
 * (a ReadAllItems reports ~330 items); the batch sizes are powers of two up to this, so at
 * most seven statements are ever prepared.
 */
const MAX_ROWS_PER_INSERT = 64;

/** The last known value of every item of every phone. Secret values are stored sealed only. */
export class InventoryRepo {
  readonly #db: Db;
  readonly #secrets: SecretBox;
  readonly #changes: ChangeTracker;
  readonly #upserts = new Map<number, Statement<unknown[]>>();
  readonly #count;
  readonly #list;
  readonly #get;
  readonly #replace;
  readonly #merge;
  readonly #current;
  readonly #deleteOne;
  readonly #displayNames;

  constructor(db: Db, secrets: SecretBox, changes: ChangeTracker) {
    this.#db = db;
    this.#secrets = secrets;
    this.#changes = changes;
    this.#count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM inventory WHERE mac = ?');
    this.#list = db.prepare<[string], ItemRow>(
      'SELECT name, idx, value, sealed, status, updated_at FROM inventory WHERE mac = ? ORDER BY name, idx',
    );
    this.#get = db.prepare<[string, string, number], ItemRow>(
      'SELECT name, idx, value, sealed, status, updated_at FROM inventory WHERE mac = ? AND name = ? AND idx = ?',
    );
    this.#current = db.prepare<[string], Omit<ItemRow, 'updated_at'>>(
      'SELECT name, idx, value, sealed, status FROM inventory WHERE mac = ?',
    );
    // The WHERE repeats the partial index's terms word for word, so the planner can use it.
    this.#displayNames = db.prepare<{ from: string; to: string }, { mac: string; name: string; value: string | null }>(`
      SELECT mac, name, value FROM inventory INDEXED BY inventory_display_names
      WHERE name IN ('display-id-unicode', 'display-id') AND idx = -1 AND mac BETWEEN @from AND @to`);
    this.#deleteOne = db.prepare<[string, string, number]>('DELETE FROM inventory WHERE mac = ? AND name = ? AND idx = ?');
    this.#replace = db.transaction((mac: string, rows: RowParams[]) => this.#writeChanges(mac, rows));
    this.#merge = db.transaction((rows: RowParams[]) => this.#upsertRows(rows));
  }

  /**
   * Seals credentials stored in clear by versions that sealed catalogue secrets only; returns
   * how many. The LIKE filter keeps the scan cheap; the name rule itself decides.
   */
  sealCredentialsInClear(): number {
    const rows = this.#db
      .prepare<[], { mac: string; name: string; idx: number; value: string }>(
        `SELECT mac, name, idx, value FROM inventory WHERE sealed IS NULL AND value <> ''
           AND (name LIKE '%pwd%' OR name LIKE '%pass%' OR name LIKE '%pin%' OR name LIKE '%secret%')`,
      )
      .all()
      .filter((row) => isLoggedAsSecret(row.name));
    if (!rows.length) return 0;
    const seal = this.#db.prepare<[Buffer, string, string, number]>(
      'UPDATE inventory SET value = NULL, sealed = ? WHERE mac = ? AND name = ? AND idx = ?',
    );
    this.#db.transaction(() => {
      for (const row of rows) seal.run(this.#secrets.encrypt(row.value), row.mac, row.name, row.idx);
    })();
    return rows.length;
  }

  /**
   * A complete ReadAllItems: the phone's inventory becomes exactly `items`. The phone must exist.
   * Only what changed is written (a phone calling again reports the same few hundred values), so
   * an item's `updatedAt` is when its value or status last changed.
   */
  replace(mac: string, items: readonly WpiItem[], at: number): void {
    this.#replace(mac, this.#rows(mac, items, at));
    this.#changes.phone(mac);
  }

  /** A partial report (ReadItems, WriteItems reply, changes): only `items` are updated. The phone must exist. */
  merge(mac: string, items: readonly WpiItem[], at: number): void {
    this.#merge(this.#rows(mac, items, at));
    if (items.length) this.#changes.phone(mac);
  }

  /** How many items the phone has stored. */
  count(mac: string): number {
    return this.#count.get(mac)?.n ?? 0;
  }

  /** Display names of the phones in the MAC range (`display-id-unicode`, else `display-id`; empty ones left out). */
  displayNames(from: string, to: string): Map<string, string> {
    const names = new Map<string, string>();
    for (const row of this.#displayNames.all({ from, to })) {
      if (!row.value || (row.name === 'display-id' && names.has(row.mac))) continue;
      names.set(row.mac, row.value);
    }
    return names;
  }

  list(mac: string, options: RevealOption = {}): StoredItem[] {
    return this.#list.all(mac).map((row) => this.#toItem(row, options.reveal === true));
  }

  get(mac: string, name: string, index?: number, options: RevealOption = {}): StoredItem | undefined {
    const row = this.#get.get(mac, name, toIdx(index));
    return row && this.#toItem(row, options.reveal === true);
  }

  /** The items as rows, in the order reported. All checks and sealing happen here, before anything is written. */
  #rows(mac: string, items: readonly WpiItem[], at: number): RowParams[] {
    return items.map((item): RowParams => {
      // An empty secret has nothing to hide and "not set" is worth showing (same rule as redactXml).
      // Credentials the catalogue does not know are sealed too: whatever the logs mask.
      const secret = item.value !== '' && isLoggedAsSecret(item.name);
      return [
        mac,
        item.name,
        toIdx(item.index),
        secret ? null : item.value,
        secret ? this.#secrets.encrypt(item.value) : null,
        item.status ?? null,
        at,
      ];
    });
  }

  /** Deletes the items no longer reported and upserts the new and changed ones; secrets are always rewritten. */
  #writeChanges(mac: string, rows: readonly RowParams[]): void {
    const stored = this.#current.all(mac);
    if (stored.length === 0) {
      this.#upsertRows(rows);
      return;
    }
    // The later of two equal items wins, as in #upsertRows.
    const reported = new Map<string, RowParams>();
    for (const row of rows) reported.set(rowKey(row[1], row[2]), row);
    const unchanged = new Set<string>();
    for (const old of stored) {
      const key = rowKey(old.name, old.idx);
      const row = reported.get(key);
      if (!row) this.#deleteOne.run(mac, old.name, old.idx);
      else if (old.sealed === null && row[4] === null && old.value === row[3] && old.status === row[5]) unchanged.add(key);
    }
    this.#upsertRows(unchanged.size ? [...reported].filter(([key]) => !unchanged.has(key)).map(([, row]) => row) : [...reported.values()]);
  }

  /**
   * Upserts, also for replace(): a phone listing an item twice must not abort the whole write.
   * Rows are applied in order, within one statement too, so the later of two equal items wins.
   */
  #upsertRows(rows: readonly RowParams[]): void {
    for (let at = 0; at < rows.length;) {
      let count = MAX_ROWS_PER_INSERT;
      while (count > rows.length - at) count >>= 1;
      const params: unknown[] = [];
      for (let i = at; i < at + count; i++) params.push(...(rows[i] as RowParams));
      this.#upsertStatement(count).run(params);
      at += count;
    }
  }

  #upsertStatement(rows: number): Statement<unknown[]> {
    let statement = this.#upserts.get(rows);
    if (!statement) {
      statement = this.#db.prepare<unknown[]>(`
        INSERT INTO inventory (mac, name, idx, value, sealed, status, updated_at)
        VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
        ON CONFLICT (mac, name, idx) DO UPDATE SET
          value = excluded.value, sealed = excluded.sealed, status = excluded.status, updated_at = excluded.updated_at`);
      this.#upserts.set(rows, statement);
    }
    return statement;
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

function rowKey(name: string, idx: number): string {
  return `${idx}\u0000${name}`;
}

function toIdx(index: number | undefined): number {
  if (index === undefined) return NO_INDEX;
  // A negative index would collide with NO_INDEX; phones only use 0 and up.
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`item index must be a non-negative integer, got ${index}`);
  return index;
}
