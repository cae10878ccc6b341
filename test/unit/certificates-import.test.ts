import { execFileSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateDetails, chainComplete, issuedBy } from '../../electron/core/certificates/details.js';
import { CertificateError, type CertificateErrorCode } from '../../electron/core/certificates/errors.js';
import { CertificateLibrary, LOCAL_CA_NAME } from '../../electron/core/certificates/library.js';
import { organise } from '../../electron/core/certificates/organise.js';
import { buildPhonePkcs12, PHONE_PKCS12_PASSWORD } from '../../electron/core/certificates/pkcs12.js';
import { MAX_CERTIFICATE_FILE_BYTES, MAX_PKCS12_ITERATIONS, readCertificateFile } from '../../electron/core/certificates/read.js';
import { Store, createKeyFileSecretBox } from '../../electron/core/store/index.js';
import { makeOpensslFiles, type OpensslFiles } from '../support/openssl-files.js';

let files: OpensslFiles;
let leafFingerprint: string;
let caFingerprint: string;

beforeAll(() => {
  files = makeOpensslFiles();
  leafFingerprint = files.fingerprint('leaf.pem');
  caFingerprint = files.fingerprint('ca.pem');
}, 60_000);

function refusal(run: () => unknown): CertificateErrorCode | 'none' {
  try {
    run();
    return 'none';
  } catch (error) {
    if (error instanceof CertificateError) return error.code;
    throw error;
  }
}

function keyMatches(bundle: ReturnType<typeof readCertificateFile>, cert: X509Certificate): boolean {
  if (!bundle.key) return false;
  const a = createPublicKey(bundle.key).export({ type: 'spki', format: 'der' });
  return a.equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
}

