import type { ChangeTracker } from './changes.js';
import type { Db } from './database.js';
import { redactXml } from './secrets.js';
import type { ExchangeRecord } from './types.js';

export interface ExchangeRetention {
  /** Exchanges kept per phone (exchanges without a MAC count only towards `total`). */
  perPhone: number;
  total: number;
  /** Bytes of both documents of all exchanges together (UTF-8); the oldest go first. */
  maxBytes: number;
}

export interface ExchangesRepoOptions {
  retention?: Partial<ExchangeRetention>;
  /** Prune after this many appends; limits may be exceeded by this much in between. */
  pruneEvery?: number;
}

export interface ExchangeQuery {
  mac?: string;
  /** Default 200. */
  limit?: number;
  /** Only exchanges older than this id (paging backwards). */
  beforeId?: number;
}

export type NewExchange = Omit<ExchangeRecord, 'id'>;

export const DEFAULT_EXCHANGE_RETENTION: Readonly<ExchangeRetention> = { perPhone: 500, total: 100_000, maxBytes: 512 * 1024 * 1024 };
/** A prune also runs once this share of the byte budget was appended since the last one. */
const PRUNE_AT_BUDGET_SHARE = 1 / 8;

interface ExchangeRow {
  id: number;
  mac: string | null;
  peer: string;
  at: number;
  duration_ms: number;
  reason: string | null;
  action: string | null;
  request_xml: string;
  response_xml: string;
  http_status: number;
  note: string | null;
}

type InsertRow = Omit<ExchangeRow, 'id'> & { bytes: number };

const COLUMNS = 'id, mac, peer, at, duration_ms, reason, action, request_xml, response_xml, http_status, note';

/**
 * The protocol log: every request/response pair with a phone, secrets masked before they
 * reach the database. Retention is enforced in batches so an append stays a single insert.
 */
export class ExchangesRepo {
  readonly #db: Db;
  #retention: ExchangeRetention;
  readonly #pruneEvery: number;
  #sincePrune = 0;
  #bytesSincePrune = 0;
  /** Phones appended to since the last prune: only they can have grown past the limit. */
  readonly #touched = new Set<string>();
  readonly #changes: ChangeTracker;
  readonly #insert;
  readonly #get;
  readonly #list;
  readonly #prunePhone;
  readonly #pruneTotal;
  readonly #overfull;
  readonly #pruneBytes;
  readonly #deleteForPhone;

