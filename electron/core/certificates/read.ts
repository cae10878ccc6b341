import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateSourceFormat } from '../../../shared/certificates.js';
import { fromDer, toDerBuffer } from './asn1.js';
import { CertificateError } from './errors.js';

/**
 * Reads whatever a customer hands over: PEM (any number of certificates, optionally a private
 * key, encrypted or not), DER, PKCS#7 bundles (PEM or DER) and PKCS#12 in every flavour. PKCS#12
 * goes through node-forge only (pure JS: OpenSSL 3 in Node refuses RC2-40, Electron's BoringSSL
 * differs again); certificates always leave as their original DER bytes, never re-encoded, so
 * fingerprints and signatures stay what the issuer made.
 */

export interface ReadBundle {
  format: Exclude<CertificateSourceFormat, 'generated'>;
  /** In file order. */
  certificates: X509Certificate[];
  /** At most one; files with several keys are refused (which certificate would it belong to?). */
  key: KeyObject | null;
}

/** Larger files are no certificate bundle a phone could use; also bounds the parsing work. */
export const MAX_CERTIFICATE_FILE_BYTES = 256 * 1024;
/** PBKDF iteration counts above this are refused before forge runs them: a hostile file could stall the app for hours. */
export const MAX_PKCS12_ITERATIONS = 1_000_000;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function readCertificateFile(bytes: Buffer, password: string | undefined): ReadBundle {
  if (bytes.length === 0) throw new CertificateError('unreadable', 'the file is empty');
  if (bytes.length > MAX_CERTIFICATE_FILE_BYTES) {
    throw new CertificateError(
      'too-large',
      `the file has ${bytes.length} bytes; certificate files are at most ${MAX_CERTIFICATE_FILE_BYTES}`,
    );
  }
  const text = bytes.toString('latin1');
  const bundle = text.includes('-----BEGIN ') ? readPem(text, password) : readDer(bytes, password);
  if (bundle.certificates.length === 0) throw new CertificateError('no-certificate', 'the file holds no certificate');
  return bundle;
}

function readPem(text: string, password: string | undefined): ReadBundle {
  const certificates: X509Certificate[] = [];
  const keys: KeyObject[] = [];
  let pkcs7 = false;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    const der = Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64');
    if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') certificates.push(x509(der));
    else if (label === 'PKCS7' || label === 'CMS') {
      pkcs7 = true;
      certificates.push(...readPkcs7(der));
    } else if (label.endsWith('PRIVATE KEY')) keys.push(pemKey(match[0], password));
    // Other blocks (CRLs, parameters, public keys) are not certificates: ignored.
  }
  if (keys.length > 1) throw new CertificateError('unreadable', 'the file holds more than one private key');
  return { format: pkcs7 ? 'pkcs7' : 'pem', certificates, key: keys[0] ?? null };
}

function pemKey(pem: string, password: string | undefined): KeyObject {
  const encrypted = pem.includes('ENCRYPTED') || pem.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && !password) throw new CertificateError('password-required', 'the private key is encrypted: enter its password');
  try {
    return createPrivateKey(encrypted ? { key: pem, passphrase: password ?? '' } : { key: pem });
  } catch {
    throw encrypted
      ? new CertificateError('wrong-password', 'the password does not open the private key')
      : new CertificateError('unreadable', 'the private key cannot be read');
  }
}

function readDer(bytes: Buffer, password: string | undefined): ReadBundle {
  const top = derAsn1(bytes);
  const first = Array.isArray(top.value) ? top.value[0] : undefined;
  // PFX starts with INTEGER version 3, ContentInfo with an OID, Certificate with the TBS SEQUENCE.
  if (first?.type === forge.asn1.Type.INTEGER) return readPkcs12(top, password);
  if (first?.type === forge.asn1.Type.OID) return { format: 'pkcs7', certificates: readPkcs7(bytes), key: null };
  return { format: 'der', certificates: [x509(bytes)], key: null };
}

function derAsn1(bytes: Buffer): forge.asn1.Asn1 {
  try {
    // strict: no trailing garbage, lengths must fit.
    return fromDer(bytes, true);
  } catch {
    throw new CertificateError('unreadable', 'the file is neither PEM nor a readable DER certificate, PKCS#7 or PKCS#12 file');
  }
}

function x509(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new CertificateError('unreadable', 'a certificate in the file cannot be read');
  }
}

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

/** ContentInfo → [0] SignedData → certificates [0] IMPLICIT SET OF Certificate, each kept byte for byte. */
function readPkcs7(der: Buffer): X509Certificate[] {
  const top = derAsn1(der);
  const parts = top.value as forge.asn1.Asn1[];
  const oid = parts[0] && typeof parts[0].value === 'string' ? forge.asn1.derToOid(parts[0].value) : '';
  if (oid !== SIGNED_DATA_OID) throw new CertificateError('unreadable', 'the PKCS#7 file is not a certificate bundle (signedData)');
  const signedData = (parts[1]?.value as forge.asn1.Asn1[] | undefined)?.[0];
  const fields = Array.isArray(signedData?.value) ? signedData.value : [];
  const set = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 0);
  const certs = Array.isArray(set?.value) ? set.value : [];
  return certs.map((c) => x509(toDerBuffer(c)));
}

