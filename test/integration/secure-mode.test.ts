import { afterEach, describe, expect, it } from 'vitest';
import { CertificateLibrary } from '../../electron/core/certificates/library.js';
import { issueCertificate } from '../../electron/core/certificates/issue.js';
import { DEFAULT_PORT_BLOCKED_REASON } from '../../electron/core/provisioning/service.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import type { SimPhone } from '../sim/phone.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/** Secure Mode over real sockets: the no-PIN bootstrap, mutual TLS on the secure port, and its refusals. */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };

let core: TestCore | null = null;
let fleet: Fleet | null = null;
const phones = new TestPhones();

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  await phones.stopAll();
  await core?.stop();
  core = null;
});

const stateOf = (id: string): string | undefined => core?.core.store.jobs.get(id)?.state;

async function bootstrap(test: TestCore, list: readonly SimPhone[]): Promise<void> {
  const { jobs } = await test.core.handlers['jobs.create']({ macs: list.map((p) => p.mac), kind: 'secure-mode', items: [] });
  await until(() => jobs.every((j) => stateOf(j.id) === 'done'), `${jobs.length} bootstrap job(s)`, 45_000);
  await Promise.all(list.map((p) => p.waitForIdle(20_000)));
}

/** The secure-port refusals logged for `mac` (HTTP 403 in the exchange log). */
function refusals(test: TestCore, mac: string): string[] {
  return test.core.store.exchanges
    .list({ mac, limit: 1000 })
    .filter((e) => e.httpStatus === 403)
    .map((e) => e.note ?? '');
}

async function onePhone(ip: string, mac: string): Promise<{ test: TestCore; phone: SimPhone }> {
  core = await startTestCore(ADOPT_ALL);
  const phone = phones.at(core, ip, mac, { contactGapMs: 0 });
  await phone.start();
  await phone.waitForIdle();
  await bootstrap(core, [phone]);
  return { test: core, phone };
}

/** A refused attempt: the phone's start-up on the secure port answers 403 and the reason is logged. */
async function expectRefused(
  test: TestCore,
  phone: SimPhone,
  reason: RegExp,
  call: () => Promise<void> = () => phone.boot(),
): Promise<void> {
  const before = refusals(test, phone.mac).length;
  await call();
  await phone.waitForIdle();
  const found = refusals(test, phone.mac).slice(0, refusals(test, phone.mac).length - before);
  expect(found.join('\n')).toMatch(reason);
  expect(test.logs.some((l) => reason.test(l) && l.includes('refused'))).toBe(true);
}

