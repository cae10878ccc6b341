import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiReq } from '../../shared/api.js';
import type { FileRecord } from '../../electron/core/store/index.js';
import { fileDeletionItems, storedPhoneFiles } from '../../shared/phone-files.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { makeFirmwareImage } from '../sim/firmware-image.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { png, wav } from '../support/media-samples.js';
import { TestPhones } from '../support/phones.js';
import { until } from '../support/wait.js';

/**
 * Library files and firmware deployed to simulated phones over real sockets: the phones fetch
 * from the core's HTTPS file server by the URL their job gives them. Subnets 127.0.110–119.
 */

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

const started = (): TestCore => {
  if (!core) throw new Error('core not started');
  return core;
};
const stateOf = (id: string): string | undefined => started().core.store.jobs.get(id)?.state;
/** jobs.create as a script calls it (the API fills in `items: []`). */
const createJobs = (request: ApiReq<'jobs.create'>) => started().core.handlers['jobs.create']({ items: [], ...request });
const importBytes = (bytes: Buffer, name: string): Promise<FileRecord> => started().core.files.importStream(Readable.from([bytes]), name);

describe('file deployment from the library', () => {
  it('20 phones get a logo: byte-exact, one download each, settled by their status reports', async () => {
    core = await startTestCore(ADOPT_ALL);
    fleet = createFleet({ count: 20, server: { host: '127.0.0.1', port: core.port }, firstSubnet: 110, contactMePort: 0 });
    await fleet.startAll({ concurrency: 20 });
    await fleet.waitForIdle(30_000);
    const logo = await importBytes(png(240, 100, 30_000), 'customer logo.png');
    const macs = fleet.phones.map((p) => p.mac);

    const { jobs, refused } = await createJobs({ macs, kind: 'file-deployment', fileId: logo.id });
    expect(refused).toEqual([]);
    expect(jobs.every((j) => j.fileIds.includes(logo.id))).toBe(true);
    expect(core.core.files.view(logo).usedBy).toHaveLength(20);
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'all 20 logo jobs', 30_000);

    for (const phone of fleet.phones) {
      expect(phone.received).toEqual([{ name: 'customer logo.png', type: 'LOGO', bytes: logo.size, sha256: logo.sha256 }]);
      expect(storedPhoneFiles([...phone.items.values()]).map((f) => [f.name, f.type, f.status])).toEqual([
        ['customer logo.png', 'LOGO', 'ok'],
      ]);
      expect(phone.violations).toEqual([]);
    }
    for (const job of jobs) {
      const record = core.core.store.jobs.get(job.id);
      expect(record?.results.find((r) => r.name === 'file-deployment-status')?.value).toBe('ok');
      expect(core.core.store.files.downloadsForJob(job.id)).toMatchObject({ attempts: 1, complete: true, bytes: logo.size });
    }
    // Each phone was handed a URL on the address it reached the core on, with its own job's path.
    const sent = core.core.store.exchanges.list({ limit: 1000 }).map((e) => core!.core.store.exchanges.get(e.id)?.responseXml ?? '');
    const urls = sent.flatMap((xml) => [...xml.matchAll(/name="file-https-base-url">([^<]+)</g)].map((m) => m[1]));
    expect(urls).toHaveLength(20);
    expect(new Set(urls).size).toBe(20);
    expect(urls.every((u) => u?.startsWith(`https://127.0.0.1:${core!.core.info().filePort}/files/`))).toBe(true);
    expect(core.core.files.view(logo).usedBy).toEqual([]);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 60_000);

  it('deploys several files in one message, verifies them by reading back, then deletes one', async () => {
    core = await startTestCore(ADOPT_ALL);
    const phone = phones.at(core, '127.0.111.1', '00:1A:E8:6F:00:01');
    await phone.start();
    await phone.waitForIdle();
    const logo = await importBytes(png(240, 100), 'logo.png');
    const tone = await importBytes(wav({ size: 40_000 }), 'ring.wav');

    const { jobs } = await createJobs({ macs: [phone.mac], kind: 'file-deployment', fileIds: [logo.id, tone.id] });
    await until(() => stateOf(jobs[0]!.id) === 'done', 'the multi-file job', 20_000);
    expect(core.core.store.jobs.get(jobs[0]!.id)?.results.map((r) => [r.value, r.status])).toEqual([
      ['logo.png', 'accepted'],
      ['ring.wav', 'accepted'],
    ]);
    expect(phone.received.map((r) => r.sha256).sort()).toEqual([logo.sha256, tone.sha256].sort());
    const stored = storedPhoneFiles(core.core.store.inventory.list(phone.mac));
    expect(stored.map((f) => [f.name, f.type])).toEqual([
      ['logo.png', 'LOGO'],
      ['ring.wav', 'RINGTONE'],
    ]);

    const deletion = await createJobs({
      macs: [phone.mac],
      kind: 'file-deployment',
      items: fileDeletionItems([{ name: 'ring.wav', type: 'RINGTONE' }]),
    });
    // Within the contact-me limit of a minute: the phone's own next contact picks the job up.
    await phone.inventoryChange();
    await until(() => stateOf(deletion.jobs[0]!.id) === 'done', 'the deletion', 20_000);
    expect(storedPhoneFiles([...phone.items.values()]).map((f) => f.name)).toEqual(['logo.png']);
    expect(storedPhoneFiles(core.core.store.inventory.list(phone.mac)).map((f) => f.name)).toEqual(['logo.png']);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 40_000);

  it('refuses markers typed into items and firmware sent as a file', async () => {
    core = await startTestCore(ADOPT_ALL);
    const image = await importBytes(makeFirmwareImage(), 'os60.img');
    const create = createJobs;
    await expect(create({ macs: ['00:1A:E8:6F:01:01'], kind: 'file-deployment', fileId: image.id })).rejects.toThrow(/firmware image/);
    await expect(
      create({
        macs: ['00:1A:E8:6F:01:01'],
        kind: 'file-deployment',
        items: [{ name: 'file-https-base-url', value: `fieldstage-file:${image.id}` }],
      }),
    ).rejects.toThrow(/fileId/);
    await expect(create({ macs: ['00:1A:E8:6F:01:01'], kind: 'file-deployment', fileId: 'nope' })).rejects.toThrow(/No library file/);
    expect(core.core.store.jobs.list()).toEqual([]);
  });
});

describe('firmware deployment from the library', () => {
  const NEW = 'V3 R5.12.0';

  it('5 phones update and reboot into the new version; the same version again and a wrong model are refused', async () => {
    core = await startTestCore(ADOPT_ALL);
    fleet = createFleet({
      count: 5,
      server: { host: '127.0.0.1', port: core.port },
      firstSubnet: 112,
      contactMePort: 0,
      rebootDelayMs: 50,
    });
    await fleet.startAll({ concurrency: 5 });
    await fleet.waitForIdle(30_000);
    const image = await importBytes(makeFirmwareImage({ model: 'OpenStage 60', version: NEW, size: 256 * 1024 }), 'opera_bind.img');
    const macs = fleet.phones.map((p) => p.mac);

    const { jobs } = await createJobs({ macs, kind: 'software-deployment', fileId: image.id });
    expect(jobs).toHaveLength(5);
    const sentItems = core.core.store.jobs.get(jobs[0]!.id)?.items ?? [];
    expect(sentItems).toEqual(
      expect.arrayContaining([
        { name: 'file-sw-type', value: 'Siemens SIP' },
        { name: 'file-sw-version', value: '3.5.12.0' },
        { name: 'file-priority', value: 'normal' },
      ]),
    );
    // While the first one is on its way, a second firmware job for the phone is refused.
    await expect(createJobs({ macs: [macs[0]!], kind: 'software-deployment', fileId: image.id })).rejects.toThrow(/has not finished/);
    await until(() => jobs.every((j) => stateOf(j.id) === 'done'), 'all 5 firmware jobs', 40_000);
    for (const phone of fleet.phones) {
      expect(phone.value('software-version')).toBe(NEW);
      expect(phone.stats.restarts).toBe(1);
      expect(phone.received).toEqual([{ name: 'opera_bind.img', type: 'APP', bytes: image.size, sha256: image.sha256 }]);
    }
    expect(core.core.store.phones.get(macs[0]!)?.softwareVersion).toBe(NEW);

    await expect(createJobs({ macs: [macs[0]!], kind: 'software-deployment', fileId: image.id })).rejects.toThrow(
      /already runs V3 R5\.12\.0/,
    );
    const os40 = await importBytes(makeFirmwareImage({ model: 'OpenStage 40', version: 'V3 R5.13.0', seed: 4 }), 'os40.img');
    await expect(createJobs({ macs, kind: 'software-deployment', fileId: os40.id })).rejects.toThrow(
      /image is for OpenStage 40, the phone is OpenStage 60/,
    );
    expect(core.core.store.jobs.list({ states: ['queued'] })).toEqual([]);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 90_000);

  it('a phone that fetches the image and stays on its version fails the job: the phone rejected the image', async () => {
    core = await startTestCore(ADOPT_ALL);
    const phone = phones.at(core, '127.0.113.1', '00:1A:E8:71:00:01', {
      rejectFirmware: 'hardware level 2 not supported',
      contactGapMs: 0,
    });
    await phone.start();
    await phone.waitForIdle();
    const old = phone.value('software-version');
    const image = await importBytes(makeFirmwareImage({ model: 'OpenStage 60', version: NEW }), 'os60.img');

    const { jobs } = await createJobs({ macs: [phone.mac], kind: 'software-deployment', fileId: image.id });
    const id = jobs[0]!.id;
    await until(() => core!.core.store.files.downloadsForJob(id).complete, 'the image fetched');
    await phone.waitForIdle();
    expect(stateOf(id)).toBe('running');
    // It carries on with its old version; its next contact tells.
    await phone.inventoryChange();
    await until(() => stateOf(id) === 'failed', 'the job failed');
    expect(core.core.store.jobs.get(id)?.reason).toMatch(/the phone rejected the image: it fetched all \d+ bytes/);
    expect(core.core.store.jobs.get(id)?.reason).toContain(`came back with ${old}`);
    expect(phone.stats.restarts).toBe(0);
  }, 30_000);

  it('at most fileServer.maxFirmwareDownloads phones get an image at once; the rest wait for a slot', async () => {
    core = await startTestCore({ ...ADOPT_ALL, fileServer: { port: 18446, maxFirmwareDownloads: 1 } });
    const slow = { downloadDelayMs: 1_000 };
    const two = [phones.at(core, '127.0.114.1', '00:1A:E8:72:00:01', slow), phones.at(core, '127.0.114.2', '00:1A:E8:72:00:02', slow)];
    for (const p of two) await p.start();
    for (const p of two) await p.waitForIdle();
    const image = await importBytes(makeFirmwareImage({ model: 'OpenStage 60', version: NEW }), 'os60.img');
    const { jobs } = await createJobs({ macs: two.map((p) => p.mac), kind: 'software-deployment', fileId: image.id });
    await until(() => jobs.some((j) => core!.core.store.jobs.get(j.id)?.reason?.includes('download slot')), 'one job waiting for a slot');
    const waiting = jobs.find((j) => core!.core.store.jobs.get(j.id)?.reason?.includes('download slot'))!;
    const first = jobs.find((j) => j !== waiting)!;
    await until(() => stateOf(first.id) === 'done', 'the first phone updated', 20_000);
    expect(['queued', 'waiting-for-phone']).toContain(stateOf(waiting.id));
    // The slot is free again: the waiting phone gets its image at its next contact.
    await two.find((p) => p.mac === waiting.mac)!.inventoryChange();
    await until(() => stateOf(waiting.id) === 'done', 'the second phone updated', 20_000);
    for (const p of two) expect(p.value('software-version')).toBe(NEW);
  }, 40_000);
});