describe('readCertificateFile: PKCS#12 in every flavour (research-notes §2.4)', () => {
  const readable: Array<[string, string | undefined]> = [
    ['modern.p12', 'secret'],
    ['legacy.p12', 'secret'],
    ['3des.p12', 'secret'],
    ['empty.p12', undefined],
    ['empty.p12', ''],
    ['nomac.p12', undefined],
  ];
  it.each(readable)('%s (password %j): leaf, chain and key, certificates byte for byte', (name, password) => {
    const bundle = readCertificateFile(files.read(name), password);
    expect(bundle.format).toBe('pkcs12');
    const [group] = organise(bundle);
    expect(group?.certificates.map((c) => c.fingerprint256)).toEqual([leafFingerprint, caFingerprint]);
    expect(keyMatches(bundle, group?.certificates[0] as X509Certificate)).toBe(true);
  });

  it('tells a missing password from a wrong one', () => {
    expect(refusal(() => readCertificateFile(files.read('modern.p12'), undefined))).toBe('password-required');
    expect(refusal(() => readCertificateFile(files.read('modern.p12'), 'wrong'))).toBe('wrong-password');
    expect(refusal(() => readCertificateFile(files.read('legacy.p12'), 'wrong'))).toBe('wrong-password');
    expect(refusal(() => readCertificateFile(files.read('3des.p12'), 'Secret'))).toBe('wrong-password');
  });

  it('refuses a key that does not belong to the certificate (PEM, and a PKCS#12 forge packed without checking)', () => {
    expect(refusal(() => organise(readCertificateFile(files.read('mismatch.pem'), undefined)))).toBe('key-mismatch');
    const stray = forge.pki.privateKeyFromPem(files.read('stray.key').toString());
    const leaf = forge.pki.certificateFromPem(files.read('leaf.pem').toString());
    const p12 = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(stray, [leaf], 'secret')).getBytes(), 'binary');
    expect(refusal(() => organise(readCertificateFile(p12, 'secret')))).toBe('key-mismatch');
  });

  it('keeps a non-RSA certificate and key (forge cannot model them) intact', () => {
    const bundle = readCertificateFile(files.read('ec.p12'), 'secret');
    expect(bundle.certificates[0]?.fingerprint256).toBe(files.fingerprint('ec.pem'));
    expect(keyMatches(bundle, bundle.certificates[0] as X509Certificate)).toBe(true);
    expect(certificateDetails(bundle.certificates[0] as X509Certificate)).toMatchObject({ keyType: 'ec', curve: 'prime256v1' });
  });

  it('refuses a file asking for more key-derivation rounds than MAX_PKCS12_ITERATIONS before deriving anything', () => {
    const rounds = String(MAX_PKCS12_ITERATIONS + 1);
    const slow = (name: string, ...extra: string[]): Buffer => {
      execFileSync(
        'openssl',
        ['pkcs12', '-export', '-in', 'leaf.pem', '-inkey', 'leaf.key', '-passout', 'pass:secret', '-out', name, ...extra],
        {
          cwd: files.dir,
          stdio: 'ignore',
        },
      );
      return files.read(name);
    };
    // MAC with one round, the key bag with too many: only the bag check can catch it.
    const bag = slow('slow-bag.p12', '-iter', rounds, '-nomaciter');
    expect(() => readCertificateFile(bag, 'secret')).toThrow(`asks for ${rounds} key-derivation rounds`);
    const mac = slow('slow-mac.p12', '-maciter', '-iter', '1000');
    expect(refusal(() => readCertificateFile(mac, 'secret'))).toBe('none');
  }, 30_000);

  it('refuses broken files with a clear error', () => {
    const p12 = files.read('modern.p12');
    expect(refusal(() => readCertificateFile(p12.subarray(0, p12.length - 40), 'secret'))).toBe('unreadable');
    expect(refusal(() => readCertificateFile(Buffer.from('not a certificate at all'), undefined))).toBe('unreadable');
    expect(refusal(() => readCertificateFile(Buffer.alloc(0), undefined))).toBe('unreadable');
    expect(refusal(() => readCertificateFile(Buffer.alloc(MAX_CERTIFICATE_FILE_BYTES + 1, 0x30), undefined))).toBe('too-large');
    // A line lost in an e-mail: the DER inside is cut short.
    const lines = files.read('leaf.pem').toString().split('\n');
    const pem = [...lines.slice(0, 5), ...lines.slice(6)].join('\n');
    expect(refusal(() => readCertificateFile(Buffer.from(pem), undefined))).toBe('unreadable');
    expect(refusal(() => readCertificateFile(Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), undefined))).toBe(
      'no-certificate',
    );
  });
});

describe('readCertificateFile: PEM, DER, PKCS#7', () => {
  it('DER', () => {
    const bundle = readCertificateFile(files.read('leaf.der'), undefined);
    expect(bundle).toMatchObject({ format: 'der', key: null });
    expect(bundle.certificates.map((c) => c.fingerprint256)).toEqual([leafFingerprint]);
  });

  it('a PEM chain becomes one record, a PEM of two roots two', () => {
    expect(organise(readCertificateFile(files.read('chain.pem'), undefined)).map((g) => g.certificates.length)).toEqual([2]);
    const roots = organise(readCertificateFile(files.read('roots.pem'), undefined));
    expect(roots.map((g) => g.certificates.map((c) => c.fingerprint256))).toEqual([[caFingerprint], [files.fingerprint('ca2.pem')]]);
  });

  it('PEM with a plain or an encrypted private key', () => {
    const plain = readCertificateFile(files.read('leaf-with-key.pem'), undefined);
    expect(keyMatches(plain, plain.certificates[0] as X509Certificate)).toBe(true);
    expect(refusal(() => readCertificateFile(files.read('leaf-with-enc-key.pem'), undefined))).toBe('password-required');
    expect(refusal(() => readCertificateFile(files.read('leaf-with-enc-key.pem'), 'nope'))).toBe('wrong-password');
    const opened = readCertificateFile(files.read('leaf-with-enc-key.pem'), 'secret');
    expect(keyMatches(opened, opened.certificates[0] as X509Certificate)).toBe(true);
  });

  it.each(['chain.p7b', 'chain-der.p7b'])('PKCS#7 bundle %s', (name) => {
    const bundle = readCertificateFile(files.read(name), undefined);
    expect(bundle.format).toBe('pkcs7');
    expect(bundle.certificates.map((c) => c.fingerprint256).sort()).toEqual([leafFingerprint, caFingerprint].sort());
  });
});