describe('Secure Mode without PIN', () => {
  it('bootstraps 10 phones; all call the secure port with mutual TLS and complete flows there', async () => {
    core = await startTestCore(ADOPT_ALL);
    const securePortBefore = core.core.info().securePort;
    expect(securePortBefore).toBe(0); // no local CA yet: nothing listens
    fleet = createFleet({ count: 10, server: { host: '127.0.0.1', port: core.port }, firstSubnet: 70, contactMePort: 0, contactGapMs: 0 });
    await fleet.startAll({ concurrency: 10 });
    await fleet.waitForIdle(30_000);
    await bootstrap(core, fleet.phones);

    const info = core.core.info();
    expect(info.securePort).toBeGreaterThan(0);
    expect(info.localCaFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    for (const phone of fleet.phones) {
      expect(phone.secureServer?.port).toBe(info.securePort);
      const summary = await core.core.handlers['phones.get']({ mac: phone.mac });
      expect(summary.secureSince).not.toBeNull();
      // The phone holds a client certificate of the local CA bound to its MAC, and the CA.
      const client = phone.certificates.get('dls-client-certificate');
      expect(client?.chain[0]?.subject).toContain(`CN=${phone.mac}`);
      expect(phone.certificates.get('dls-server-ca', 0)?.chain[0]?.fingerprint256).toBe(info.localCaFingerprint);
      expect(refusals(core, phone.mac)).toEqual([]);
    }
    // Flows on the secure port: a write job for all, carried out at each phone's next start-up there.
    const { jobs } = await core.core.handlers['jobs.create']({
      macs: fleet.phones.map((p) => p.mac),
      kind: 'write-items',
      items: [{ name: 'sntp-addr', value: 'ntp.secure.example' }],
    });
    await Promise.all(fleet.phones.map((p) => p.boot()));
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'the write jobs over the secure port', 30_000);
    for (const phone of fleet.phones) {
      expect(phone.value('sntp-addr')).toBe('ntp.secure.example');
      expect(phone.errors).toEqual([]);
    }
    // The secret client certificate never shows in the exchange log.
    const sent = core.core.store.exchanges.list({ limit: 10_000 }).map((e) => core?.core.store.exchanges.get(e.id)?.responseXml ?? '');
    expect(sent.join('\n')).not.toMatch(/dls-client-certificate">MII/);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 120_000);

  it('refuses a phone without a client certificate', async () => {
    const { test, phone } = await onePhone('127.0.71.1', '00:1A:E8:71:00:01');
    phone.clientCertificateOverride = 'none';
    await expectRefused(test, phone, /no client certificate/);
  }, 60_000);

  it('refuses a certificate of another CA, even one naming the right MAC', async () => {
    const { test, phone } = await onePhone('127.0.71.2', '00:1A:E8:71:00:02');
    const otherCa = await issueCertificate({ commonName: 'Fieldstage local CA', now: Date.now(), validityDays: 30, kind: 'ca' });
    const forged = await issueCertificate({
      commonName: phone.mac,
      now: Date.now(),
      validityDays: 30,
      kind: 'client',
      issuer: { certPem: otherCa.certPem, keyPem: otherCa.keyPem },
    });
    phone.clientCertificateOverride = { cert: forged.certPem, key: forged.keyPem };
    await expectRefused(test, phone, /not issued by the local CA/);
  }, 60_000);

  it("refuses another phone's certificate (MAC binding)", async () => {
    const { test, phone } = await onePhone('127.0.71.3', '00:1A:E8:71:00:03');
    const library = new CertificateLibrary({ store: test.core.store, now: Date.now, log: () => undefined });
    const other = await library.issuePhoneCertificate('00:1A:E8:71:00:99');
    phone.clientCertificateOverride = { cert: other.certsPem, key: library.privateKeyPem(other) ?? '' };
    await expectRefused(test, phone, /client certificate of 00:1A:E8:71:00:99 used for 00:1A:E8:71:00:03/);
  }, 60_000);

  it('refuses an expired certificate', async () => {
    const { test, phone } = await onePhone('127.0.71.4', '00:1A:E8:71:00:04');
    const library = new CertificateLibrary({ store: test.core.store, now: Date.now, log: () => undefined });
    const expired = await library.issuePhoneCertificate(phone.mac, { notBefore: Date.now() - 10 * 86_400_000, validityDays: 1 });
    phone.clientCertificateOverride = { cert: expired.certsPem, key: library.privateKeyPem(expired) ?? '' };
    await expectRefused(test, phone, /expired/);
  }, 60_000);

  it('refuses a revoked certificate', async () => {
    const { test, phone } = await onePhone('127.0.71.5', '00:1A:E8:71:00:05');
    const record = test.core.store.certificates.list('phone-client').find((r) => r.mac === phone.mac);
    await test.core.handlers['certificates.revoke']({ id: record?.id ?? '' });
    await expectRefused(test, phone, /revoked/);
  }, 60_000);

  it('refuses a Secure Mode phone on the default port; a factory reset returns it to default mode', async () => {
    const { test, phone } = await onePhone('127.0.71.6', '00:1A:E8:71:00:06');
    await expectRefused(test, phone, new RegExp(DEFAULT_PORT_BLOCKED_REASON), () => phone.callDefaultPort());

    const { jobs } = await test.core.handlers['jobs.create']({ macs: [phone.mac], kind: 'factory-reset', items: [] });
    await phone.boot(); // over the secure port, which carries the reset
    await until(() => stateOf(jobs[0]?.id ?? '') === 'done', 'the factory reset');
    await phone.waitForIdle();
    expect(phone.secureServer).toBeNull();
    expect((await test.core.handlers['phones.get']({ mac: phone.mac })).secureSince).toBeNull();
    expect(test.logs.join('\n')).toMatch(/back from a factory reset, in default mode again/);
  }, 60_000);

  it('goto-secure-mode is refused in a write-items job and PIN mode is not offered', async () => {
    core = await startTestCore(ADOPT_ALL);
    const create = core.core.handlers['jobs.create'];
    await expect(
      create({ macs: ['00:1A:E8:71:00:07'], kind: 'write-items', items: [{ name: 'goto-secure-mode', value: 'pin' }] }),
    ).rejects.toThrow(/only written by the Secure Mode job/);
    await expect(
      create({ macs: ['00:1A:E8:71:00:07'], kind: 'secure-mode', items: [{ name: 'goto-secure-mode', value: 'pin' }] }),
    ).rejects.toThrow(/takes no items/);
  });
});
