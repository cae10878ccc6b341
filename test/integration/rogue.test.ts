import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/catalogue.js';
import type { WpiItem } from '../../shared/protocol.js';
import { CONTACT_ME_PATH, sendContactMe, type ContactMeRequest } from '../../electron/core/discovery/contact-me.js';
import type { SimPhone } from '../sim/phone.js';
import { loadFixtureItems } from '../sim/items.js';
import { serializeMessage } from '../sim/wire.js';
import { freePort, startTestCore, type TestCore } from '../support/core-harness.js';
import { TestPhones } from '../support/phones.js';
import { HostileSession, dlsSummary } from '../support/raw-client.js';
import { readAllFragment, reason, workpoint } from '../support/hostile-inputs.js';
import { until } from '../support/wait.js';

/**
 * A hostile LAN (issue 13): a rogue device taking over an adopted phone's MAC, contact-me URIs
 * pointing elsewhere, secrets and the plain-HTTP listener, credentials the catalogue does not
 * know, forged log lines, and the data folder's modes. Subnets 127.0.60–66 belong to this file.
 */

const ADOPT_ALL = { adoption: { adoptAll: true, macs: [], prefixes: [] } };
const SIP_SECRET = 'Sip-Secret-4711';

let core: TestCore | null = null;
const phones = new TestPhones();
const servers: Server[] = [];

afterEach(async () => {
  await phones.stopAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await core?.stop();
  core = null;
});

const phoneAt = (ip: string, mac: string, options: Parameters<TestPhones['at']>[3] = {}): SimPhone => phones.at(core, ip, mac, options);

function withItem(items: readonly WpiItem[], name: string, value: string): WpiItem[] {
  const out = items.filter((i) => !(i.name === name && i.index === undefined));
  out.push({ name, value });
  return out;
}

const jobOf = (id: string) => {
  const job = core?.core.store.jobs.get(id);
  if (!job) throw new Error(`no job ${id}`);
  return job;
};

/** Every WriteItems the service sent to `peer`, as XML. */
function writesTo(peer: string): string[] {
  const store = core!.core.store;
  return store.exchanges
    .list({ limit: 10_000 })
    .filter((e) => e.peer === peer && e.action === 'WriteItems')
    .map((e) => store.exchanges.get(e.id)?.responseXml ?? '');
}

