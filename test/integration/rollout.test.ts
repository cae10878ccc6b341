import { afterEach, describe, expect, it } from 'vitest';
import type { ApiReq } from '../../shared/api.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { until } from '../support/wait.js';

/**
 * The site roll-out over real sockets: a German Excel extension list (`;`, Windows-1252,
 * umlauts) for 60 simulated phones, 50 pre-staged by MAC and 10 taken in bench mode.
 * Subnets 127.0.120–129.
 */

let core: TestCore | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  await core?.stop();
  core = null;
});

const api = <M extends 'rollout.import' | 'rollout.confirm'>(method: M, req: ApiReq<M>) => {
  if (!core) throw new Error('core not started');
  return core.core.handlers[method](req as never) as ReturnType<TestCore['core']['handlers'][M]>;
};

const NAMES = ['Jürgen Müller', 'Änne Groß', 'Björn Öztürk', 'Zoë Weiß', 'Anna Schmidt'];

/** What German Excel writes for "CSV (Trennzeichen-getrennt)": `;`, CRLF, Windows-1252. */
function germanExcelCsv(rows: { mac: string; extension: string; name: string; password: string }[]): Buffer {
  const text = [
    'MAC-Adresse;Rufnummer;Anzeigename;Benutzername;Passwort',
    ...rows.map((r) => `${r.mac};${r.extension};${r.name};${r.extension};"${r.password}"`),
  ].join('\r\n');
  return Buffer.from(text, 'latin1');
}

