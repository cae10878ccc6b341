import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../shared/events.js';
import { settingsStoreOptions, type SettingsData } from '../../electron/core/settings/settings.js';
import { SiteHost } from '../../electron/core/sites/host.js';
import { startUiApi } from '../../electron/core/ui-api/server.js';
import { createKeyFileSecretBox } from '../../electron/core/store/secrets.js';
import { SimPhone } from '../sim/phone.js';
import { freePort, startTestCore } from '../support/core-harness.js';
import { png } from '../support/media-samples.js';
import { until } from '../support/wait.js';

/**
 * Sites over real sockets (issue 11): two sites on one laptop keep to their own phones; a site
 * exported and imported into a fresh data folder continues. Subnets 127.0.130–134 belong to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
const A_MACS = ['00:1A:E8:13:00:01', '00:1A:E8:13:00:02'];
/** Pre-staged in site A with a pending job that carries a password; it calls only after the import. */
const LATE_MAC = '00:1A:E8:13:00:03';
const B_MAC = '00:1A:E8:13:01:01';
const PASSPHRASE = 'Kabeltrommel-2026';

interface Running {
  host: SiteHost;
  root: string;
  port: number;
  logs: string[];
  events: AppEvent[];
}

const hosts: Running[] = [];
const phones: SimPhone[] = [];
const roots: string[] = [];

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  await Promise.all(hosts.splice(0).map((h) => h.host.stop()));
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'fieldstage-sites-'));
  roots.push(root);
  return root;
}

/** A laptop: one root folder, its settings and key; one fixed phone port, so phones keep calling across switches. */
async function startHost(root = newRoot(), settings: Partial<SettingsData> = ADOPT_ALL): Promise<Running> {
  const settingsStore = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: root, projectName: 'fieldstage-test' });
  settingsStore.set(settings);
  const port = await freePort();
  const logs: string[] = [];
  const host = await SiteHost.start({
    root,
    core: {
      settingsStore,
      secretBox: createKeyFileSecretBox(join(root, 'secret.key')),
      mode: 'browser',
      bindAddresses: ['127.0.0.1'],
      phonePort: port,
      securePort: 0,
      filePort: 0,
      reachIntervalMs: 200,
      log: (level, message) => logs.push(`${level}: ${message}`),
    },
  });
  const events: AppEvent[] = [];
  host.events.subscribe((event) => events.push(event));
  const running = { host, root, port, logs, events };
  hosts.push(running);
  return running;
}

function phone(running: Running, ip: string, mac: string): SimPhone {
  const sim = new SimPhone({ mac, ip, server: { host: '127.0.0.1', port: running.port }, contactMePort: 0, rebootDelayMs: 50 });
  phones.push(sim);
  return sim;
}

const listedMacs = async (host: SiteHost): Promise<string[]> =>
  (await host.handlers['phones.list']({ limit: 100 })).map((p) => p.mac).sort();

/** Site A: a profile, a roll-out list with passwords for two phones (zero touch), a pending job, the local CA, a file. */
async function prepareSiteA(running: Running): Promise<{ jobId: string }> {
  const { handlers } = running.host;
  await handlers['sites.rename']({ id: running.host.site().id, name: 'Site A' });
  const profile = await handlers['profiles.save']({ name: 'Office', items: [{ name: 'sntp-addr', value: 'ntp.site-a.example' }] });
  const csv = ['MAC;Extension;Name;SIP user;SIP password', `${A_MACS[0]};2001;Anna;2001;Pw-A1`, `${A_MACS[1]};2002;Bernd;2002;Pw-A2`].join(
    '\n',
  );
  const confirmed = await handlers['rollout.confirm']({ csv, profileId: profile.id });
  expect(confirmed.counts['not-seen']).toBe(2);
  const { jobs } = await handlers['jobs.create']({
    macs: [LATE_MAC],
    kind: 'write-items',
    items: [
      { name: 'sip-pwd', value: 'Late-Secret!' },
      { name: 'sntp-addr', value: 'ntp.late.example' },
    ],
  });
  await handlers['certificates.localCa']({});
  await running.host.upload(
    (async function* () {
      yield png(120, 60);
    })(),
    'logo.png',
    undefined,
  );
  const a = A_MACS.map((mac, i) => phone(running, `127.0.130.${i + 1}`, mac));
  await Promise.all(a.map((p) => p.start()));
  await until(() => running.host.core.rollout.status().counts.done === 2, "site A's two phones provisioned", 30_000);
  expect(a[0]?.value('sip-pwd')).toBe('Pw-A1');
  expect(a[1]?.value('sntp-addr')).toBe('ntp.site-a.example');
  return { jobId: jobs[0]!.id };
}

