import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, toApiFailure } from '../../electron/core/api/dispatch.js';
import type { ApiMethod, ApiReq, ApiRes } from '../../shared/api.js';
import { createFleet, type Fleet } from '../sim/fleet.js';
import { startTestCore, type TestCore } from '../support/core-harness.js';
import { until } from '../support/wait.js';

/**
 * Profiles built in the editor (saved with per-item checks), exported to a JSON file and imported
 * on another laptop, then applied to simulated phones. Subnet 127.0.137.x.
 */

const cores: TestCore[] = [];
let fleet: Fleet | null = null;

afterEach(async () => {
  await fleet?.stopAll();
  fleet = null;
  for (const core of cores.splice(0)) await core.stop();
});

async function start(): Promise<TestCore> {
  const core = await startTestCore({ adoption: { adoptAll: true, macs: [], prefixes: [] } });
  cores.push(core);
  return core;
}

/** Through the same allow-list and schemas the UI transports use. */
const call = <M extends ApiMethod>(core: TestCore, method: M, req: ApiReq<M>) =>
  dispatch(core.core.handlers, method, req) as Promise<ApiRes<M>>;

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the call was refused').not.toBeNull();
  return toApiFailure(error);
}

const KEYS = [
  { name: 'function-key-def', index: 2, value: '59' },
  { name: 'key-label-unicode', index: 2, value: 'BLF {{extension}}' },
];

