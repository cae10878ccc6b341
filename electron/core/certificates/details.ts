import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateDetails } from '../../../shared/certificates.js';
import { fromDer } from './asn1.js';

/**
 * What a technician checks of one certificate. Node's X509Certificate gives most fields; key
 * usage bits are not exposed there, so that one extension is read from the DER with forge's
 * ASN.1 reader (not its certificate model, which knows RSA keys only).
 */

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** KeyUsage bit names in bit order (RFC 5280 §4.2.1.3). */
const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const KEY_USAGE_OID = '2.5.29.15';

export function certificateDetails(cert: X509Certificate): CertificateDetails {
  const key = cert.publicKey;
  const keyDetails = key.asymmetricKeyDetails ?? {};
  const details: CertificateDetails = {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
    serial: cert.serialNumber.toUpperCase(),
    sha256: cert.fingerprint256,
    keyType: key.asymmetricKeyType ?? 'unknown',
    keyUsage: keyUsage(cert.raw),
    extKeyUsage: (cert.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    isCa: cert.ca,
    selfSigned: isSelfSigned(cert),
    derBytes: cert.raw.length,
  };
  if (keyDetails.modulusLength !== undefined) details.keyBits = keyDetails.modulusLength;
  if (keyDetails.namedCurve !== undefined) details.curve = keyDetails.namedCurve;
  return details;
}

/** Issued by itself and signed by its own key: a root. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/** `issuer` issued `cert`: names match and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * Whether `leaf` chains up to a self-signed root through `pool` (its own chain and whatever
 * else is trusted). Bounded by the pool size, so a loop of cross-signed certificates ends.
 */
export function chainComplete(leaf: X509Certificate, pool: readonly X509Certificate[]): boolean {
  let current = leaf;
  for (let step = 0; step <= pool.length; step++) {
    if (isSelfSigned(current)) return true;
    const next = pool.find((candidate) => candidate !== current && issuedBy(current, candidate));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** Node prints multi-valued names one per line; the UI shows them as one comma-separated line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function keyUsage(der: Buffer): string[] {
  try {
    const cert = fromDer(der, false);
    const tbs = (cert.value as forge.asn1.Asn1[])[0];
    const fields = Array.isArray(tbs?.value) ? tbs.value : [];
    // extensions are [3] EXPLICIT SEQUENCE OF Extension, the last context-specific field of the TBS.
    const wrapper = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
    const list = Array.isArray(wrapper?.value) ? (wrapper.value[0]?.value as forge.asn1.Asn1[]) : [];
    for (const ext of list) {
      const parts = ext.value as forge.asn1.Asn1[];
      if (typeof parts[0]?.value !== 'string' || forge.asn1.derToOid(parts[0].value) !== KEY_USAGE_OID) continue;
      // extnValue is the last part (critical is optional): an OCTET STRING holding a BIT STRING.
      const octets = parts[parts.length - 1]?.value;
      if (typeof octets !== 'string') return [];
      const bits = fromDer(octets, false).value;
      return typeof bits === 'string' ? decodeBits(bits) : [];
    }
  } catch {
    // A certificate Node could parse but this reader cannot: show no key usage rather than fail.
  }
  return [];
}

/** BIT STRING content: first byte = unused bits, then the bits, most significant first. */
function decodeBits(content: string): string[] {
  const names: string[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = content.charCodeAt(1 + (bit >> 3));
    if (!Number.isNaN(byte) && (byte & (0x80 >> (bit & 7))) !== 0) names.push(name);
  });
  return names;
}