describe('two sites on one laptop', () => {
  it("site B leaves site A's phones alone (no adoption, no listing, no bench row); back in A all is as it was", async () => {
    const laptop = await startHost();
    await prepareSiteA(laptop);
    const [a1] = phones;
    const siteA = laptop.host.site();

    const siteB = await laptop.host.handlers['sites.create']({ name: 'Site B', open: true });
    expect(siteB.open).toBe(true);
    expect(laptop.events.some((e) => e.type === 'site.opened' && e.site.name === 'Site B')).toBe(true);
    expect(await listedMacs(laptop.host)).toEqual([]);
    // B's rules: adopt all (laptop-wide) and bench mode with a free row.
    await laptop.host.handlers['rollout.confirm']({ csv: 'Extension;Name\n3001;Bench' });
    await laptop.host.handlers['rollout.benchMode']({ on: true });

    const cleanUps = a1!.nextCleanUp(10_000);
    await a1!.boot();
    await cleanUps;
    await a1!.waitForIdle();
    expect(laptop.logs.some((l) => l.includes(`${A_MACS[0]}`) && l.includes('belongs to site Site A; open that site to work on it'))).toBe(
      true,
    );
    expect(await listedMacs(laptop.host)).toEqual([]);
    expect(laptop.host.core.store.phones.get(A_MACS[0]!)).toBeUndefined();
    expect(laptop.host.core.rollout.status().rows[0]?.mac).toBeNull();

    const b1 = phone(laptop, '127.0.131.1', B_MAC);
    await b1.start();
    await until(() => laptop.host.core.rollout.status().counts.done === 1, "B's own phone takes the bench row", 30_000);
    expect(await listedMacs(laptop.host)).toEqual([B_MAC]);
    expect(b1.value('e164')).toBe('3001');
    expect(a1!.value('e164')).toBe('2001');

    await laptop.host.handlers['sites.open']({ id: siteA.id });
    expect(laptop.host.site().name).toBe('Site A');
    expect(await listedMacs(laptop.host)).toEqual([...A_MACS, LATE_MAC].sort());
    const status = laptop.host.core.rollout.status();
    expect(status.counts.done).toBe(2);
    await b1.boot();
    await b1.waitForIdle();
    expect(await listedMacs(laptop.host)).not.toContain(B_MAC);
    expect(laptop.logs.some((l) => l.includes(B_MAC) && l.includes('belongs to site Site B'))).toBe(true);

    const list = await laptop.host.handlers['sites.list']({});
    expect(list.sites.map((s) => [s.name, s.open])).toEqual([
      ['Site A', true],
      ['Site B', false],
    ]);
    await expect(laptop.host.handlers['sites.archive']({ id: siteA.id, archived: true })).rejects.toThrow(/cannot be archived/);
    expect((await laptop.host.handlers['sites.archive']({ id: siteB.id, archived: true })).archivedAt).not.toBeNull();
    await expect(laptop.host.handlers['sites.open']({ id: siteB.id })).rejects.toThrow(/archived/);
  }, 90_000);

  it('opens the site that was open when the app stopped', async () => {
    const root = newRoot();
    const first = await startHost(root);
    const created = await first.host.handlers['sites.create']({ name: 'Morgen', open: true });
    await first.host.stop();
    hosts.splice(hosts.indexOf(first), 1);
    const again = await startHost(root);
    expect(again.host.site()).toMatchObject({ id: created.id, name: 'Morgen', open: true });
  });
});