describe('site roll-out from an extension list', () => {
  it('60 phones end provisioned with their own row: 50 by MAC (zero touch), 10 in bench mode; the report lists all 60', async () => {
    core = await startTestCore({ adoption: { adoptAll: false, macs: [], prefixes: [] } });
    fleet = createFleet({
      count: 60,
      server: { host: '127.0.0.1', port: core.port },
      firstSubnet: 120,
      contactMePort: 0,
      firstMac: 0x780001,
    });
    const rows = fleet.phones.map((p, i) => ({
      // Every common spelling of a MAC appears in customers' lists.
      mac: i >= 50 ? '' : i % 3 === 0 ? p.mac.replace(/:/g, '-').toLowerCase() : i % 3 === 1 ? p.mac.replace(/:/g, '') : p.mac,
      extension: String(2000 + i),
      name: `${NAMES[i % NAMES.length]} ${i}`,
      password: `Pw;${i}`,
    }));
    const csvBase64 = germanExcelCsv(rows).toString('base64');

    const preview = await api('rollout.import', { csvBase64 });
    expect(preview.problems).toEqual([]);
    expect(preview.encoding).toBe('windows-1252');
    expect(preview.delimiter).toBe(';');
    expect(preview.rows).toHaveLength(60);
    expect(preview.rows[1]?.values.display_name).toBe('Änne Groß 1');
    expect(JSON.stringify(preview)).not.toContain('Pw;1');
    expect(core.core.store.phones.list()).toEqual([]);

    const confirmed = await api('rollout.confirm', { csvBase64 });
    expect(confirmed.counts).toMatchObject({ 'not-seen': 50, unassigned: 10 });
    await core.core.handlers['rollout.benchMode']({ on: true });

    await fleet.startAll({ concurrency: 20 });
    await until(() => core!.core.rollout.status().counts.done === 60, 'all 60 rows done', 60_000);
    const status = await core.core.handlers['rollout.status']({});
    expect(status.percent).toBe(100);
    const byExtension = new Map(rows.map((r) => [r.extension, r]));
    for (const phone of fleet.phones) {
      const extension = phone.value('e164') ?? '';
      const row = byExtension.get(extension);
      expect(row, `${phone.mac} got extension ${extension}`).toBeDefined();
      expect(phone.value('display-id-unicode')).toBe(row?.name);
      expect(phone.value('sip-user-id')).toBe(row?.extension);
      expect(phone.value('sip-pwd')).toBe(row?.password);
      byExtension.delete(extension);
    }
    expect(byExtension.size).toBe(0);
    expect(status.rows.filter((r) => r.line > 51).every((r) => r.mac !== null)).toBe(true);

    const { csv } = await core.core.handlers['report.csv']({ site: 'Muster GmbH', technician: 'T. Test', language: 'de' });
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(61);
    expect(lines[0]).toContain('Rufnummer');
    expect(lines.filter((l) => l.includes(';fertig;'))).toHaveLength(60);
    expect(csv).toContain('Jürgen Müller 0');
    // The list exported goes back in unchanged: the bench's MACs are in it now, passwords only on request.
    const exported = await core.core.handlers['rollout.export']({ withPasswords: true });
    const again = await api('rollout.import', { csv: exported.csv });
    expect(again.problems).toEqual([]);
    expect(again.rows.every((r) => r.mac !== null)).toBe(true);
    expect((await core.core.handlers['rollout.export']({ withPasswords: false })).csv).not.toContain('Pw;1');
    const { html } = await core.core.handlers['report.html']({ site: 'Muster GmbH', technician: 'T. Test', language: 'en' });
    expect(html).toContain('Muster GmbH');
    expect(html.match(/<tr class="done">/g)).toHaveLength(60);
    expect(core.invalidSentMessages()).toEqual([]);
  }, 120_000);

  it('refuses a broken list with every problem and changes nothing', async () => {
    core = await startTestCore();
    const good = germanExcelCsv([{ mac: '00:1A:E8:78:10:01', extension: '100', name: 'Ok', password: 'x' }]).toString('base64');
    await api('rollout.confirm', { csvBase64: good });
    const before = await core.core.handlers['rollout.status']({});

    const broken = [
      'MAC;Rufnummer;Anzeigename',
      '00:1A:E8:78:10:02;200;Eins',
      'not-a-mac;201;Zwei',
      '00-1A-E8-78-10-02;202;Doppelt',
      '00:1A:E8:78:10:04;200;Gleiche Nummer',
      '00:1A:E8:78:10:05;;Ohne Nummer',
      '00:1A:E8:78:10:06;20x;Falsche Nummer',
    ].join('\n');
    const preview = await api('rollout.import', { csv: broken });
    const found = preview.problems.map((p) => [p.line, p.column, p.message]);
    expect(found).toEqual([
      [3, 'MAC', expect.stringContaining('"not-a-mac" is not a MAC address')],
      [4, 'MAC', expect.stringContaining('MAC 00:1A:E8:78:10:02 is on line 2 already')],
      [5, 'Rufnummer', expect.stringContaining('extension 200 is on line 2 already')],
      [6, 'Rufnummer', 'no extension'],
      [7, 'Rufnummer', expect.stringContaining('e164 = "20x"')],
    ]);
    const missing = await api('rollout.import', { csv: 'MAC;Anzeigename\n00:1A:E8:78:10:07;Ohne Spalte' });
    expect(missing.problems.map((p) => p.message)).toContain('no extension column (e.g. "Extension" or "Rufnummer")');

    await expect(api('rollout.confirm', { csv: broken })).rejects.toThrow(/5 problem\(s\); nothing was changed/);
    const after = await core.core.handlers['rollout.status']({});
    expect(after.rows.map((r) => [r.line, r.mac, r.extension])).toEqual(before.rows.map((r) => [r.line, r.mac, r.extension]));
    expect(core.core.store.phones.list().map((p) => p.mac)).toEqual(['00:1A:E8:78:10:01']);
  });

  it('a profile with variables is resolved per phone; an unknown variable stops that row with the item named', async () => {
    core = await startTestCore();
    const profile = await core.core.handlers['profiles.save']({
      name: 'Office',
      items: [
        { name: 'sntp-addr', value: 'ntp.example' },
        { name: 'sip-name', value: '{{display_name}} ({{extension}})' },
      ],
    });
    const preview = await api('rollout.import', { csv: 'MAC,Extension,Display name\n00:1A:E8:78:20:01,300,Eva', profileId: profile.id });
    expect(preview.problems).toEqual([]);
    expect(preview.rows[0]?.items).toEqual(
      expect.arrayContaining([
        { name: 'sntp-addr', value: 'ntp.example' },
        { name: 'sip-name', value: 'Eva (300)' },
        { name: 'e164', value: '300' },
      ]),
    );
    const sample = await core.core.handlers['rollout.sample']({
      profileId: (
        await core.core.handlers['profiles.save']({ name: 'Rooms', items: [{ name: 'sip-name', value: '{{display_name}} {{room}}' }] })
      ).id,
    });
    expect(sample.csv.split('\r\n')[0]).toBe('\uFEFFmac;extension;display_name;sip_user;sip_password;room');
    expect((await api('rollout.import', { csv: sample.csv })).problems).toEqual([]);
    // A row whose profile needs the phone's model waits for it; its profile cannot be removed meanwhile.
    const byModel = await core.core.handlers['profiles.save']({
      name: 'By model',
      items: [{ name: 'sip-name', value: '{{display_name}} {{model}}' }],
    });
    await api('rollout.confirm', { csv: 'MAC,Extension,Display name\n00:1A:E8:78:20:02,301,Udo', profileId: byModel.id });
    expect(core.core.rollout.status().rows.map((r) => [r.mac, r.jobId])).toEqual([['00:1A:E8:78:20:02', null]]);
    await expect(core.core.handlers['profiles.remove']({ id: byModel.id })).rejects.toThrow(/rows still waiting for their phone/);
    expect((await core.core.handlers['profiles.list']({})).some((p) => p.id === byModel.id)).toBe(true);
    const typo = await core.core.handlers['profiles.save']({ name: 'Typo', items: [{ name: 'sip-name', value: '{{dispaly_name}}' }] });
    const bad = await api('rollout.import', { csv: 'MAC,Extension\n00:1A:E8:78:20:01,300', profileId: typo.id });
    expect(bad.problems).toEqual([
      { line: 2, column: null, message: 'sip-name: {{dispaly_name}} has no value (no such column in the list)' },
    ]);
  });
});