function readPkcs12(top: forge.asn1.Asn1, password: string | undefined): ReadBundle {
  checkMacIterations(top);
  checkBagIterations(top);
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    // forge checks the MAC with the password ('' for "no password"; MAC-less files need none).
    p12 = forge.pkcs12.pkcs12FromAsn1(top, true, password ?? '');
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/MAC could not be verified|wrong password|decrypt/i.test(message)) {
      throw password
        ? new CertificateError('wrong-password', 'the password does not open this PKCS#12 file')
        : new CertificateError('password-required', 'this PKCS#12 file is protected: enter its password');
    }
    throw new CertificateError('unreadable', 'the PKCS#12 file cannot be read');
  }
  const certificates: X509Certificate[] = [];
  const keys: KeyObject[] = [];
  for (const content of p12.safeContents) {
    for (const bag of content.safeBags) {
      if (bag.type === forge.pki.oids.certBag) certificates.push(x509(bagCertificateDer(bag)));
      else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) keys.push(bagKey(bag));
    }
  }
  if (keys.length > 1) throw new CertificateError('unreadable', 'the PKCS#12 file holds more than one private key');
  return { format: 'pkcs12', certificates, key: keys[0] ?? null };
}

/** forge keeps a certificate it cannot model (non-RSA) as ASN.1; RSA ones reuse the captured TBS, so both are the original bytes. */
function bagCertificateDer(bag: forge.pkcs12.Bag): Buffer {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  if (!asn1) throw new CertificateError('unreadable', 'a certificate in the PKCS#12 file cannot be read');
  return toDerBuffer(asn1);
}

function bagKey(bag: forge.pkcs12.Bag): KeyObject {
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  if (!info) throw new CertificateError('unreadable', 'the private key in the PKCS#12 file cannot be read');
  try {
    return createPrivateKey({ key: toDerBuffer(info), format: 'der', type: 'pkcs8' });
  } catch {
    throw new CertificateError('unreadable', 'the private key in the PKCS#12 file cannot be read');
  }
}

/** PFX = SEQUENCE { version, authSafe, macData SEQUENCE { DigestInfo, salt, iterations INTEGER DEFAULT 1 } }. */
function checkMacIterations(top: forge.asn1.Asn1): void {
  const macData = (top.value as forge.asn1.Asn1[])[2];
  const iterations = Array.isArray(macData?.value) ? macData.value[2] : undefined;
  if (iterations) checkRounds(iterations);
}

/** PKCS#12 PBE (1.2.840.113549.1.12.1.*), PBES2 and PBKDF2: their parameters hold the iteration counts. */
const PBE_OID = /^1\.2\.840\.113549\.1\.(12\.1\.\d+|5\.1[23])$/;
/** Containers nest DER in OCTET STRINGs (authSafe → SafeContents → bags); deeper than this is no real file. */
const MAX_NESTING = 8;

/**
 * Every key-derivation parameter visible without a password (the MAC's, and those of the key and
 * certificate bags' algorithms) is checked before forge derives anything: a MAC-less file could
 * otherwise ask for billions of PBKDF2 rounds.
 */
function checkBagIterations(node: forge.asn1.Asn1, nesting = 0): void {
  if (Array.isArray(node.value)) {
    const [first] = node.value;
    if (first?.type === forge.asn1.Type.OID && typeof first.value === 'string' && PBE_OID.test(forge.asn1.derToOid(first.value))) {
      checkIntegers(node, 0);
    }
    for (const child of node.value) checkBagIterations(child, nesting);
    return;
  }
  if (universal(node, forge.asn1.Type.OCTETSTRING) && typeof node.value === 'string' && nesting < MAX_NESTING) {
    let inner: forge.asn1.Asn1;
    try {
      inner = fromDer(node.value, true);
    } catch {
      return; // plain bytes (salts, ciphertext), not nested DER
    }
    checkBagIterations(inner, nesting + 1);
  }
}

function checkIntegers(node: forge.asn1.Asn1, depth: number): void {
  if (universal(node, forge.asn1.Type.INTEGER)) checkRounds(node);
  if (Array.isArray(node.value) && depth < 4) for (const child of node.value) checkIntegers(child, depth + 1);
}

function universal(node: forge.asn1.Asn1, type: number): boolean {
  return node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === type;
}

function checkRounds(integer: forge.asn1.Asn1): void {
  if (typeof integer.value !== 'string') return;
  const count = integer.value.length > 4 ? Infinity : forge.util.createBuffer(integer.value).getInt(integer.value.length * 8);
  if (count > MAX_PKCS12_ITERATIONS) {
    throw new CertificateError('unreadable', `the PKCS#12 file asks for ${count} key-derivation rounds (at most ${MAX_PKCS12_ITERATIONS})`);
  }
}
