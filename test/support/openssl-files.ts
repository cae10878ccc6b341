import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Real certificate files made with the OpenSSL CLI, the way customers' tools make them: a CA, a
 * server leaf it signed, a stray key, and the leaf exported in every container the importer
 * must read. Made once per test file in a temporary folder.
 */
export interface OpensslFiles {
  dir: string;
  read(name: string): Buffer;
  /** Fingerprints as `openssl x509 -fingerprint -sha256` prints them. */
  fingerprint(name: string): string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeOpensslFiles(): OpensslFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-openssl-'));
  const run = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const write = (name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);

  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '365',
    '-subj',
    '/CN=Customer Root CA',
  );
  // A second root for bundles of several independent CAs.
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca2.key',
    '-out',
    'ca2.pem',
    '-days',
    '365',
    '-subj',
    '/CN=Other Root CA',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=phone-wbm.test/O=Customer');
  write('leaf.ext', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  run(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '200',
    '-out',
    'leaf.pem',
    '-extfile',
    'leaf.ext',
  );
  run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'stray.key');
  // A small key, for the weak-key warning.
  run('req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'weak.key', '-out', 'weak.pem', '-days', '10', '-subj', '/CN=Weak');
  // An EC leaf: forge cannot model it, the importer must still keep it byte for byte.
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ec.key',
    '-out',
    'ec.pem',
    '-days',
    '30',
    '-subj',
    '/CN=EC',
  );

  const p12 = (out: string, ...extra: string[]): string =>
    run('pkcs12', '-export', '-in', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'ca.pem', '-out', out, ...extra);
  p12('modern.p12', '-passout', 'pass:secret');
  p12('legacy.p12', '-legacy', '-passout', 'pass:secret');
  p12('3des.p12', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-passout', 'pass:secret');
  p12('empty.p12', '-passout', 'pass:');
  p12('nomac.p12', '-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE', '-passout', 'pass:');
  run('pkcs12', '-export', '-in', 'ec.pem', '-inkey', 'ec.key', '-out', 'ec.p12', '-passout', 'pass:secret');
  run('x509', '-in', 'leaf.pem', '-outform', 'DER', '-out', 'leaf.der');
  write('chain.pem', fs.readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
  write('roots.pem', fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'ca2.pem'), 'utf8'));
  // OpenSSL refuses to pack a key with a certificate it does not belong to; a PEM file does not care.
  write('mismatch.pem', fs.readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'stray.key'), 'utf8'));
  write('leaf-with-key.pem', fs.readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'leaf.key'), 'utf8'));
  run('pkey', '-in', 'leaf.key', '-aes256', '-passout', 'pass:secret', '-out', 'leaf-enc.key');
  write(
    'leaf-with-enc-key.pem',
    fs.readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'leaf-enc.key'), 'utf8'),
  );
  run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-out', 'chain.p7b');
  run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'DER', '-out', 'chain-der.p7b');

  return {
    dir,
    read: (name) => fs.readFileSync(path.join(dir, name)),
    fingerprint: (name) => run('x509', '-in', name, '-noout', '-fingerprint', '-sha256').trim().split('=')[1] ?? '',
  };
}