describe('export and import', () => {
  it('with a passphrase: a fresh laptop continues exactly (phones, jobs, profiles, roll-out passwords, certificates, files)', async () => {
    const laptop = await startHost();
    const { jobId } = await prepareSiteA(laptop);
    const exported = await laptop.host.handlers['sites.export']({ passphrase: PASSPHRASE });
    expect(exported).toMatchObject({ secretsIncluded: true, leftOut: [], cancelled: false });
    expect(laptop.events.some((e) => e.type === 'site.progress' && e.progress.operation === 'export')).toBe(true);
    const file = exported.savedTo!;
    expect(readFileSync(file).includes(Buffer.from('Pw-A1'))).toBe(false);
    await Promise.all(phones.splice(0).map((p) => p.stop()));

    const colleague = await startHost();
    const sitesBefore = readdirSync(join(colleague.root, 'sites'));
    const upload = async () => colleague.host.receiveSiteFile(createReadStream(file));

    await expect(
      colleague.host.handlers['sites.import']({ uploadId: (await upload()).uploadId, passphrase: 'not-the-passphrase', open: false }),
    ).rejects.toThrow(/wrong passphrase/);
    await expect(colleague.host.handlers['sites.import']({ uploadId: (await upload()).uploadId, open: false })).rejects.toThrow(
      /give the passphrase/,
    );
    const corrupt = join(colleague.root, 'corrupt.fieldstage-site');
    const bytes = readFileSync(file);
    bytes.fill(0x55, Math.floor(bytes.length / 3), Math.floor(bytes.length / 3) + 64);
    writeFileSync(corrupt, bytes);
    const corruptUpload = await colleague.host.receiveSiteFile(createReadStream(corrupt));
    await expect(
      colleague.host.handlers['sites.import']({ uploadId: corruptUpload.uploadId, passphrase: PASSPHRASE, open: false }),
    ).rejects.toThrow(/cannot be imported/);
    const notZip = await colleague.host.receiveSiteFile(createReadStream(join(colleague.root, 'secret.key')));
    await expect(colleague.host.handlers['sites.import']({ uploadId: notZip.uploadId, open: false })).rejects.toThrow(/no manifest/);
    expect((await colleague.host.handlers['sites.list']({})).sites).toHaveLength(1);
    expect(readdirSync(join(colleague.root, 'sites'))).toEqual(sitesBefore);

    const imported = await colleague.host.handlers['sites.import']({
      uploadId: (await upload()).uploadId,
      passphrase: PASSPHRASE,
      open: true,
    });
    expect(imported.site).toMatchObject({ name: 'Site A', open: true });
    const { handlers } = colleague.host;
    expect(await listedMacs(colleague.host)).toEqual([...A_MACS, LATE_MAC].sort());
    expect((await handlers['profiles.list']({})).map((p) => [p.name, p.items])).toEqual([
      ['Office', [{ name: 'sntp-addr', value: 'ntp.site-a.example' }]],
    ]);
    expect(colleague.host.core.rollout.status().counts.done).toBe(2);
    expect((await handlers['rollout.export']({ withPasswords: true })).csv).toContain('Pw-A2');
    const ca = (await handlers['certificates.list']({})).find((c) => c.origin === 'local-ca');
    expect(ca?.hasKey).toBe(true);
    expect(colleague.host.core.store.certificates.privateKeyPem(ca!.id)).toContain('PRIVATE KEY');
    expect((await handlers['files.list']({})).map((f) => f.name)).toEqual(['logo.png']);
    expect(colleague.host.core.info().certificateFingerprint).toBe(laptop.host.core.info().certificateFingerprint);

    // The pending job runs when its phone calls the new laptop, with its password resealed.
    const late = phone(colleague, '127.0.132.1', LATE_MAC);
    await late.start();
    await until(() => colleague.host.core.store.jobs.get(jobId)?.state === 'done', 'the pending job after the import', 30_000);
    expect(late.value('sip-pwd')).toBe('Late-Secret!');
    expect(late.value('sntp-addr')).toBe('ntp.late.example');
  }, 120_000);

  it('without a passphrase: secrets are left out and said so; the rest arrives', async () => {
    const laptop = await startHost();
    const { jobId } = await prepareSiteA(laptop);
    const exported = await laptop.host.handlers['sites.export']({});
    expect(exported.secretsIncluded).toBe(false);
    const leftOut = exported.leftOut.join('\n');
    expect(leftOut).toContain('sip_password of 2 roll-out row(s)');
    expect(leftOut).toContain('private keys of 1 certificate(s)');
    expect(leftOut).toContain('server certificate');
    expect(leftOut).toContain('secret values in 3 job(s) (unfinished ones no longer write them)');
    const file = readFileSync(exported.savedTo!);
    for (const secret of ['Pw-A1', 'Late-Secret!', 'PRIVATE KEY']) expect(file.includes(Buffer.from(secret))).toBe(false);

    const colleague = await startHost();
    const upload = await colleague.host.receiveSiteFile(createReadStream(exported.savedTo!));
    const imported = await colleague.host.handlers['sites.import']({ uploadId: upload.uploadId, open: true });
    expect(imported.leftOut).toEqual(exported.leftOut);
    const { handlers, core } = colleague.host;
    expect(await listedMacs(colleague.host)).toEqual([...A_MACS, LATE_MAC].sort());
    const csv = (await handlers['rollout.export']({ withPasswords: true })).csv;
    expect(csv).toContain('Anna');
    expect(csv).not.toContain('Pw-A1');
    expect((await handlers['certificates.list']({})).find((c) => c.origin === 'local-ca')?.hasKey).toBe(false);
    const job = core.store.jobs.get(jobId, { reveal: true });
    expect(job?.items).toEqual([{ name: 'sntp-addr', value: 'ntp.late.example' }]);
    expect(job?.warnings.join(' ')).toContain('sip-pwd left out');
  }, 120_000);
});

