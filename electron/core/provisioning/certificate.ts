import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** The phone-facing TLS identity: phones in Default Mode accept any certificate (p. 12). */
export interface ServerCertificate {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex, as browsers show it. */
  fingerprint: string;
  notAfter: string;
}

const KEY_FILE = 'server-key.pem';
const CERT_FILE = 'server-cert.pem';
const VALIDITY_YEARS = 10;

/** Loads the kept certificate or creates one (RSA-2048, SHA-256) on first run. */
export async function loadOrCreateCertificate(dir: string, hosts: readonly string[]): Promise<ServerCertificate> {
  const keyPath = join(dir, KEY_FILE);
  const certPath = join(dir, CERT_FILE);
  if (existsSync(keyPath) && existsSync(certPath)) {
    const key = readFileSync(keyPath, 'utf8');
    const cert = readFileSync(certPath, 'utf8');
    return describe(key, cert);
  }
  return createCertificate(dir, hosts);
}

export async function createCertificate(dir: string, hosts: readonly string[]): Promise<ServerCertificate> {
  mkdirSync(dir, { recursive: true });
  const now = new Date();
  const notAfter = new Date(now);
  notAfter.setFullYear(now.getFullYear() + VALIDITY_YEARS);
  const ips = hosts.filter((h) => /^[\d.]+$/.test(h) || h.includes(':'));
  const names = hosts.filter((h) => !ips.includes(h));
  const pems = await generate([{ name: 'commonName', value: 'Fieldstage provisioning service' }], {
    keySize: 2048,
    // selfsigned defaults to SHA-1 signatures (engineering.md §1c).
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...['localhost', ...names].map((value) => ({ type: 2 as const, value })),
          ...['127.0.0.1', ...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  writeFileSync(join(dir, KEY_FILE), pems.private, { mode: 0o600 });
  chmodSync(join(dir, KEY_FILE), 0o600);
  writeFileSync(join(dir, CERT_FILE), pems.cert);
  return describe(pems.private, pems.cert);
}

function describe(key: string, cert: string): ServerCertificate {
  const x509 = new X509Certificate(cert);
  return { key, cert, fingerprint: x509.fingerprint256, notAfter: x509.validTo };
}
