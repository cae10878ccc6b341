import { randomUUID, X509Certificate } from 'node:crypto';
import { certificateWarnings, type CertificateView } from '../../../shared/certificates.js';
import type { CertificateRecord, Store } from '../store/index.js';
import { certificateDetails, chainComplete } from './details.js';
import { CertificateError } from './errors.js';
import { ISSUED_VALIDITY_DAYS, LOCAL_CA_VALIDITY_DAYS, issueCertificate, type Issued } from './issue.js';
import { organise } from './organise.js';
import { readCertificateFile } from './read.js';

export interface CertificateLibraryOptions {
  store: Store;
  now: () => number;
  log: (level: 'info' | 'warn', message: string) => void;
}

/** Common name of Fieldstage's own CA; the fingerprint, not the name, is what a technician documents. */
export const LOCAL_CA_NAME = 'Fieldstage local CA';

/**
 * The certificate store: imports customer files, keeps Fieldstage's own CA and what it issued,
 * and describes every record for the UI. Private keys go in sealed and only come out for what
 * is sent to a phone or loaded into a TLS context.
 */
export class CertificateLibrary {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #log: CertificateLibraryOptions['log'];
  /** Parsed certificates per record id (records never change their certificates). */
  readonly #parsed = new Map<string, X509Certificate[]>();
  #creatingCa: Promise<CertificateRecord> | null = null;

  constructor(options: CertificateLibraryOptions) {
    this.#store = options.store;
    this.#now = options.now;
    this.#log = options.log;
  }