describe('browser mode', () => {
  it('uploads, imports and downloads site files over the UI API behind the token', async () => {
    const laptop = await startHost();
    await laptop.host.handlers['sites.rename']({ id: laptop.host.site().id, name: 'Über HTTP' });
    const ui = await startUiApi({
      handlers: laptop.host.handlers,
      events: laptop.host.events,
      rendererDir: laptop.root,
      siteUpload: (body) => laptop.host.receiveSiteFile(body),
      siteDownload: (id) => laptop.host.exportFile(id),
    });
    try {
      const base = `http://127.0.0.1:${ui.port}/api`;
      const auth = { authorization: `Bearer ${ui.token}` };
      const call = async (method: string, body: object) =>
        fetch(`${base}/${method}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const short = await call('sites.export', { passphrase: 'short' });
      expect(short.status).toBe(400);
      const exported = (await (await call('sites.export', { passphrase: PASSPHRASE })).json()) as { url: string; size: number };
      expect((await fetch(`http://127.0.0.1:${ui.port}${exported.url}`)).status).toBe(401);
      const download = await fetch(`http://127.0.0.1:${ui.port}${exported.url}`, { headers: auth });
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(bytes.length).toBe(exported.size);
      const upload = (await (await fetch(`${base}/sites.upload`, { method: 'POST', headers: auth, body: bytes })).json()) as {
        uploadId: string;
      };
      const wrong = await call('sites.import', { uploadId: upload.uploadId, passphrase: 'falsch-falsch' });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { error: string }).error).toMatch(/^wrong passphrase/);
      const again = (await (await fetch(`${base}/sites.upload`, { method: 'POST', headers: auth, body: bytes })).json()) as {
        uploadId: string;
      };
      const imported = await call('sites.import', { uploadId: again.uploadId, passphrase: PASSPHRASE });
      expect(((await imported.json()) as { site: { name: string } }).site.name).toBe('Über HTTP (2)');
    } finally {
      await ui.close();
    }
  }, 60_000);
});

describe('upgrade', () => {
  it('moves a data folder from before sites into a first site, losing nothing', async () => {
    const root = newRoot();
    const legacy = await startTestCore(ADOPT_ALL, {}, root);
    const old = new SimPhone({
      mac: '00:1A:E8:13:04:01',
      ip: '127.0.134.1',
      server: { host: '127.0.0.1', port: legacy.port },
      contactMePort: 0,
    });
    phones.push(old);
    await old.start();
    await until(() => legacy.core.store.phones.get('00:1A:E8:13:04:01')?.inventoryComplete === true, 'the phone known before sites');
    await old.stop();
    const { jobs } = await legacy.core.handlers['jobs.create']({ macs: ['00:1A:E8:13:04:01'], kind: 'read-all', items: [] });
    await legacy.stop({ keepData: true });
    expect(existsSync(join(root, 'fieldstage.db'))).toBe(true);

    const laptop = await startHost(root);
    expect(laptop.host.site()).toMatchObject({ id: 'site-1', name: 'Site 1', open: true });
    expect(existsSync(join(root, 'fieldstage.db'))).toBe(false);
    expect(existsSync(join(root, 'sites', 'site-1', 'fieldstage.db'))).toBe(true);
    expect(existsSync(join(root, 'sites', 'site-1', 'tls'))).toBe(true);
    expect(await listedMacs(laptop.host)).toEqual(['00:1A:E8:13:04:01']);
    expect(laptop.host.core.store.jobs.get(jobs[0]!.id)).toMatchObject({ mac: '00:1A:E8:13:04:01', kind: 'read-all' });
    expect(existsSync(join(root, 'secret.key'))).toBe(true);
  }, 60_000);
});
