import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_META_ITEM, type CertificateView } from '../../shared/certificates.js';
import { SECRET_MASK } from '../../shared/catalogue.js';
import { jobView } from '../../electron/core/app/views.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { makeOpensslFiles, type OpensslFiles } from '../support/openssl-files.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/** Certificate jobs over real sockets: WriteItems, then ReadItems of the slot's `…-info` item. */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };

let files: OpensslFiles;
let core: TestCore | null = null;
let fleet: Fleet | null = null;
const phones = new TestPhones();

beforeAll(() => {
  files = makeOpensslFiles();
});

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  await phones.stopAll();
  await core?.stop();
  core = null;
});

afterAll(() => undefined);

async function importFile(test: TestCore, name: string, password?: string): Promise<CertificateView> {
  const { certificates } = await test.core.handlers['certificates.upload']({
    name,
    contentBase64: files.read(name).toString('base64'),
    ...(password === undefined ? {} : { password }),
  });
  return certificates[0] as CertificateView;
}

const stateOf = (id: string): string | undefined => core?.core.store.jobs.get(id)?.state;

describe('certificate jobs', () => {
  it('deploys a WBM certificate to 10 phones and reads each back', async () => {
    core = await startTestCore(ADOPT_ALL);
    const cert = await importFile(core, 'modern.p12', 'secret');
    fleet = createFleet({ count: 10, server: { host: '127.0.0.1', port: core.port }, firstSubnet: 60, contactMePort: 0 });
    await fleet.startAll({ concurrency: 10 });
    await fleet.waitForIdle(30_000);
    const macs = fleet.phones.map((p) => p.mac);

    const { jobs } = await core.core.handlers['jobs.create']({
      macs,
      kind: 'certificate',
      items: [],
      certificateId: cert.id,
      slot: 'wbm-server-certificate',
    });
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'all 10 certificate jobs', 30_000);

    const leaf = cert.certificates[0];
    for (const phone of fleet.phones) {
      const job = core.core.store.jobs.list({ mac: phone.mac }).find((j) => j.kind === 'certificate');
      const info = job?.results.find((r) => r.name === 'wbm-server-certificate-info');
      // The phone got a PKCS#12 it could open with the key and the chain; its read-back names the serial.
      const stored = phone.certificates.get('wbm-server-certificate');
      expect(stored?.chain[0]?.fingerprint256).toBe(leaf?.sha256);
      expect(stored?.keyPem).toMatch(/BEGIN PRIVATE KEY/);
      expect(info?.value).toContain(stored?.chain[0]?.serialNumber);
      expect(info?.status).toBe('matches the certificate sent');
      expect(job?.warnings).toEqual([]);
      // Certificates never appear in ReadAllItems: nothing of it reached the inventory.
      expect(core.core.store.inventory.list(phone.mac).some((i) => i.name.startsWith('wbm-server-certificate'))).toBe(false);
      const [deployed] = await core.core.handlers['phones.certificates']({ mac: phone.mac });
      expect(deployed).toMatchObject({
        item: 'wbm-server-certificate',
        certificateId: cert.id,
        sha256: leaf?.sha256,
        comparison: 'matches',
      });
      expect(phone.violations).toEqual([]);
    }
    // The key never shows: not in the job views, not in the exchange log, not in the log lines.
    const view = JSON.stringify(jobs.map((j) => jobView(core?.core.store.jobs.get(j.id) ?? (j as never))));
    expect(view).toContain(SECRET_MASK);
    const exchanges = core.core.store.exchanges.list({ limit: 1000 }).map((e) => core?.core.store.exchanges.get(e.id)?.responseXml ?? '');
    const sent = exchanges.find((x) => x.includes('wbm-server-certificate"'));
    expect(sent).toContain(`<Item name="wbm-server-certificate">${SECRET_MASK}</Item>`);
    expect(exchanges.join('\n')).not.toContain(CERTIFICATE_META_ITEM);
    expect(core.logs.join('\n')).not.toMatch(/MII[A-Za-z0-9+/]{40}/);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 90_000);

  it('sends a CA as PEM to dls-server-ca by index, and an expert item the phone refuses fails the job', async () => {
    core = await startTestCore(ADOPT_ALL);
    const ca = await importFile(core, 'ca.pem');
    const phone = phones.at(core, '127.0.61.1', '00:1A:E8:61:00:01', { contactGapMs: 0 });
    await phone.start();
    await phone.waitForIdle();

    const { jobs } = await core.core.handlers['jobs.create']({
      macs: [phone.mac],
      kind: 'certificate',
      items: [],
      certificateId: ca.id,
      slot: 'dls-server-ca',
      slotIndex: 1,
    });
    await until(() => stateOf(jobs[0]?.id ?? '') === 'done', 'the CA job');
    expect(phone.certificates.get('dls-server-ca', 1)?.chain[0]?.fingerprint256).toBe(ca.certificates[0]?.sha256);
    const done = core.core.store.jobs.get(jobs[0]?.id ?? '');
    expect(done?.results.find((r) => r.name === 'dls-server-ca-info')).toMatchObject({ index: 1, status: 'matches the certificate sent' });

    const expert = await core.core.handlers['jobs.create']({
      macs: [phone.mac],
      kind: 'certificate',
      items: [],
      certificateId: ca.id,
      slot: 'expert',
      itemName: 'sip-server-ca',
    });
    // The phone was woken a moment ago (one contact-me a minute): its next start-up takes the job.
    await phone.boot();
    await until(() => stateOf(expert.jobs[0]?.id ?? '') === 'failed', 'the expert job');
    expect(core.core.store.jobs.get(expert.jobs[0]?.id ?? '')?.reason).toMatch(/sip-server-ca \(unknown item\)/);
  }, 60_000);

  it('an expert item the phone takes is read back, its key sealed and masked', async () => {
    core = await startTestCore(ADOPT_ALL);
    const leaf = await importFile(core, 'modern.p12', 'secret');
    const phone = phones.at(core, '127.0.62.1', '00:1A:E8:62:00:01', { certificateItems: ['eap-tls-client-certificate'] });
    await phone.start();
    await phone.waitForIdle();
    const { jobs } = await core.core.handlers['jobs.create']({
      macs: [phone.mac],
      kind: 'certificate',
      items: [],
      certificateId: leaf.id,
      slot: 'expert',
      itemName: 'eap-tls-client-certificate',
      itemFormat: 'pkcs12',
    });
    await until(() => stateOf(jobs[0]?.id ?? '') === 'done', 'the expert job');
    expect(phone.certificates.get('eap-tls-client-certificate')?.keyPem).toBeTruthy();
    const stored = core.core.store.jobs.get(jobs[0]?.id ?? '');
    expect(stored?.items.find((i) => i.name === 'eap-tls-client-certificate')?.value).toBe(SECRET_MASK);
  }, 60_000);

  it('refuses what cannot become a certificate job', async () => {
    core = await startTestCore(ADOPT_ALL);
    const ca = await importFile(core, 'ca.pem');
    const create = core.core.handlers['jobs.create'];
    const mac = '00:1A:E8:63:00:01';
    await expect(
      create({ macs: [mac], kind: 'certificate', items: [], certificateId: ca.id, slot: 'wbm-server-certificate' }),
    ).rejects.toThrow(/private key/);
    await expect(create({ macs: [mac], kind: 'certificate', items: [], slot: 'dls-server-ca' })).rejects.toThrow(/certificateId and slot/);
    await expect(create({ macs: [mac], kind: 'certificate', items: [], certificateId: 'nope', slot: 'dls-server-ca' })).rejects.toThrow(
      /no certificate/,
    );
    await expect(
      create({ macs: [mac], kind: 'certificate', items: [], certificateId: ca.id, slot: 'dls-server-ca', slotIndex: 10 }),
    ).rejects.toThrow(/index/);
    await expect(
      create({
        macs: [mac],
        kind: 'certificate',
        items: [],
        certificateId: ca.id,
        slot: 'expert',
        itemName: 'sip-server-ca',
        itemFormat: 'pkcs12',
      }),
    ).rejects.toThrow(/logs/);
    await expect(
      create({ macs: [mac], kind: 'certificate', items: [], certificateId: ca.id, slot: 'expert', itemName: 'goto-secure-mode' }),
    ).rejects.toThrow(/not a certificate item/);
    await expect(
      create({ macs: [mac], kind: 'write-items', certificateId: ca.id, items: [{ name: 'sntp-addr', value: 'x' }] }),
    ).rejects.toThrow(/belong to kind certificate/);
    expect(core.core.store.jobs.list()).toEqual([]);
  });
});