describe('certificateDetails', () => {
  it('shows what a technician checks', () => {
    const leaf = new X509Certificate(files.read('leaf.pem'));
    const serial = execFileSync('openssl', ['x509', '-in', 'leaf.pem', '-noout', '-serial'], { cwd: files.dir })
      .toString()
      .trim()
      .split('=')[1];
    expect(certificateDetails(leaf)).toMatchObject({
      subject: 'CN=phone-wbm.test, O=Customer',
      issuer: 'CN=Customer Root CA',
      serial,
      sha256: leafFingerprint,
      keyType: 'rsa',
      keyBits: 2048,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: ['serverAuth'],
      isCa: false,
      selfSigned: false,
    });
    const ca = certificateDetails(new X509Certificate(files.read('ca.pem')));
    expect(ca).toMatchObject({ isCa: true, selfSigned: true });
    expect(ca.notAfter - ca.notBefore).toBe(365 * 86_400_000);
  });

  it('chain completeness follows the signatures', () => {
    const leaf = new X509Certificate(files.read('leaf.pem'));
    const ca = new X509Certificate(files.read('ca.pem'));
    const other = new X509Certificate(files.read('ca2.pem'));
    expect(chainComplete(leaf, [leaf])).toBe(false);
    expect(chainComplete(leaf, [leaf, other])).toBe(false);
    expect(chainComplete(leaf, [leaf, ca])).toBe(true);
  });
});