describe('a changed identity holds the writing jobs until the technician confirms', () => {
  it('a rogue with an adopted MAC, another address, part number and number gets no secret', async () => {
    core = await startTestCore(ADOPT_ALL);
    const mac = '00:1A:E8:60:00:01';
    const real = phoneAt('127.0.60.1', mac, { e164: '4930600001' });
    await real.start();
    await real.waitForIdle();
    await real.stop();
    const before = core.core.store.phones.get(mac)!;
    expect(before.partNumber).toBe('S30817-S7403-C101-020');

    const {
      jobs: [job],
    } = await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sip-pwd', value: SIP_SECRET }] });

    const rogue = phoneAt('127.0.60.2', mac, {
      e164: '4930999999',
      model: 'OpenStage 40',
      items: withItem(loadFixtureItems(), 'part-number', 'S30817-S7402-X999-001'),
    });
    await rogue.start();
    await rogue.waitForIdle();
    await until(() => core!.core.store.phones.get(mac)?.lastContact !== before.lastContact, 'rogue contact recorded');

    // Nothing secret went to the rogue, and the job says why it waits.
    expect(writesTo('127.0.60.2')).toEqual([]);
    expect(rogue.value('sip-pwd')).not.toBe(SIP_SECRET);
    expect(jobOf(job!.id).state).not.toBe('done');
    expect(jobOf(job!.id).reason).toMatch(/^held: identity changed/);
    // The trusted identity stays; the UI sees what changed, old → new.
    const stored = core.core.store.phones.get(mac)!;
    expect(stored.ip).toBe('127.0.60.1');
    expect(stored.partNumber).toBe('S30817-S7403-C101-020');
    expect(stored.e164).toBe('4930600001');
    const summary = await core.core.handlers['phones.get']({ mac });
    expect(summary.identityChange?.changes).toEqual(
      expect.arrayContaining([
        { field: 'partNumber', from: 'S30817-S7403-C101-020', to: 'S30817-S7402-X999-001' },
        { field: 'model', from: 'OpenStage 60', to: 'OpenStage 40' },
        { field: 'ip', from: '127.0.60.1', to: '127.0.60.2' },
        { field: 'e164', from: '4930600001', to: '4930999999' },
      ]),
    );
    expect((await core.core.handlers['phones.list']({ limit: 100 })).find((p) => p.mac === mac)?.identityChange).not.toBeNull();
    expect(core.logs.some((l) => l.includes(mac) && l.includes('identity changed'))).toBe(true);

    // The technician confirms: the new identity is taken and the held job runs.
    expect(await core.core.handlers['phones.confirmIdentity']({ mac })).toEqual({ confirmed: true });
    expect(core.core.store.phones.get(mac)?.ip).toBe('127.0.60.2');
    expect((await core.core.handlers['phones.get']({ mac })).identityChange).toBeNull();
    await until(() => jobOf(job!.id).state === 'done', 'held job sent after confirmation');
    expect(rogue.value('sip-pwd')).toBe(SIP_SECRET);
    expect(await core.core.handlers['phones.confirmIdentity']({ mac })).toEqual({ confirmed: false });
  }, 60_000);

  it('a plain DHCP address change of an otherwise identical phone stays silent', async () => {
    core = await startTestCore(ADOPT_ALL);
    const mac = '00:1A:E8:60:00:03';
    const first = phoneAt('127.0.60.3', mac);
    await first.start();
    await first.waitForIdle();
    await first.stop();
    const moved = phoneAt('127.0.60.4', mac);
    await moved.start();
    await moved.waitForIdle();
    await until(() => core!.core.store.phones.get(mac)?.ip === '127.0.60.4', 'new address stored');
    expect(core.core.store.phones.get(mac)?.contactMeUri).toBe(moved.contactMeUri);
    expect((await core.core.handlers['phones.get']({ mac })).identityChange).toBeNull();
    const {
      jobs: [job],
    } = await core.core.handlers['jobs.create']({ macs: [mac], kind: 'write-items', items: [{ name: 'sip-pwd', value: SIP_SECRET }] });
    await until(() => jobOf(job!.id).state === 'done', 'job after a DHCP change');
    expect(moved.value('sip-pwd')).toBe(SIP_SECRET);
  }, 60_000);

  it('phones.confirmIdentity answers 404 for an unknown phone', async () => {
    core = await startTestCore();
    await expect(core.core.handlers['phones.confirmIdentity']({ mac: '00:1A:E8:60:00:99' })).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('contact-me-uri from a phone', () => {
  it('is used only on the address the phone came from and with the contact-me path', async () => {
    const sent: ContactMeRequest[] = [];
    core = await startTestCore(ADOPT_ALL, {
      sendContactMe: (request) => {
        sent.push(request);
        return sendContactMe(request);
      },
    });
    // Where the hostile URI points: nothing may ever connect here.
    let connections = 0;
    const target = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    servers.push(target);
    await new Promise<void>((r) => target.listen(0, '127.0.61.9', r));
    const port = (target.address() as { port: number }).port;
    const mac = '00:1A:E8:61:00:01';
    const hostile = `http://127.0.61.9:${port}/internal/admin?action=reboot`;
    const session = new HostileSession(core.port, '127.0.61.1');
    try {
      const items: WpiItem[] = [
        { name: 'mac-addr', value: mac },
        { name: 'contact-me-uri', value: hostile },
        { name: 'e164', value: '4930610001' },
      ];
      const answer = await session.post(serializeMessage('C0NTACT000000001', -1, { reason: 'start-up', items })[0]!);
      expect(answer.ok && dlsSummary(answer.body.toString()).action).toBe('ReadAllItems');
      const done = await session.post(readAllFragment('C0NTACT000000001', 'final', items));
      expect(done.ok && dlsSummary(done.body.toString()).action).toBe('CleanUp');
    } finally {
      session.close();
    }
    expect(core.core.store.phones.get(mac)?.contactMeUri).toBe(`http://127.0.61.1:8085${CONTACT_ME_PATH}`);
    expect(core.logs.some((l) => l.includes('contact-me-uri') && l.includes('127.0.61.1'))).toBe(true);

    // A job makes the reacher wake the phone: it goes to the default URI of the phone's address.
    await core.core.handlers['jobs.create']({ macs: [mac], kind: 'read-all', items: [] });
    await until(() => sent.some((r) => r.phoneIp === '127.0.61.1'), 'contact-me sent');
    expect(sent.map((r) => r.uri ?? `default ${r.phoneIp}`)).toEqual(sent.map(() => `http://127.0.61.1:8085${CONTACT_ME_PATH}`));
    expect(connections).toBe(0);
  }, 30_000);
});

describe('the plain-HTTP listener never carries catalogue secrets', () => {
  it('a secret job waits for the next HTTPS contact while the rest proceeds', async () => {
    const httpPort = await freePort();
    core = await startTestCore({ ...ADOPT_ALL, httpPort });
    const mac = '00:1A:E8:62:00:01';
    const plain = phoneAt('127.0.62.1', mac, { server: { host: '127.0.0.1', port: httpPort, plain: true } });
    await plain.start();
    await plain.waitForIdle();
    expect(core.core.store.phones.get(mac)?.inventoryComplete).toBe(true);

    // Both queued in one transaction, before the one contact-me (a minute apart at most) wakes the phone.
    const { store } = core.core;
    const [secret, ordinary] = store.transaction(() => [
      store.jobs.create(mac, 'write-items', [{ name: 'sip-pwd', value: SIP_SECRET }]),
      store.jobs.create(mac, 'write-items', [{ name: 'sntp-addr', value: 'ntp.example.org' }]),
    ]);
    await core.core.tick();
    await until(() => jobOf(ordinary.id).state === 'done', 'ordinary job over plain HTTP');
    await plain.waitForIdle();
    expect(plain.value('sntp-addr')).toBe('ntp.example.org');
    expect(plain.value('sip-pwd')).not.toBe(SIP_SECRET);
    expect(jobOf(secret.id).state).not.toBe('done');
    expect(writesTo('127.0.62.1').some((xml) => xml.includes('sip-pwd'))).toBe(false);
    await plain.stop();

    // The same phone, now over HTTPS: the secret job goes out.
    const secure = phoneAt('127.0.62.1', mac);
    await secure.start();
    await until(() => jobOf(secret.id).state === 'done', 'secret job over HTTPS');
    expect(secure.value('sip-pwd')).toBe(SIP_SECRET);
  }, 60_000);
});

describe('credentials the catalogue does not know', () => {
  it('are sealed in the store and masked in the UI', async () => {
    core = await startTestCore();
    const mac = '00:1A:E8:63:00:01';
    const voicemail = 'Voicemail-Pin-90210';
    const phone = phoneAt('127.0.63.1', mac, { items: withItem(loadFixtureItems(), 'voicemail-pwd', voicemail) });
    await phone.start();
    await phone.waitForIdle();
    await until(() => core!.core.store.phones.get(mac)?.inventoryComplete === true, 'inventory');
    const item = (await core.core.handlers['phones.items']({ mac })).find((i) => i.name === 'voicemail-pwd');
    expect(item).toMatchObject({ value: SECRET_MASK, secret: true });
    expect(await core.core.handlers['phones.revealItem']({ mac, name: 'voicemail-pwd' })).toEqual({ value: voicemail });
    // A read-items job reports the value in its results: sealed there too.
    const {
      jobs: [job],
    } = await core.core.handlers['jobs.create']({ macs: [mac], kind: 'read-items', items: [{ name: 'voicemail-pwd', value: '' }] });
    await until(() => jobOf(job!.id).state === 'done', 'read job');
    const [view] = await core.core.handlers['jobs.list']({ mac, limit: 10 });
    expect(view?.results).toEqual([{ name: 'voicemail-pwd', value: SECRET_MASK, status: 'accepted' }]);

    const dataDir = core.dataDir;
    await core.stop({ keepData: true });
    const bytes = readdirSync(dataDir)
      .filter((f) => f.startsWith('fieldstage.db'))
      .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
      .join('');
    expect(bytes).toContain('voicemail-pwd');
    expect(bytes).not.toContain(voicemail);
    core = await startTestCore({}, {}, dataDir);
  }, 60_000);
});

describe('log lines carry phone input escaped', () => {
  it('a %0A in a poll device-id or a &#10; in a nonce cannot forge a line', async () => {
    const httpPort = await freePort();
    core = await startTestCore({ httpPort });
    const poll = await fetch(`http://127.0.0.1:${httpPort}/dcmp/contact-me?device-id=zz%0Awarn:%20forged%20poll%1B[2J`);
    expect(poll.status).toBe(400);
    const session = new HostileSession(core.port, '127.0.64.1');
    try {
      const answer = await session.post(workpoint('nonce="AB&#10;warn: forged nonce&#13;x"', reason('start-up')));
      expect(answer.ok && answer.status).toBe(200);
    } finally {
      session.close();
    }
    await until(() => core!.logs.some((l) => l.includes('forged nonce')), 'nonce logged');
    const forged = core.logs.filter((l) => l.includes('forged'));
    expect(forged.length).toBeGreaterThanOrEqual(2);
    expect(core.logs.filter((l) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(l))).toEqual([]);
    expect(forged.some((l) => l.includes('zz\\nwarn: forged poll\\x1b[2J'))).toBe(true);
    expect(forged.some((l) => l.includes('AB\\nwarn: forged nonce\\rx'))).toBe(true);
  });
});

describe('the data folder', () => {
  const modeOf = (path: string): number => statSync(path).mode & 0o777;
  const everything = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      return e.isDirectory() ? [path, ...everything(path)] : [path];
    });

  it('is 0700 with its files 0600, also when it existed with looser modes', async () => {
    core = await startTestCore();
    const { dataDir } = core;
    const check = (): void => {
      expect(modeOf(dataDir)).toBe(0o700);
      const paths = everything(dataDir);
      expect(paths.map((p) => p.slice(dataDir.length + 1))).toEqual(
        expect.arrayContaining(['config.json', 'fieldstage.db', 'fieldstage.db-wal', 'fieldstage.db-shm', 'secret.key', 'tls']),
      );
      expect(paths.filter((p) => modeOf(p) !== (statSync(p).isDirectory() ? 0o700 : 0o600))).toEqual([]);
    };
    check();
    // A settings change rewrites the settings file: still private.
    await core.core.handlers['settings.update']({ theme: 'dark' });
    check();
    await core.stop({ keepData: true });
    for (const path of everything(dataDir)) chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
    chmodSync(dataDir, 0o755);
    core = await startTestCore({}, {}, dataDir);
    check();
  });
});
