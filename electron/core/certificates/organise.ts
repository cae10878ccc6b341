import type { KeyObject, X509Certificate } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { CertificateError } from './errors.js';
import { issuedBy } from './details.js';
import type { ReadBundle } from './read.js';

/** One record to store: a leaf, the chain above it found in the same file, and its key if the file had one. */
export interface CertificateGroup {
  certificates: X509Certificate[];
  key: KeyObject | null;
}

/**
 * Splits a file into records. With a private key: one record, the certificate the key belongs to
 * first (no such certificate → refused, nothing stored), then every other certificate of the
 * file as its chain. Without a key: one record per leaf (a certificate that issued no other one
 * in the file), with the issuers found in the file above it, so a PEM of three root CAs becomes
 * three records and a leaf + intermediate + root file one.
 */
export function organise(bundle: ReadBundle): CertificateGroup[] {
  const certs = dedupe(bundle.certificates);
  if (bundle.key) {
    const spki = spkiOf(createPublicKey(bundle.key));
    const leaf = certs.find((c) => spkiOf(c.publicKey).equals(spki));
    if (!leaf) throw new CertificateError('key-mismatch', 'the private key does not belong to any certificate in the file');
    const chain = chainFor(leaf, certs);
    return [{ certificates: [...chain, ...certs.filter((c) => !chain.includes(c))], key: bundle.key }];
  }
  const leaves = certs.filter((c) => !certs.some((other) => other !== c && issuedBy(other, c)));
  // A file of cross-signed certificates only has no leaf by this rule: keep it as one record.
  if (leaves.length === 0) return [{ certificates: certs, key: null }];
  return leaves.map((leaf) => ({ certificates: chainFor(leaf, certs), key: null }));
}

/** The leaf, then issuer after issuer found in `pool` (each used once). */
function chainFor(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  for (;;) {
    const current = chain[chain.length - 1] as X509Certificate;
    const issuer = pool.find((c) => !chain.includes(c) && issuedBy(current, c));
    if (!issuer) return chain;
    chain.push(issuer);
  }
}

function dedupe(certs: readonly X509Certificate[]): X509Certificate[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.fingerprint256) && seen.add(c.fingerprint256) !== undefined);
}

function spkiOf(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}
