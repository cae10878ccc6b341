import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, type Issued } from '../../electron/core/certificates/issue.js';
import { macMismatch, verifyClientCertificate, type IssuedRecord, type VerifyContext } from '../../electron/core/secure-mode/verify.js';

/** The secure port's admission rule: local CA, valid, not revoked, bound to the message's MAC. */

const MAC = '00:1A:E8:12:34:56';
const NOW = Date.UTC(2026, 5, 1);
let ca: Issued;
let otherCa: Issued;
let phone: Issued;

const der = (issued: Issued): Buffer => Buffer.from(new X509Certificate(issued.certPem).raw);
const client = (issued: Issued) => ({ der: der(issued) });

function context(records: Record<string, IssuedRecord>, overrides: Partial<VerifyContext> = {}): VerifyContext {
  return { caPem: ca.certPem, now: NOW, lookup: (fp) => records[fp] ?? null, ...overrides };
}

const issuedTo = (mac: string, revokedAt: number | null = null): IssuedRecord => ({ origin: 'phone-client', mac, revokedAt });

beforeAll(async () => {
  ca = await issueCertificate({ commonName: 'Fieldstage local CA', now: NOW, validityDays: 3650, kind: 'ca' });
  otherCa = await issueCertificate({ commonName: 'Fieldstage local CA', now: NOW, validityDays: 3650, kind: 'ca' });
  phone = await issueCertificate({
    commonName: MAC,
    now: NOW,
    validityDays: 30,
    kind: 'client',
    issuer: { certPem: ca.certPem, keyPem: ca.keyPem },
  });
});

describe('verifyClientCertificate', () => {
  it('admits a phone certificate of the local CA and binds it to its MAC', () => {
    const verdict = verifyClientCertificate(client(phone), context({ [phone.cert.fingerprint256]: issuedTo(MAC) }));
    expect(verdict).toEqual({ ok: true, mac: MAC, fingerprint: phone.cert.fingerprint256 });
    if (!verdict.ok) return;
    expect(macMismatch(verdict, MAC)).toBeNull();
    expect(macMismatch(verdict, '00:1A:E8:00:00:01')).toBe(`client certificate of ${MAC} used for 00:1A:E8:00:00:01`);
  });

  it('refuses no certificate, another CA with the same name, and a missing CA', () => {
    expect(verifyClientCertificate({ der: null }, context({}))).toEqual({ ok: false, reason: 'no client certificate' });
    const forged = { der: der(phone) };
    expect(verifyClientCertificate(forged, context({}, { caPem: otherCa.certPem }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not issued by the local CA/),
    });
    expect(verifyClientCertificate(forged, context({}, { caPem: null }))).toEqual({ ok: false, reason: 'no local CA yet' });
  });

  it('refuses expired and not yet valid certificates', () => {
    const records = { [phone.cert.fingerprint256]: issuedTo(MAC) };
    expect(verifyClientCertificate(client(phone), context(records, { now: NOW + 31 * 86_400_000 }))).toMatchObject({
      reason: expect.stringMatching(/expired/),
    });
    expect(verifyClientCertificate(client(phone), context(records, { now: NOW - 2 * 3_600_000 }))).toMatchObject({
      reason: expect.stringMatching(/not valid before/),
    });
  });

  it('refuses revoked certificates, ones Fieldstage has no record of, and a record naming another MAC', () => {
    const fp = phone.cert.fingerprint256;
    expect(verifyClientCertificate(client(phone), context({ [fp]: issuedTo(MAC, NOW) }))).toMatchObject({
      reason: expect.stringMatching(/revoked/),
    });
    expect(verifyClientCertificate(client(phone), context({}))).toMatchObject({ reason: expect.stringMatching(/not a phone certificate/) });
    expect(
      verifyClientCertificate(client(phone), context({ [fp]: { origin: 'secure-server', mac: null, revokedAt: null } })),
    ).toMatchObject({
      ok: false,
    });
    expect(verifyClientCertificate(client(phone), context({ [fp]: issuedTo('00:1A:E8:00:00:02') }))).toMatchObject({
      reason: expect.stringMatching(/names 00:1A:E8:12:34:56, issued for 00:1A:E8:00:00:02/),
    });
  });

  it('refuses bytes that are no certificate', () => {
    expect(verifyClientCertificate({ der: Buffer.from('not a certificate') }, context({}))).toEqual({
      ok: false,
      reason: 'client certificate unreadable',
    });
  });
});
