import type { CertificateOrigin, CertificateSourceFormat } from '../../../shared/certificates.js';
import type { Db } from './database.js';
import type { SecretBox } from './secrets.js';

/** One stored certificate (leaf first, then its chain) with its private key, if any, sealed. */
export interface CertificateRecord {
  id: string;
  name: string;
  origin: CertificateOrigin;
  format: CertificateSourceFormat;
  /** SHA-256 of the leaf; unique in the store. */
  fingerprint: string;
  /** PEM blocks, leaf first. */
  certsPem: string;
  hasKey: boolean;
  mac: string | null;
  revokedAt: number | null;
  createdAt: number;
}

export interface NewCertificate extends Omit<CertificateRecord, 'hasKey' | 'revokedAt'> {
  /** PKCS#8 PEM; sealed before it is written. */
  keyPem: string | null;
}

interface CertificateRow {
  id: string;
  name: string;
  origin: CertificateOrigin;
  format: CertificateSourceFormat;
  fingerprint: string;
  certs_pem: string;
  has_key: number;
  mac: string | null;
  revoked_at: number | null;
  created_at: number;
}

const COLUMNS = 'id, name, origin, format, fingerprint, certs_pem, key_sealed IS NOT NULL AS has_key, mac, revoked_at, created_at';

export class CertificatesRepo {
  readonly #db: Db;
  readonly #secrets: SecretBox;

  constructor(db: Db, secrets: SecretBox) {
    this.#db = db;
    this.#secrets = secrets;
  }

  insert(c: NewCertificate): CertificateRecord {
    this.#db
      .prepare(
        `INSERT INTO certificates (id, name, origin, format, fingerprint, certs_pem, key_sealed, mac, created_at)
         VALUES (@id, @name, @origin, @format, @fingerprint, @certsPem, @keySealed, @mac, @createdAt)`,
      )
      .run({ ...c, keySealed: c.keyPem === null ? null : this.#secrets.encrypt(c.keyPem) });
    const stored = this.get(c.id);
    if (!stored) throw new Error('certificate vanished after insert');
    return stored;
  }

  get(id: string): CertificateRecord | null {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM certificates WHERE id = ?`).get(id) as CertificateRow | undefined;
    return row ? toRecord(row) : null;
  }

  byFingerprint(fingerprint: string): CertificateRecord | null {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM certificates WHERE fingerprint = ?`).get(fingerprint) as
      CertificateRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  list(origin?: CertificateOrigin): CertificateRecord[] {
    const rows = (
      origin === undefined
        ? this.#db.prepare(`SELECT ${COLUMNS} FROM certificates ORDER BY created_at DESC, rowid DESC`).all()
        : this.#db.prepare(`SELECT ${COLUMNS} FROM certificates WHERE origin = ? ORDER BY created_at DESC, rowid DESC`).all(origin)
    ) as CertificateRow[];
    return rows.map(toRecord);
  }

  /** Client certificates issued for one phone, newest first. */
  forPhone(mac: string): CertificateRecord[] {
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM certificates WHERE mac = ? ORDER BY created_at DESC, rowid DESC`)
      .all(mac) as CertificateRow[];
    return rows.map(toRecord);
  }

  /** The unsealed private key; only for building what is sent to a phone or a TLS context, never for display. */
  privateKeyPem(id: string): string | null {
    const row = this.#db.prepare('SELECT key_sealed FROM certificates WHERE id = ?').get(id) as { key_sealed: Buffer | null } | undefined;
    return row?.key_sealed ? this.#secrets.decrypt(row.key_sealed) : null;
  }

  revoke(id: string, at: number): boolean {
    return this.#db.prepare('UPDATE certificates SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  remove(id: string): boolean {
    return this.#db.prepare('DELETE FROM certificates WHERE id = ?').run(id).changes > 0;
  }
}

function toRecord(row: CertificateRow): CertificateRecord {
  return {
    id: row.id,
    name: row.name,
    origin: row.origin,
    format: row.format,
    fingerprint: row.fingerprint,
    certsPem: row.certs_pem,
    hasKey: row.has_key === 1,
    mac: row.mac,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}