describe('profiles from a configured phone', () => {
  it('takes the settings, leaves out identity, per-phone and secret items with the reason, and applies with a diff', async () => {
    core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
    fleet = createFleet({
      count: 2,
      server: { host: '127.0.0.1', port: core.port },
      firstSubnet: 125,
      contactMePort: 0,
      firstMac: 0x790001,
    });
    await fleet.startAll({ concurrency: 2 });
    await fleet.waitForIdle(20_000);
    const [source, target] = fleet.phones.map((p) => p.mac) as [string, string];
    const { profile, leftOut } = await core.core.handlers['profiles.fromPhone']({ mac: source, name: 'From the first phone' });
    const names = new Set(profile.items.map((i) => i.name));
    for (const name of ['e164', 'mac-addr', 'sip-user-id', 'sip-pwd', 'software-version']) expect(names.has(name), name).toBe(false);
    expect(profile.items.length).toBeGreaterThan(20);
    expect(leftOut).toContainEqual({ name: 'e164', why: 'identity of this phone' });
    expect(leftOut.find((l) => l.name === 'software-version')?.why).toBe('read-only');
    expect(profile.model).toBe('OpenStage 60');

    const edited = await core.core.handlers['profiles.save']({
      ...profile,
      items: [...profile.items.filter((i) => i.name !== 'sntp-addr'), { name: 'sntp-addr', value: 'ntp.profile.example' }],
    });
    const preview = await core.core.handlers['profiles.apply']({ profileId: edited.id, macs: [target], preview: true });
    expect(preview.jobs).toEqual([]);
    expect(preview.phones[0]?.changes).toContainEqual(expect.objectContaining({ name: 'sntp-addr', to: 'ntp.profile.example' }));
    const applied = await core.core.handlers['profiles.apply']({ profileId: edited.id, macs: [target], preview: false });
    expect(applied.jobs).toHaveLength(1);
    await until(() => core!.core.store.jobs.get(applied.jobs[0]!.id)?.state === 'done', 'the profile written', 20_000);
    expect(fleet.phones[1]?.value('sntp-addr')).toBe('ntp.profile.example');
  }, 40_000);
});