  constructor(db: Db, changes: ChangeTracker, options: ExchangesRepoOptions = {}) {
    this.#db = db;
    this.#changes = changes;
    this.#retention = checkRetention({ ...DEFAULT_EXCHANGE_RETENTION, ...options.retention });
    this.#pruneEvery = options.pruneEvery ?? 100;
    this.#insert = db.prepare<InsertRow>(`
      INSERT INTO exchanges (mac, peer, at, duration_ms, reason, action, request_xml, response_xml, http_status, note, bytes)
      VALUES (@mac, @peer, @at, @duration_ms, @reason, @action, @request_xml, @response_xml, @http_status, @note, @bytes)`);
    this.#get = db.prepare<[number], ExchangeRow>(`SELECT ${COLUMNS} FROM exchanges WHERE id = ?`);
    this.#list = db.prepare<{ mac: string | null; beforeId: number | null; limit: number }, ExchangeRow>(`
      SELECT ${COLUMNS} FROM exchanges
      WHERE (@mac IS NULL OR mac = @mac) AND (@beforeId IS NULL OR id < @beforeId)
      ORDER BY id DESC LIMIT @limit`);
    // Deletes everything older than the keep-th newest row; nothing if there are fewer rows.
    this.#prunePhone = db.prepare<{ mac: string; keep: number }>(`
      DELETE FROM exchanges WHERE mac = @mac AND id <=
        (SELECT id FROM exchanges WHERE mac = @mac ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
    this.#pruneTotal = db.prepare<{ keep: number }>(`
      DELETE FROM exchanges WHERE id <= (SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
    this.#overfull = db.prepare<{ keep: number }, { mac: string }>(`
      SELECT mac FROM exchanges WHERE mac IS NOT NULL GROUP BY mac HAVING count(*) > @keep`);
    // The newest exchanges that fit the budget stay; everything from the first that does not goes.
    this.#pruneBytes = db.prepare<{ maxBytes: number }>(`
      DELETE FROM exchanges WHERE id <= (
        SELECT id FROM (SELECT id, sum(bytes) OVER (ORDER BY id DESC) AS newer FROM exchanges)
        WHERE newer > @maxBytes ORDER BY id DESC LIMIT 1)`);
    this.#deleteForPhone = db.prepare<[string]>('DELETE FROM exchanges WHERE mac = ?');
  }

  /** Stores the exchange with secret item values masked in both documents; returns its id. */
  append(exchange: NewExchange): number {
    const requestXml = redactXml(exchange.requestXml);
    const responseXml = redactXml(exchange.responseXml);
    const bytes = Buffer.byteLength(requestXml) + Buffer.byteLength(responseXml);
    const id = Number(
      this.#insert.run({
        mac: exchange.mac,
        peer: exchange.peer,
        at: exchange.at,
        duration_ms: exchange.durationMs,
        reason: exchange.reason,
        action: exchange.action,
        request_xml: requestXml,
        response_xml: responseXml,
        http_status: exchange.httpStatus,
        note: exchange.note,
        bytes,
      }).lastInsertRowid,
    );
    this.#changes.exchange(id);
    if (exchange.mac !== null) this.#touched.add(exchange.mac);
    this.#bytesSincePrune += bytes;
    if (++this.#sincePrune >= this.#pruneEvery || this.#bytesSincePrune >= this.#retention.maxBytes * PRUNE_AT_BUDGET_SHARE) {
      this.#prune([...this.#touched]);
    }
    return id;
  }

  get(id: number): ExchangeRecord | undefined {
    const row = this.#get.get(id);
    return row && toRecord(row);
  }

  /** Newest first. */
  list(query: ExchangeQuery = {}): ExchangeRecord[] {
    return this.#list.all({ mac: query.mac ?? null, beforeId: query.beforeId ?? null, limit: query.limit ?? 200 }).map(toRecord);
  }

  /** Removes the phone's whole log (forgetting it); returns how many exchanges. */
  deleteForPhone(mac: string): number {
    return this.#deleteForPhone.run(mac).changes;
  }

  /** New limits (e.g. after a settings change), applied at once. */
  setRetention(retention: Partial<ExchangeRetention>): void {
    this.#retention = checkRetention({ ...this.#retention, ...retention });
    this.prune();
  }

  /** Full pass over all phones; returns the number of exchanges deleted. */
  prune(): number {
    return this.#prune(this.#overfull.all({ keep: this.#retention.perPhone }).map((row) => row.mac));
  }

  #prune(macs: readonly string[]): number {
    const deleted = this.#db.transaction(() => {
      let count = 0;
      for (const mac of macs) count += this.#prunePhone.run({ mac, keep: this.#retention.perPhone }).changes;
      count += this.#pruneTotal.run({ keep: this.#retention.total }).changes;
      return count + this.#pruneBytes.run({ maxBytes: this.#retention.maxBytes }).changes;
    })();
    this.#touched.clear();
    this.#sincePrune = 0;
    this.#bytesSincePrune = 0;
    return deleted;
  }
}

function checkRetention(retention: ExchangeRetention): ExchangeRetention {
  for (const [key, value] of Object.entries(retention)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`exchange retention ${key} must be a positive integer`);
  }
  return retention;
}

function toRecord(row: ExchangeRow): ExchangeRecord {
  return {
    id: row.id,
    mac: row.mac,
    peer: row.peer,
    at: row.at,
    durationMs: row.duration_ms,
    reason: row.reason,
    action: row.action,
    requestXml: row.request_xml,
    responseXml: row.response_xml,
    httpStatus: row.http_status,
    note: row.note,
  };
}