describe('CertificateLibrary', () => {
  const open = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldstage-certs-'));
    const file = path.join(dir, 'db.sqlite');
    const store = Store.open(file, { secrets: createKeyFileSecretBox(path.join(dir, 'key')) });
    const lines: string[] = [];
    let now = Date.UTC(2026, 11, 2);
    const library = new CertificateLibrary({ store, now: () => now, log: (_level, line) => lines.push(line) });
    return { store, file, library, lines, setNow: (t: number) => (now = t) };
  };

  it('stores a PKCS#12 with its key sealed, never in clear, and describes it', () => {
    const { store, file, library, lines } = open();
    const [view] = library.import(files.read('legacy.p12'), 'customer.p12', 'secret');
    expect(view).toMatchObject({ name: 'customer.p12', origin: 'imported', format: 'pkcs12', hasKey: true, chainComplete: true });
    expect(view?.certificates.map((c) => c.sha256)).toEqual([leafFingerprint, caFingerprint]);
    store.close();
    const raw =
      fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
    expect(raw).toContain('BEGIN CERTIFICATE');
    expect(raw).not.toContain('PRIVATE KEY');
    expect(lines.join('\n')).not.toContain('PRIVATE KEY');
  });

  it('stores nothing when a file is refused, and refuses a duplicate', () => {
    const { library } = open();
    expect(refusal(() => library.import(files.read('modern.p12'), 'x.p12', 'bad'))).toBe('wrong-password');
    expect(refusal(() => library.import(files.read('mismatch.pem'), 'x.pem', undefined))).toBe('key-mismatch');
    expect(library.list()).toEqual([]);
    library.import(files.read('ca.pem'), 'ca.pem', undefined);
    // roots.pem holds a new root and the stored one: the whole file is refused, the new root too.
    expect(refusal(() => library.import(files.read('roots.pem'), 'roots.pem', undefined))).toBe('duplicate');
    expect(library.list().map((v) => v.name)).toEqual(['ca.pem']);
  });

  it('warns about a missing chain until the CA is imported, and about weak or expiring certificates', () => {
    const { library, setNow } = open();
    const [leaf] = library.import(files.read('leaf.der'), 'leaf.der', undefined);
    expect(leaf?.warnings.map((w) => w.code)).toContain('chain-incomplete');
    library.import(files.read('ca.pem'), 'ca.pem', undefined);
    expect(library.get(leaf?.id ?? '').warnings.map((w) => w.code)).not.toContain('chain-incomplete');
    const [weak] = library.import(files.read('weak.pem'), 'weak.pem', undefined);
    setNow(Date.now());
    expect(library.get(weak?.id ?? '').warnings).toContainEqual({ code: 'weak-key', position: 0, value: '1024' });
    expect(library.get(weak?.id ?? '').warnings.map((w) => w.code)).toContain('expires-soon');
    setNow(Date.now() + 11 * 86_400_000);
    expect(library.get(weak?.id ?? '').warnings.map((w) => w.code)).toContain('expired');
  });

  it('removes imported certificates only', async () => {
    const { library } = open();
    const [view] = library.import(files.read('ca.pem'), 'ca.pem', undefined);
    expect(library.remove(view?.id ?? '')).toBe(true);
    expect(refusal(() => library.remove('nope'))).toBe('not-found');
    const ca = await library.localCa();
    expect(refusal(() => library.remove(ca.id))).toBe('protected');
  });

  it('creates its local CA once and issues MAC-bound phone certificates from it', async () => {
    const { library } = open();
    const [a, b] = await Promise.all([library.localCa(), library.localCa()]);
    expect(a.id).toBe(b.id);
    expect(library.list().filter((v) => v.origin === 'local-ca')).toHaveLength(1);
    const caView = library.get(a.id);
    expect(caView.certificates[0]).toMatchObject({
      subject: `CN=${LOCAL_CA_NAME}, O=Fieldstage`,
      isCa: true,
      selfSigned: true,
      keyBits: 2048,
    });
    const phone = await library.issuePhoneCertificate('001A2B3C4D5E');
    const [cert] = library.certificates(phone);
    expect(issuedBy(cert as X509Certificate, library.certificates(a)[0] as X509Certificate)).toBe(true);
    expect(library.get(phone.id)).toMatchObject({ mac: '001A2B3C4D5E', hasKey: true, chainComplete: true, warnings: [] });
    expect(library.get(phone.id).certificates[0]).toMatchObject({ extKeyUsage: ['clientAuth'], isCa: false });
    expect(library.revoke(phone.id).revokedAt).not.toBeNull();
  });
});

describe('buildPhonePkcs12: the conservative format of research-notes §2.3', () => {
  it('3DES key bag, plain certificates, SHA-1 MAC, 2048 rounds; OpenSSL, Node TLS and the importer read it', () => {
    const bundle = readCertificateFile(files.read('3des.p12'), 'secret');
    const [group] = organise(bundle);
    const keyPem = group?.key?.export({ type: 'pkcs8', format: 'pem' }).toString() ?? '';
    const base64 = buildPhonePkcs12(keyPem, group?.certificates ?? []);
    const der = Buffer.from(base64, 'base64');
    const out = path.join(files.dir, 'built.p12');
    fs.writeFileSync(out, der);
    // OpenSSL prints the structure on stderr.
    const text = execFileSync('sh', [
      '-c',
      `openssl pkcs12 -in "$1" -info -noout -passin "pass:$2" 2>&1`,
      'sh',
      out,
      PHONE_PKCS12_PASSWORD,
    ]).toString();
    expect(text).toContain('MAC: sha1, Iteration 2048');
    expect(text).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    expect(text).toMatch(/PKCS7 Data\n/);
    expect(() => createSecureContext({ pfx: der, passphrase: PHONE_PKCS12_PASSWORD })).not.toThrow();
    const back = organise(readCertificateFile(der, PHONE_PKCS12_PASSWORD));
    expect(back[0]?.certificates.map((c) => c.fingerprint256)).toEqual([leafFingerprint, caFingerprint]);
  });
});
