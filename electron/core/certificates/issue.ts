import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * Certificates Fieldstage issues itself: its local CA, the server certificate of the secure
 * port, and per-phone client certificates. Keys come from Node (faster than forge); forge only
 * assembles and signs the certificate.
 */

export const ISSUED_KEY_BITS = 2048;
export const LOCAL_CA_VALIDITY_DAYS = 3650;
/** Phone and server certificates outlive a typical installation but stay below the CA's lifetime. */
export const ISSUED_VALIDITY_DAYS = 1825;
/** Issued certificates start this long before "now" so phones whose clock lags a little accept them. */
export const BACKDATE_MS = 60 * 60 * 1000;

const DAY_MS = 86_400_000;
const generateKeyPairAsync = promisify(generateKeyPair);

export interface Issued {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  cert: X509Certificate;
}

export interface Issuer {
  certPem: string;
  keyPem: string;
}

export interface IssueRequest {
  commonName: string;
  organizationalUnit?: string;
  /** Epoch ms. */
  now: number;
  validityDays: number;
  kind: 'ca' | 'server' | 'client';
  /** Server certificates: DNS names and IPs for the subjectAltName. */
  hosts?: readonly string[];
  /** Absent: self-signed (the CA). */
  issuer?: Issuer;
  /** Tests make expired certificates; everything else starts a little before now. */
  notBefore?: number;
}

export async function issueCertificate(request: IssueRequest): Promise<Issued> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: ISSUED_KEY_BITS });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // Positive 128-bit serial: the top bit cleared so DER does not need a sign byte.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = request.notBefore ?? request.now - BACKDATE_MS;
  cert.validity.notBefore = new Date(notBefore);
  cert.validity.notAfter = new Date(notBefore + request.validityDays * DAY_MS);
  const subject = [
    { name: 'commonName', value: request.commonName },
    { name: 'organizationName', value: 'Fieldstage' },
    ...(request.organizationalUnit ? [{ name: 'organizationalUnitName', value: request.organizationalUnit }] : []),
  ];
  cert.setSubject(subject);
  const issuerCert = request.issuer ? forge.pki.certificateFromPem(request.issuer.certPem) : null;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  cert.setExtensions(extensions(request, issuerCert));
  const signingKey = forge.pki.privateKeyFromPem(request.issuer ? request.issuer.keyPem : keyPem);
  cert.sign(signingKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem, cert: new X509Certificate(certPem) };
}

function extensions(request: IssueRequest, issuer: forge.pki.Certificate | null): object[] {
  const keyId = { name: 'subjectKeyIdentifier' };
  const authority = issuer ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() }] : [];
  if (request.kind === 'ca') {
    return [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      keyId,
    ];
  }
  const base = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    keyId,
    ...authority,
  ];
  if (request.kind === 'client') return [...base, { name: 'extKeyUsage', clientAuth: true }];
  const hosts = request.hosts ?? [];
  const ips = hosts.filter((h) => /^[\d.]+$/.test(h) || h.includes(':'));
  const names = hosts.filter((h) => !ips.includes(h));
  return [
    ...base,
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...['localhost', ...names].map((value) => ({ type: 2, value })), ...['127.0.0.1', ...ips].map((ip) => ({ type: 7, ip }))],
    },
  ];
}