describe('profiles.save', () => {
  it('accepts {{variables}} where the catalogue would refuse the raw text, names every invalid item, saves nothing then', async () => {
    const core = await start();
    const refused = await failure(
      call(core, 'profiles.save', {
        name: 'Broken',
        items: [
          { name: 'e164', value: '{{extension}}' },
          { name: 'transaction-timer', value: '100' },
          { name: 'sip-transport', value: '7' },
          { name: 'display-id-unicode', value: 'A <b>' },
        ],
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.issues?.map((i) => i.name)).toEqual(['transaction-timer', 'sip-transport', 'display-id-unicode']);
    expect(refused.body.issues?.[0]?.message).toBe('must be between 3700 and 32000');
    expect(await call(core, 'profiles.list', {})).toEqual([]);

    const saved = await call(core, 'profiles.save', {
      name: 'Reception',
      model: 'OpenStage 60',
      items: [{ name: 'e164', value: '{{extension}}' }, { name: 'transaction-timer', value: '{{timer}}' }, ...KEYS],
    });
    expect(saved.items).toHaveLength(4);
    // A variable cannot lift a rule its resolved text cannot change.
    const readOnly = await failure(call(core, 'profiles.save', { name: 'R', items: [{ name: 'software-version', value: '{{x}}' }] }));
    expect(readOnly.body.issues).toEqual([{ name: 'software-version', message: 'is read-only on the phone' }]);
  });
});

describe('profiles.export / profiles.import', () => {
  it('moves profiles to a fresh laptop (literal secrets left out and named), refuses a corrupt file with nothing changed', async () => {
    const source = await start();
    await call(source, 'profiles.save', {
      name: 'Desk',
      items: [...KEYS, { name: 'sip-pwd', value: 'Secret1' }, { name: 'sntp-addr', value: 'ntp.example' }],
    });
    await call(source, 'profiles.save', { name: 'Lobby', items: [{ name: 'sip-pwd', value: '{{sip_password}}' }] });
    const exported = await call(source, 'profiles.export', {});
    expect(exported.leftOut).toEqual([{ profile: 'Desk', item: 'sip-pwd' }]);
    expect(exported.json).not.toContain('Secret1');

    const target = await start();
    await call(target, 'profiles.save', { name: 'Lobby', items: [{ name: 'sntp-addr', value: 'old.example' }] });
    const before = await call(target, 'profiles.list', {});
    for (const corrupt of [exported.json.slice(0, -20), '{"format":"other","version":1,"profiles":[]}', '[]']) {
      const refused = await failure(call(target, 'profiles.import', { json: corrupt }));
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/not JSON|not a Fieldstage profile file/);
    }
    const withBadValue = exported.json.replace('"59"', '"not-a-function"');
    const refusedValue = await failure(call(target, 'profiles.import', { json: withBadValue }));
    expect(refusedValue.body.error).toContain('Desk: function-key-def#2');
    expect(await call(target, 'profiles.list', {})).toEqual(before);

    const imported = await call(target, 'profiles.import', { json: exported.json });
    expect(imported.replaced).toEqual(['Lobby']);
    const after = await call(target, 'profiles.list', {});
    expect(after.map((p) => p.name)).toEqual(['Desk', 'Lobby']);
    expect(after.find((p) => p.name === 'Lobby')?.id).toBe(before[0]?.id);
    expect(after.find((p) => p.name === 'Desk')?.items).toEqual([...KEYS, { name: 'sntp-addr', value: 'ntp.example' }]);
  });

  it('an imported profile applies to phones over the wire with its diff first', async () => {
    const source = await start();
    await call(source, 'profiles.save', { name: 'Keys', items: [{ name: 'sntp-addr', value: 'ntp.imported.example' }] });
    const { json } = await call(source, 'profiles.export', {});
    const core = await start();
    const [profile] = (await call(core, 'profiles.import', { json })).profiles;
    fleet = createFleet({
      count: 2,
      server: { host: '127.0.0.1', port: core.port },
      firstSubnet: 137,
      contactMePort: 0,
      firstMac: 0x7a0001,
    });
    await fleet.startAll({ concurrency: 2 });
    await fleet.waitForIdle(20_000);
    const macs = fleet.phones.map((p) => p.mac);
    const preview = await call(core, 'profiles.apply', { profileId: profile!.id, macs, preview: true });
    expect(preview.jobs).toEqual([]);
    for (const phone of preview.phones)
      expect(phone.changes).toEqual([expect.objectContaining({ name: 'sntp-addr', to: 'ntp.imported.example' })]);
    const applied = await call(core, 'profiles.apply', { profileId: profile!.id, macs, preview: false });
    expect(applied.jobs).toHaveLength(2);
    await until(() => applied.jobs.every((j) => core.core.store.jobs.get(j.id)?.state === 'done'), 'both phones written', 20_000);
    for (const phone of fleet.phones) expect(phone.value('sntp-addr')).toBe('ntp.imported.example');
  }, 40_000);
});

describe('report.pdf', () => {
  it('browser mode refuses it (the browser prints report.html); the desktop adapter gets the report and A4 options', async () => {
    const browserCore = await start();
    const refused = await failure(call(browserCore, 'report.pdf', { site: 'Muster GmbH' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('print report.html');

    const printed: { html: string; options: unknown; name: string }[] = [];
    const desktop = await startTestCore(
      {},
      {
        printReportPdf: async (html, options, name) => {
          printed.push({ html, options, name });
          return printed.length === 1 ? `/tmp/${name}` : null;
        },
      },
    );
    cores.push(desktop);
    await call(desktop, 'rollout.confirm', { csv: 'mac;extension;display_name\r\n00:1A:E8:7B:00:01;5001;Zoë Weiß' });
    const saved = await call(desktop, 'report.pdf', { site: 'Muster GmbH', technician: 'E2E', language: 'de' });
    expect(saved).toEqual({ savedTo: expect.stringMatching(/^\/tmp\/handover-Muster-GmbH-\d{4}-\d{2}-\d{2}\.pdf$/), cancelled: false });
    expect(printed[0]?.options).toMatchObject({ pageSize: 'A4', landscape: true });
    expect(printed[0]?.html).toContain('Zoë Weiß');
    expect(printed[0]?.html).toContain('Muster GmbH');
    expect(await call(desktop, 'report.pdf', {})).toEqual({ savedTo: null, cancelled: true });
  });
});