  /** Reads a file and stores one record per leaf; all or nothing. */
  import(bytes: Buffer, fileName: string, password: string | undefined): CertificateView[] {
    const name = fileName.trim().slice(0, 200) || 'certificate';
    const bundle = readCertificateFile(bytes, password);
    const groups = organise(bundle);
    const at = this.#now();
    const records = this.#store.transaction(() =>
      groups.map((group, i) => {
        const leaf = group.certificates[0] as X509Certificate;
        const existing = this.#store.certificates.byFingerprint(leaf.fingerprint256);
        if (existing) throw new CertificateError('duplicate', `"${oneName(leaf)}" is already stored as "${existing.name}"`);
        return this.#store.certificates.insert({
          id: randomUUID(),
          name: groups.length > 1 ? `${name} (${i + 1})` : name,
          origin: 'imported',
          format: bundle.format,
          fingerprint: leaf.fingerprint256,
          certsPem: group.certificates.map((c) => c.toString()).join(''),
          keyPem: group.key ? group.key.export({ type: 'pkcs8', format: 'pem' }).toString() : null,
          mac: null,
          createdAt: at,
        });
      }),
    );
    this.#log(
      'info',
      `certificate file "${name}" imported: ${records.length} record(s), ${bundle.format}${bundle.key ? ', with private key' : ''}`,
    );
    return this.#views(records);
  }

  list(): CertificateView[] {
    return this.#views(this.#store.certificates.list());
  }

  get(id: string): CertificateView {
    return this.#views([this.#record(id)])[0] as CertificateView;
  }

  record(id: string): CertificateRecord {
    return this.#record(id);
  }

  /** The record's key in clear: only for what is sent to a phone (PKCS#12) or loaded into a TLS context. */
  privateKeyPem(record: CertificateRecord): string | null {
    return this.#store.certificates.privateKeyPem(record.id);
  }

  certificates(record: CertificateRecord): X509Certificate[] {
    let parsed = this.#parsed.get(record.id);
    if (!parsed) {
      parsed = splitPem(record.certsPem).map((pem) => new X509Certificate(pem));
      this.#parsed.set(record.id, parsed);
    }
    return parsed;
  }

  /** The local CA and what it issued are part of Secure Mode: they are revoked, not removed. */
  remove(id: string): boolean {
    const record = this.#record(id);
    if (record.origin !== 'imported') {
      throw new CertificateError('protected', 'certificates Fieldstage issued are revoked, not removed');
    }
    const removed = this.#store.transaction(() => this.#store.certificates.remove(id));
    this.#parsed.delete(id);
    if (removed) this.#log('info', `certificate "${record.name}" removed`);
    return removed;
  }

  revoke(id: string): CertificateView {
    const record = this.#record(id);
    if (record.origin !== 'phone-client') throw new CertificateError('protected', 'only phone client certificates are revoked');
    this.#store.transaction(() => this.#store.certificates.revoke(id, this.#now()));
    this.#log('info', `client certificate of phone ${record.mac ?? '?'} revoked`);
    return this.get(id);
  }

  /** Fieldstage's own CA, created (RSA-2048, key sealed) the first time anything needs it. */
  localCa(): Promise<CertificateRecord> {
    const existing = this.#store.certificates.list('local-ca')[0];
    if (existing) return Promise.resolve(existing);
    this.#creatingCa ??= issueCertificate({ commonName: LOCAL_CA_NAME, now: this.#now(), validityDays: LOCAL_CA_VALIDITY_DAYS, kind: 'ca' })
      .then((issued) => {
        const record = this.#storeIssued(issued, LOCAL_CA_NAME, 'local-ca', null);
        this.#log('info', `local CA created, SHA-256 ${record.fingerprint}`);
        return record;
      })
      .finally(() => {
        this.#creatingCa = null;
      });
    return this.#creatingCa;
  }

  /** The secure port's server certificate, issued by the local CA; reissued when the addresses it names changed. */
  async secureServer(hosts: readonly string[]): Promise<CertificateRecord> {
    const ca = await this.localCa();
    const current = this.#store.certificates.list('secure-server')[0];
    const wanted = [...new Set(hosts)].sort().join(',');
    if (current && current.name === serverName(wanted)) return current;
    const issued = await this.#issue(ca, { commonName: 'Fieldstage secure provisioning', kind: 'server', hosts });
    return this.#store.transaction(() => {
      for (const old of this.#store.certificates.list('secure-server')) this.#store.certificates.remove(old.id);
      return this.#storeIssued(issued, serverName(wanted), 'secure-server', null);
    });
  }

  /** A new client certificate bound to `mac` (its common name), issued by the local CA. */
  async issuePhoneCertificate(mac: string, options: { notBefore?: number; validityDays?: number } = {}): Promise<CertificateRecord> {
    const ca = await this.localCa();
    const issued = await this.#issue(ca, { commonName: mac, organizationalUnit: 'Phone', kind: 'client', ...options });
    return this.#storeIssued(issued, `Phone ${mac}`, 'phone-client', mac);
  }

  async #issue(
    ca: CertificateRecord,
    request: {
      commonName: string;
      organizationalUnit?: string;
      kind: 'server' | 'client';
      hosts?: readonly string[];
      notBefore?: number;
      validityDays?: number;
    },
  ): Promise<Issued> {
    const keyPem = this.#store.certificates.privateKeyPem(ca.id);
    if (!keyPem) throw new Error('the local CA has no private key');
    return issueCertificate({
      ...request,
      now: this.#now(),
      validityDays: request.validityDays ?? ISSUED_VALIDITY_DAYS,
      issuer: { certPem: ca.certsPem, keyPem },
    });
  }

  #storeIssued(issued: Issued, name: string, origin: CertificateRecord['origin'], mac: string | null): CertificateRecord {
    return this.#store.transaction(() =>
      this.#store.certificates.insert({
        id: randomUUID(),
        name,
        origin,
        format: 'generated',
        fingerprint: issued.cert.fingerprint256,
        certsPem: issued.certPem,
        keyPem: issued.keyPem,
        mac,
        createdAt: this.#now(),
      }),
    );
  }

  #record(id: string): CertificateRecord {
    const record = this.#store.certificates.get(id);
    if (!record) throw new CertificateError('not-found', `no certificate ${id}`);
    return record;
  }

  /** Chains are checked against every stored certificate, so importing a CA later completes earlier leaves. */
  #views(records: readonly CertificateRecord[]): CertificateView[] {
    const now = this.#now();
    const pool = this.#store.certificates.list().flatMap((r) => this.certificates(r));
    return records.map((record) => {
      const certs = this.certificates(record);
      const details = certs.map(certificateDetails);
      const complete = chainComplete(certs[0] as X509Certificate, [...certs, ...pool]);
      return {
        id: record.id,
        name: record.name,
        origin: record.origin,
        format: record.format,
        createdAt: record.createdAt,
        hasKey: record.hasKey,
        mac: record.mac,
        revokedAt: record.revokedAt,
        certificates: details,
        chainComplete: complete,
        warnings: certificateWarnings(details, complete, now),
      };
    });
  }
}

export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\s*/g) ?? [];
}

function serverName(hosts: string): string {
  return `Secure port (${hosts || 'localhost'})`;
}

function oneName(cert: X509Certificate): string {
  return cert.subject.split('\n').find((l) => l.startsWith('CN=')) ?? cert.subject.split('\n')[0] ?? '';
}
