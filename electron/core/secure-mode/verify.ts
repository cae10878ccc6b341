import { X509Certificate } from 'node:crypto';
import type { CertificateOrigin } from '../../../shared/certificates.js';

/**
 * Who may speak on the secure port: a client certificate the local CA issued to a phone, still
 * valid, not revoked, and bound (common name) to the MAC the message names. Pure: the caller
 * passes the CA, the clock and the store lookup.
 */

/** What the TLS layer saw of the client (only on the secure listener). */
export interface PresentedClient {
  /** DER of the client's certificate; null: none presented. */
  der: Buffer | null;
}

export interface IssuedRecord {
  origin: CertificateOrigin;
  mac: string | null;
  revokedAt: number | null;
}

export interface VerifyContext {
  /** The local CA's certificate (PEM): the only trust anchor of the secure port. */
  caPem: string | null;
  now: number;
  /** The store's record for a certificate fingerprint (SHA-256, colon hex). */
  lookup(fingerprint256: string): IssuedRecord | null;
}

export type ClientVerdict = { ok: true; mac: string; fingerprint: string } | { ok: false; reason: string };

export function verifyClientCertificate(client: PresentedClient, ctx: VerifyContext): ClientVerdict {
  if (!client.der) return { ok: false, reason: 'no client certificate' };
  if (!ctx.caPem) return { ok: false, reason: 'no local CA yet' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(client.der);
  } catch {
    return { ok: false, reason: 'client certificate unreadable' };
  }
  const ca = new X509Certificate(ctx.caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    return { ok: false, reason: `client certificate not issued by the local CA (issuer ${oneLine(cert.issuer)})` };
  }
  if (ctx.now < Date.parse(cert.validFrom)) return { ok: false, reason: `client certificate not valid before ${cert.validFrom}` };
  if (ctx.now > Date.parse(cert.validTo)) return { ok: false, reason: `client certificate expired on ${cert.validTo}` };
  const record = ctx.lookup(cert.fingerprint256);
  if (!record || record.origin !== 'phone-client' || !record.mac) {
    return { ok: false, reason: 'client certificate is not a phone certificate Fieldstage issued' };
  }
  if (record.revokedAt !== null) return { ok: false, reason: `client certificate of ${record.mac} was revoked` };
  const cn = commonName(cert);
  if (cn !== record.mac) return { ok: false, reason: `client certificate names ${cn ?? 'no MAC'}, issued for ${record.mac}` };
  return { ok: true, mac: record.mac, fingerprint: cert.fingerprint256 };
}

/** The binding: the certificate's MAC must be the one the message speaks for. */
export function macMismatch(verdict: Extract<ClientVerdict, { ok: true }>, messageMac: string): string | null {
  return verdict.mac === messageMac ? null : `client certificate of ${verdict.mac} used for ${messageMac}`;
}

function commonName(cert: X509Certificate): string | null {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : null;
}

function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}
