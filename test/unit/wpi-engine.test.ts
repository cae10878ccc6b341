import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_ONLY_JOB_KINDS } from '../../electron/core/jobs/registry.js';
import { applyEffects } from '../../electron/core/provisioning/apply-effects.js';
import { createKeyFileSecretBox, openDatabase, Store, type JobRecord } from '../../electron/core/store/index.js';
import { buildServiceMessage } from '../../electron/core/wpi/build.js';
import {
  DEFAULT_POLICY,
  FLOW_LIMITS,
  handleMessage,
  rejectMessage,
  type Decision,
  type Effect,
  type EnginePolicy,
  type FlowState,
  type PhoneContext,
} from '../../electron/core/wpi/engine.js';
import { supportsSendSolicited } from '../../electron/core/wpi/firmware.js';
import { parsePhoneMessage } from '../../electron/core/wpi/parse.js';
import type { ItemResult, JobKind, JobState } from '../../shared/jobs.js';
import {
  FACTORY_RESET_PASSWORD,
  type Action,
  type PhoneMessage,
  type Reason,
  type ReplyStatus,
  type ServiceMessage,
  type WpiItem,
} from '../../shared/protocol.js';
import { problemsOfSentMessages } from '../support/xmllint.js';

/*
 * The engine driven message by message, as in wpi-protocol.md §9. Phone messages are written as
 * XML and go through parsePhoneMessage; every reply goes through buildServiceMessage and is
 * validated against wpi.xsd after each test (any invalid sent message fails that test).
 */

// ───────────────────────────── every sent message is validated ─────────────────────────────

const SENT: string[] = [];

afterEach(() => {
  const sent = SENT.splice(0);
  expect(problemsOfSentMessages(sent)).toEqual([]);
});

// ───────────────────────────── phone-side XML ─────────────────────────────

const MAC = '00:1A:E8:12:34:56';
const NS =
  'xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"';
const V3R3 = 'V3 R3.10.0';
const V3R1 = 'V3 R1.41.1';
const FIXTURE_329 = readFileSync(new URL('../fixtures/readallitems-os60-v3r1.xml', import.meta.url), 'utf8');
const FIXTURE_ITEMS = parsePhoneMessage(FIXTURE_329).items;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface PhoneSays {
  reason: Reason;
  nonce: string;
  action?: Action;
  status?: ReplyStatus;
  fragment?: 'next' | 'final';
  maxItems?: number;
  /** undefined: no ItemList element (busy reply); []: <ItemList/>. */
  items?: WpiItem[];
}

function phoneXml(m: PhoneSays): string {
  const attrs = [`nonce="${esc(m.nonce)}"`, `maxItems="${m.maxItems ?? -1}"`];
  if (m.fragment) attrs.push(`fragment="${m.fragment}"`);
  const reasonAttrs = `${m.action ? ` action="${m.action}"` : ''}${m.status ? ` status="${m.status}"` : ''}`;
  const items =
    m.items === undefined
      ? ''
      : m.items.length === 0
        ? '<ItemList/>'
        : `<ItemList>${m.items
            .map(
              (i) =>
                `<Item name="${esc(i.name)}"${i.index === undefined ? '' : ` index="${i.index}"`}${i.status ? ` status="${esc(i.status)}"` : ''}>${esc(i.value)}</Item>`,
            )
            .join('')}</ItemList>`;
  return `<?xml version="1.0" encoding="utf-8"?><WorkpointMessage ${NS}><Message ${attrs.join(' ')}><ReasonForContact${reasonAttrs}>${m.reason}</ReasonForContact>${items}</Message></WorkpointMessage>`;
}

let nonceSeq = 0;
/** 32 upper-case hex digits, like most guide examples. */
function newNonce(): string {
  nonceSeq += 1;
  return (nonceSeq.toString(16).toUpperCase() + 'A5C3E1F0B2D4967812345678ABCDEF01').slice(0, 32).padStart(32, '0');
}

function basics(opts: { version?: string | null; changed?: boolean; extra?: WpiItem[]; mac?: string } = {}): WpiItem[] {
  return [
    { name: 'device-type', value: 'OpenStage 60' },
    { name: 'related-device-type', value: 'OpenStage 60' },
    { name: 'software-type', value: 'Siemens SIP' },
    ...(opts.version === null ? [] : [{ name: 'software-version', value: opts.version ?? V3R3 }]),
    { name: 'contact-me-uri', value: 'http://127.0.0.1:8085/contact_dls.html/ContactDLS' },
    { name: 'mac-addr', value: opts.mac ?? MAC },
    { name: 'configuration-changed-flag', value: String(opts.changed ?? false) },
    { name: 'e164', value: '4930123' },
    { name: 'user-pwd-unicode', value: '', status: 'failed' },
    ...(opts.extra ?? []),
  ];
}

const first = (reason: Reason, opts: Parameters<typeof basics>[0] & { nonce?: string; maxItems?: number } = {}): string =>
  phoneXml({
    reason,
    nonce: opts.nonce ?? newNonce(),
    ...(opts.maxItems === undefined ? {} : { maxItems: opts.maxItems }),
    items: basics(opts),
  });

const reply = (
  action: Action,
  status: ReplyStatus,
  items: WpiItem[] | undefined,
  opts: { nonce?: string; fragment?: 'next' | 'final' } = {},
): string =>
  phoneXml({
    reason: 'reply-to',
    nonce: opts.nonce ?? newNonce(),
    action,
    status,
    fragment: opts.fragment ?? 'final',
    ...(items ? { items } : {}),
  });

// ───────────────────────────── a minimal adapter around the engine ─────────────────────────────

/** A job as the assertions read it: the store's record, `awaiting` undefined when it awaits nothing. */
interface Job {
  id: string;
  kind: JobKind;
  items: WpiItem[];
  state: JobState;
  awaiting?: 'start-up' | 'status';
  results: ItemResult[];
  warnings: string[];
  reason: string | null;
}

/**
 * What electron/core/provisioning/service.ts does around the engine, over a real (in-memory)
 * store: the phone's context loaded before each message, the decision's effects applied by the
 * service's own applyEffects, the session (flow) kept between messages. Each call asserts the
 * engine's universal invariants.
 */
class Dls {
  readonly store = new Store(openDatabase(':memory:'), { secrets: createKeyFileSecretBox(path.join(keyDir(), 'secret.key')) });
  /** Set to pretend the stored record holds this software version (undefined: none stored). */
  storedSoftwareVersion: string | undefined;
  readonly mayWrite: boolean;
  policy: EnginePolicy = DEFAULT_POLICY;
  flow: FlowState | null = null;
  warnings: string[] = [];
  now = 1_000_000;
  /** Every (message, decision) pair, for assertions. */
  log: Array<{ message: PhoneMessage; decision: Decision }> = [];

  constructor(init: { known?: boolean; version?: string; mayWrite?: boolean; policy?: EnginePolicy } = {}) {
    this.mayWrite = init.mayWrite ?? true;
    if (init.known) {
      this.storedSoftwareVersion = init.version ?? V3R3;
      this.store.transaction(() => {
        this.store.phones.upsertContact(
          { mac: MAC, softwareVersion: this.storedSoftwareVersion ?? null, maxItems: -1, lastReason: 'start-up', at: this.now },
          this.adoption(),
        );
        this.store.inventory.replace(MAC, FIXTURE_ITEMS, this.now);
        this.store.phones.markInventoryComplete(MAC, true);
      });
    }
    if (init.policy) this.policy = init.policy;
  }

  private adoption(): 'adopted' | 'quarantined' {
    return this.mayWrite ? 'adopted' : 'quarantined';
  }

  get inventoryComplete(): boolean {
    return this.store.phones.get(MAC)?.inventoryComplete ?? false;
  }

  get inventory(): Map<string, WpiItem> {
    return new Map(this.store.inventory.list(MAC).map((i) => [key(i), { ...itemRefOf(i), value: i.value }]));
  }

  get jobs(): Job[] {
    return this.store.jobs.listForPhone(MAC).reverse().map(asJob);
  }

  add(kind: JobKind, items: WpiItem[] = []): string {
    return this.store.jobs.create(MAC, kind, items, this.now).id;
  }

  job(id: string): Job {
    const job = this.store.jobs.get(id, { reveal: true });
    if (!job) throw new Error(`no job ${id}`);
    return asJob(job);
  }

  context(reason: Reason): PhoneContext {
    const { store } = this;
    const ignoreBackoff = reason !== 'reply-to';
    const refs = store.jobs.runnableRefsFor(MAC, ignoreBackoff ? Number.MAX_SAFE_INTEGER : this.now);
    return {
      inventoryComplete: this.inventoryComplete,
      ...(this.storedSoftwareVersion ? { storedSoftwareVersion: this.storedSoftwareVersion } : {}),
      mayWrite: this.mayWrite,
      jobs: refs
        .filter((j) => this.mayWrite || READ_ONLY_JOB_KINDS.includes(j.kind))
        .map((j) => ({ id: j.id, kind: j.kind, items: store.jobs.itemsForSending(j.id) })),
      awaited: store.jobs
        .awaitedFor(MAC)
        .map((j) => ({ id: j.id, kind: j.kind, items: j.items, ...(j.expectVersion ? { expectVersion: j.expectVersion } : {}) })),
    };
  }

  /** One HTTPS request. First messages open a new session unless `sameSession` (cookie sent). */
  receive(body: string | PhoneMessage, opts: { sameSession?: boolean } = {}): Decision {
    const message = typeof body === 'string' ? parsePhoneMessage(body) : body;
    const sameSession = message.reason === 'reply-to' || opts.sameSession === true;
    const flowIn = sameSession ? this.flow : null;
    if (!sameSession && this.flow?.step) this.store.jobs.requeueRunningFor(MAC, 'new interaction', this.now);
    const decision = handleMessage({ message, flow: flowIn, mac: MAC, phone: this.context(message.reason), policy: this.policy });

    // Invariants of every decision.
    expect(decision.reply.nonce, 'reply must echo the nonce of the message it answers').toBe(message.nonce);
    expect(decision.flow === null, `flow is null exactly when CleanUp is sent (sent ${decision.reply.action})`).toBe(
      decision.reply.action === 'CleanUp',
    );
    expect(decision.effects.filter((e) => e.type === 'job-running').length).toBeLessThanOrEqual(1);
    SENT.push(buildServiceMessage(decision.reply));

    const applied = this.store.transaction(() =>
      applyEffects(decision.effects, {
        store: this.store,
        at: this.now,
        peer: '127.0.0.1',
        serverAddress: '127.0.0.1',
        phone: MAC,
        adoptionFor: () => this.adoption(),
        busyRetryMs: 60_000,
      }),
    );
    this.warnings.push(...applied.warnings);
    const version = decision.effects.flatMap((e) => (e.type === 'contact' ? e.items : [])).find((i) => i.name === 'software-version');
    if (version && !version.status) this.storedSoftwareVersion = version.value;
    this.flow = decision.flow;
    this.log.push({ message, decision });
    this.now += 1000;
    return decision;
  }
}

function asJob(job: JobRecord): Job {
  return {
    id: job.id,
    kind: job.kind,
    items: job.items,
    state: job.state,
    ...(job.awaiting ? { awaiting: job.awaiting } : {}),
    results: job.results,
    warnings: job.warnings,
    reason: job.reason,
  };
}

const itemRefOf = (i: { name: string; index?: number }): { name: string; index?: number } =>
  i.index === undefined ? { name: i.name } : { name: i.name, index: i.index };

let keyDirectory: string | undefined;
function keyDir(): string {
  keyDirectory ??= mkdtempSync(path.join(tmpdir(), 'fieldstage-engine-'));
  return keyDirectory;
}

const key = (i: { name: string; index?: number }): string => `${i.name}#${i.index ?? ''}`;
const ofType = <T extends Effect['type']>(d: Decision, type: T): Array<Extract<Effect, { type: T }>> =>
  d.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
const solicitedItem = [{ name: 'send-solicited', value: 'true' }];

// ───────────────────────────── a simulated phone (for longer scenarios) ─────────────────────────────

/**
 * A phone per wpi-protocol.md §10: answers every action, busy refuses WriteItems and normal
 * SoftwareDeployment, fragments long replies by `fragmentSize`, honours send-solicited only
 * from V3R3, reports per-item problems in an accepted reply.
 */
class SimPhone {
  version = V3R3;
  busy = false;
  reminders = 0;
  fragmentSize = 0;
  /** Keep one nonce per flow (p. 34) or use a new one per message (guide examples p. 45, 48, …). */
  noncePerMessage = false;
  readonly config = new Map<string, WpiItem>();
  readonly readOnly = new Set(['device-type', 'mac-addr', 'software-version', 'part-number']);
  private nonce = '';
  private fragments: WpiItem[][] = [];
  private fragmentAction: Action = 'ReadAllItems';

  constructor() {
    for (const item of FIXTURE_ITEMS) this.config.set(key(item), item);
    this.config.set('sntp-addr#', { name: 'sntp-addr', value: 'pool.ntp.org' });
  }

  private messageNonce(): string {
    if (this.noncePerMessage || !this.nonce) this.nonce = newNonce();
    return this.nonce;
  }

  first(reason: Reason, extra: WpiItem[] = []): string {
    this.nonce = '';
    return phoneXml({ reason, nonce: this.messageNonce(), items: basics({ version: this.version, extra }) });
  }

  /** The phone's answer to a service message; null when the flow is over for the phone. */
  answer(msg: ServiceMessage): string | null {
    const items = msg.items ?? [];
    switch (msg.action) {
      case 'CleanUp':
        if (items.some((i) => i.name === 'send-solicited' && i.value === 'true') && supportsSendSolicited(this.version)) this.reminders = 1;
        return null;
      case 'Restart':
        if (
          items.some((i) => i.name === 'restart-type' && i.value === 'FactoryReset') &&
          items.find((i) => i.name === 'restart-password')?.value !== FACTORY_RESET_PASSWORD
        ) {
          return this.replyTo('Restart', 'failed', []);
        }
        this.reminders = 0; // not persistent (p. 72)
        return null;
      case 'SoftwareDeployment':
        if (this.busy && items.find((i) => i.name === 'file-priority')?.value !== 'immediate')
          return this.replyTo('SoftwareDeployment', 'busy', undefined);
        this.version = toPhoneVersion(items.find((i) => i.name === 'file-sw-version')?.value ?? '');
        this.reminders = 0;
        return null;
      case 'FileDeployment':
        return null; // downloads, then sends `status` (see fileStatus)
      case 'GetNextFragment':
        return this.nextFragment();
      case 'ReadAllItems':
        return this.fragmented('ReadAllItems', [...this.config.values()]);
      case 'ReadItems':
        return this.fragmented(
          'ReadItems',
          items.map((i) => {
            const have = this.config.get(key(i));
            return have ?? { ...i, value: '', status: 'unknown item' };
          }),
        );
      case 'WriteItems': {
        if (this.busy) return this.replyTo('WriteItems', 'busy', undefined);
        const refused: WpiItem[] = [];
        for (const i of items) {
          if (this.readOnly.has(i.name)) refused.push({ ...i, value: '', status: 'read only' });
          else if (!this.config.has(key(i)) && !this.config.has(`${i.name}#`)) refused.push({ ...i, value: '', status: 'unknown item' });
          else this.config.set(key(i), { name: i.name, ...(i.index === undefined ? {} : { index: i.index }), value: i.value });
        }
        return this.replyTo('WriteItems', 'accepted', refused);
      }
    }
  }

  fileStatus(ok: boolean, name = 'ring1.wav'): string {
    return phoneXml({
      reason: 'status',
      nonce: this.messageNonce(),
      items: basics({
        version: this.version,
        extra: [
          { name: 'file-deployment-date', index: 1, value: '10:06:2008' },
          { name: 'file-deployment-time', index: 1, value: '15:35:52' },
          { name: 'file-deployment-name', index: 1, value: name },
          { name: 'file-deployment-type', index: 1, value: 'RINGTONE' },
          { name: 'file-deployment-status', index: 1, value: ok ? 'ok' : 'failed' },
        ],
      }),
    });
  }

  private replyTo(action: Action, status: ReplyStatus, items: WpiItem[] | undefined, fragment: 'next' | 'final' = 'final'): string {
    return phoneXml({ reason: 'reply-to', nonce: this.messageNonce(), action, status, fragment, ...(items ? { items } : {}) });
  }

  private fragmented(action: Action, items: WpiItem[]): string {
    if (this.fragmentSize <= 0 || items.length <= this.fragmentSize) return this.replyTo(action, 'accepted', items);
    this.fragments = [];
    for (let i = 0; i < items.length; i += this.fragmentSize) this.fragments.push(items.slice(i, i + this.fragmentSize));
    this.fragmentAction = action;
    return this.nextFragment();
  }

  private nextFragment(): string {
    const part = this.fragments.shift() ?? [];
    return this.replyTo(this.fragmentAction, 'accepted', part, this.fragments.length > 0 ? 'next' : 'final');
  }
}

/** `3.5.12.0` → `V3 R5.12.0` (p. 57 vs p. 38). */
function toPhoneVersion(dotted: string): string {
  const [major, ...rest] = dotted.split('.');
  return `V${major} R${rest.join('.')}`;
}

interface Transcript {
  actions: Action[];
  last: ServiceMessage;
  decisions: Decision[];
}

/** One complete interaction: the phone's first message, then answers until the flow ends. */
function interaction(dls: Dls, phone: SimPhone, reason: Reason, extra: WpiItem[] = []): Transcript {
  const actions: Action[] = [];
  const decisions: Decision[] = [];
  let xml: string | null = phone.first(reason, extra);
  let sameSession = false;
  for (let guard = 0; guard < 10_000 && xml; guard++) {
    const d = dls.receive(xml, { sameSession });
    decisions.push(d);
    actions.push(d.reply.action);
    xml = phone.answer(d.reply);
    sameSession = false;
    if (xml === null && d.reply.action === 'FileDeployment') {
      xml = phone.fileStatus(true);
      sameSession = true;
    }
  }
  return { actions, last: (decisions.at(-1) as Decision).reply, decisions };
}

// ═════════════════════════════════════ tests ═════════════════════════════════════

describe('start-up (§9.1)', () => {
  it('unknown phone: ReadAllItems → 329-item reply → CleanUp with an inventory replace', () => {
    const dls = new Dls();
    const startNonce = newNonce();
    const d1 = dls.receive(first('start-up', { nonce: startNonce }));
    expect(d1.reply).toEqual({ nonce: startNonce, action: 'ReadAllItems' });
    expect(d1.flow).not.toBeNull();
    expect(ofType(d1, 'contact')).toEqual([{ type: 'contact', mac: MAC, reason: 'start-up', items: basics() }]);
    // Basic items are stored at once, without the ones the phone flagged with a status.
    expect(ofType(d1, 'inventory')).toEqual([{ type: 'inventory', mac: MAC, mode: 'merge', items: basics().filter((i) => !i.status) }]);

    // The fixture carries its own nonce: the reply must echo that one, not the start-up's.
    const d2 = dls.receive(FIXTURE_329);
    expect(d2.reply).toEqual({ nonce: '5C1E0A7B3D2F49865A0B1C2D3E4F5061', action: 'CleanUp' });
    expect(d2.flow).toBeNull();
    const [inv] = ofType(d2, 'inventory');
    expect(inv?.mode).toBe('replace');
    expect(inv?.items).toHaveLength(329);
    expect(inv?.items).toEqual(FIXTURE_ITEMS);
    expect(dls.inventoryComplete).toBe(true);
    expect(dls.warnings).toEqual([]);
  });

  it('known phone, configuration-changed-flag=false, same firmware: straight CleanUp', () => {
    const dls = new Dls({ known: true });
    const d = dls.receive(first('start-up', { changed: false }));
    expect(d.reply.action).toBe('CleanUp');
    expect(d.reply.items).toBeUndefined();
    expect(ofType(d, 'contact')).toHaveLength(1);
  });

  it('known phone, flag false, with a job: the job is served without reading everything', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'pool.example.net' }]);
    const d = dls.receive(first('start-up', { changed: false }));
    expect(d.reply).toMatchObject({ action: 'WriteItems', items: [{ name: 'sntp-addr', value: 'pool.example.net' }] });
    expect(ofType(d, 'job-running')).toEqual([{ type: 'job-running', jobId: id }]);
  });

  it('known phone with configuration-changed-flag=true: ReadAllItems', () => {
    const dls = new Dls({ known: true });
    expect(dls.receive(first('start-up', { changed: true })).reply.action).toBe('ReadAllItems');
  });

  it('known phone back with another firmware: ReadAllItems', () => {
    const dls = new Dls({ known: true, version: 'V3 R1.41.1' });
    expect(dls.receive(first('start-up', { changed: false, version: 'V3 R3.10.0' })).reply.action).toBe('ReadAllItems');
  });

  it('inventory first, then jobs, in one interaction', () => {
    const dls = new Dls();
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'pool.example.net' }]);
    const d1 = dls.receive(first('start-up'));
    expect(d1.reply.action).toBe('ReadAllItems');
    expect(ofType(d1, 'job-running')).toEqual([]);
    const d2 = dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS));
    expect(d2.reply.action).toBe('WriteItems');
    expect(ofType(d2, 'job-running')).toEqual([{ type: 'job-running', jobId: id }]);
    const d3 = dls.receive(reply('WriteItems', 'accepted', []));
    expect(d3.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('done');
  });

  it('phone answers ReadAllItems with failed: warning, no replace, still CleanUp', () => {
    const dls = new Dls();
    dls.receive(first('start-up'));
    const d = dls.receive(reply('ReadAllItems', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'inventory')).toEqual([]);
    expect(dls.inventoryComplete).toBe(false);
    expect(dls.warnings.join()).toMatch(/ReadAllItems with failed/);
  });
});

describe('local and inventory changes (§9.2, §9.3)', () => {
  it('V2R1 local-changes without attached data: ReadAllItems → reply → CleanUp', () => {
    const dls = new Dls({ known: true, version: 'V2 R1.20.0' });
    const d1 = dls.receive(first('local-changes', { version: 'V2 R1.20.0', changed: true }));
    expect(d1.reply.action).toBe('ReadAllItems');
    const d2 = dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS));
    expect(d2.reply.action).toBe('CleanUp');
    expect(ofType(d2, 'inventory')[0]?.mode).toBe('replace');
  });

  it('V2R2 local-changes with attached items: merged, then straight CleanUp', () => {
    const dls = new Dls({ known: true, version: 'V2 R2.30.0' });
    const attached: WpiItem[] = [
      { name: 'configuration-attached-flag', value: 'true' },
      { name: 'configuration-attached-number', value: '2' },
      { name: 'sntp-addr', value: 'ntp.example.net' },
      { name: 'lldp-enabled', value: 'false' },
    ];
    const d = dls.receive(first('local-changes', { version: 'V2 R2.30.0', changed: true, extra: attached }));
    expect(d.reply.action).toBe('CleanUp');
    const merge = ofType(d, 'inventory');
    expect(merge).toHaveLength(1);
    expect(merge[0]?.mode).toBe('merge');
    expect(merge[0]?.items).toEqual(
      expect.arrayContaining([
        { name: 'sntp-addr', value: 'ntp.example.net' },
        { name: 'lldp-enabled', value: 'false' },
      ]),
    );
    expect(dls.inventory.get('sntp-addr#')?.value).toBe('ntp.example.net');
  });

  it('local-changes of an unknown phone: ReadAllItems even with attached items', () => {
    const dls = new Dls();
    const d = dls.receive(first('local-changes', { changed: true, extra: [{ name: 'configuration-attached-flag', value: 'true' }] }));
    expect(d.reply.action).toBe('ReadAllItems');
  });

  it('inventory-changes: always ReadAllItems', () => {
    const dls = new Dls({ known: true });
    const d1 = dls.receive(first('inventory-changes'));
    expect(d1.reply.action).toBe('ReadAllItems');
    expect(dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS)).reply.action).toBe('CleanUp');
  });

  it('solicited of a known phone with nothing to do: CleanUp', () => {
    const dls = new Dls({ known: true });
    expect(dls.receive(first('solicited')).reply).toMatchObject({ action: 'CleanUp' });
  });
});

describe('fragmented phone replies (§9.14)', () => {
  it('next, next, final → GetNextFragment twice, each echoing its nonce; items assembled in order', () => {
    const dls = new Dls();
    dls.receive(first('start-up'));
    const parts = [FIXTURE_ITEMS.slice(0, 120), FIXTURE_ITEMS.slice(120, 250), FIXTURE_ITEMS.slice(250)];
    const nonces = [newNonce(), newNonce(), newNonce()];

    const d1 = dls.receive(reply('ReadAllItems', 'accepted', parts[0], { nonce: nonces[0], fragment: 'next' }));
    expect(d1.reply).toEqual({ nonce: nonces[0], action: 'GetNextFragment' });
    expect(d1.effects).toEqual([]);
    const d2 = dls.receive(reply('ReadAllItems', 'accepted', parts[1], { nonce: nonces[1], fragment: 'next' }));
    expect(d2.reply).toEqual({ nonce: nonces[1], action: 'GetNextFragment' });
    expect(d2.effects).toEqual([]);
    const d3 = dls.receive(reply('ReadAllItems', 'accepted', parts[2], { nonce: nonces[2], fragment: 'final' }));
    expect(d3.reply).toEqual({ nonce: nonces[2], action: 'CleanUp' });
    const [inv] = ofType(d3, 'inventory');
    expect(inv?.mode).toBe('replace');
    expect(inv?.items).toEqual(FIXTURE_ITEMS);
  });

  it('the same nonce in every fragment (the guide example, p. 70)', () => {
    const dls = new Dls();
    const n = newNonce();
    dls.receive(first('start-up', { nonce: n }));
    expect(dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS.slice(0, 10), { nonce: n, fragment: 'next' })).reply).toEqual({
      nonce: n,
      action: 'GetNextFragment',
    });
    expect(dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS.slice(10), { nonce: n, fragment: 'final' })).reply).toEqual({
      nonce: n,
      action: 'CleanUp',
    });
  });

  it('a fragment with fragment on ReasonForContact (guide table p. 29) is a fragment too', () => {
    const dls = new Dls();
    dls.receive(first('start-up'));
    const n = newNonce();
    const xml = `<WorkpointMessage ${NS}><Message nonce="${n}" maxItems="-1"><ReasonForContact action="ReadAllItems" status="accepted" fragment="next">reply-to</ReasonForContact><ItemList><Item name="a">1</Item></ItemList></Message></WorkpointMessage>`;
    expect(dls.receive(xml).reply).toEqual({ nonce: n, action: 'GetNextFragment' });
    const d = dls.receive(reply('ReadAllItems', 'accepted', [{ name: 'b', value: '2' }]));
    expect(ofType(d, 'inventory')[0]?.items).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
  });

  it('a fragmented ReadItems reply of a read-items job', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-items', [
      { name: 'reg-addr', value: '' },
      { name: 'e164', value: '' },
    ]);
    dls.receive(first('solicited'));
    expect(dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '10.0.0.2' }], { fragment: 'next' })).reply.action).toBe(
      'GetNextFragment',
    );
    const d = dls.receive(reply('ReadItems', 'accepted', [{ name: 'e164', value: '4930123' }]));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-done')[0]?.jobId).toBe(id);
    expect(ofType(d, 'job-done')[0]?.results).toEqual([
      { name: 'reg-addr', value: '10.0.0.2', status: 'accepted' },
      { name: 'e164', value: '4930123', status: 'accepted' },
    ]);
  });

  it(`fragments that never end are cut after FLOW_LIMITS.maxFragments (${FLOW_LIMITS.maxFragments})`, () => {
    const dls = new Dls();
    dls.receive(first('start-up'));
    const fragment = (n: number): PhoneMessage => ({
      nonce: `F${n}`,
      maxItems: -1,
      fragment: 'next',
      reason: 'reply-to',
      action: 'ReadAllItems',
      status: 'accepted',
      items: [{ name: 'x', index: n, value: 'y' }],
    });
    for (let n = 1; n <= FLOW_LIMITS.maxFragments; n++) {
      const d = dls.receive(fragment(n));
      if (d.reply.action !== 'GetNextFragment') throw new Error(`fragment ${n} answered ${d.reply.action}`);
    }
    const cut = dls.receive(fragment(FLOW_LIMITS.maxFragments + 1));
    expect(cut.reply).toEqual({ nonce: `F${FLOW_LIMITS.maxFragments + 1}`, action: 'CleanUp' });
    expect(cut.flow).toBeNull();
    expect(ofType(cut, 'inventory')).toEqual([]);
    expect(dls.warnings.join()).toMatch(/fragments/);
    // The phone keeps going: no flow any more, so it only gets CleanUp.
    expect(dls.receive(fragment(99_999)).reply.action).toBe('CleanUp');
  });

  it(`a reply beyond FLOW_LIMITS.maxItems (${FLOW_LIMITS.maxItems}) items ends the flow and fails the job`, () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-all');
    dls.receive(first('solicited'));
    const chunk = Array.from({ length: 5000 }, (_, i) => ({ name: 'x', index: i, value: '' }));
    const msg = (fragment: 'next' | 'final'): PhoneMessage => ({
      nonce: 'N',
      maxItems: -1,
      fragment,
      reason: 'reply-to',
      action: 'ReadAllItems',
      status: 'accepted',
      items: chunk,
    });
    for (let i = 0; i < FLOW_LIMITS.maxItems / 5000; i++) expect(dls.receive(msg('next')).reply.action).toBe('GetNextFragment');
    const d = dls.receive(msg('final'));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-failed')[0]?.jobId).toBe(id);
    expect(ofType(d, 'inventory')).toEqual([]);
  });
});

describe('WriteItems (§9.7, §9.16)', () => {
  it('accepted with per-item "read only" and "unknown item": job failed, results name them, only applied items stored', () => {
    const dls = new Dls({ known: true });
    const items: WpiItem[] = [
      { name: 'sntp-addr', value: 'pool.example.net' },
      { name: 'device-type', value: 'OpenStage 75' },
      { name: 'socketed-headset-mode', value: '0' },
      { name: 'function-key-def', index: 3, value: '1' },
    ];
    const id = dls.add('write-items', items);
    const d1 = dls.receive(first('solicited'));
    expect(d1.reply).toMatchObject({ action: 'WriteItems', items });
    const d2 = dls.receive(
      reply('WriteItems', 'accepted', [
        { name: 'socketed-headset-mode', value: '', status: 'unknown item' },
        { name: 'device-type', value: '', status: 'read only' },
      ]),
    );
    expect(d2.reply.action).toBe('CleanUp');
    const [failed] = ofType(d2, 'job-failed');
    expect(failed?.jobId).toBe(id);
    expect(failed?.reason).toContain('2 of 4');
    expect(failed?.reason).toContain('device-type: read only');
    expect(failed?.reason).toContain('socketed-headset-mode: unknown item');
    expect(failed?.results).toEqual([
      { name: 'sntp-addr', value: 'pool.example.net', status: 'accepted' },
      { name: 'device-type', value: 'OpenStage 75', status: 'read only' },
      { name: 'socketed-headset-mode', value: '0', status: 'unknown item' },
      { name: 'function-key-def', index: 3, value: '1', status: 'accepted' },
    ]);
    expect(ofType(d2, 'inventory')).toEqual([
      {
        type: 'inventory',
        mac: MAC,
        mode: 'merge',
        items: [
          { name: 'sntp-addr', value: 'pool.example.net' },
          { name: 'function-key-def', index: 3, value: '1' },
        ],
      },
    ]);
    expect(dls.job(id).state).toBe('failed');
  });

  it('indexed items are matched by name and index', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', [
      { name: 'function-key-def', index: 1, value: '1' },
      { name: 'function-key-def', index: 1001, value: '2' },
    ]);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('WriteItems', 'accepted', [{ name: 'function-key-def', index: 1001, value: '', status: 'invalid index' }]));
    expect(ofType(d, 'job-failed')[0]?.results).toEqual([
      { name: 'function-key-def', index: 1, value: '1', status: 'accepted' },
      { name: 'function-key-def', index: 1001, value: '2', status: 'invalid index' },
    ]);
    expect(ofType(d, 'job-failed')[0]?.reason).toContain('function-key-def[1001]: invalid index');
    expect(dls.job(id).state).toBe('failed');
  });

  it('all accepted (<ItemList/>): job done with every item accepted', () => {
    const dls = new Dls({ known: true });
    const items = [
      { name: 'sntp-addr', value: 'pool.example.net' },
      { name: 'sntp-tz-offset', value: '60' },
    ];
    const id = dls.add('write-items', items);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('WriteItems', 'accepted', []));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-done')).toEqual([{ type: 'job-done', jobId: id, results: items.map((i) => ({ ...i, status: 'accepted' })) }]);
    expect(dls.inventory.get('sntp-tz-offset#')?.value).toBe('60');
  });

  it('all accepted without any ItemList element: job done as well', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    dls.receive(first('solicited'));
    dls.receive(reply('WriteItems', 'accepted', undefined));
    expect(dls.job(id).state).toBe('done');
  });

  it('WriteItems refused with status failed: job failed, every sent item failed', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('WriteItems', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-failed')[0]).toMatchObject({ jobId: id, results: [{ name: 'sntp-addr', value: 'x', status: 'failed' }] });
    expect(ofType(d, 'inventory')).toEqual([]);
  });

  it('more than 5 refused items: the reason lists 5 and counts the rest', () => {
    const dls = new Dls({ known: true });
    const items = Array.from({ length: 8 }, (_, i) => ({ name: `bad-${i}`, value: 'v' }));
    dls.add('write-items', items);
    dls.receive(first('solicited'));
    const d = dls.receive(
      reply(
        'WriteItems',
        'accepted',
        items.map((i) => ({ ...i, value: '', status: 'unknown item' })),
      ),
    );
    expect(ofType(d, 'job-failed')[0]?.reason).toMatch(/8 of 8 items refused .* and 3 more\)$/);
  });

  it('split by the phone maxItems: 5 items at maxItems=2 → 3 WriteItems, results collected, done after the last', () => {
    const dls = new Dls({ known: true });
    const items = Array.from({ length: 5 }, (_, i) => ({ name: `setting-${i}`, value: String(i) }));
    const id = dls.add('write-items', items);
    const d1 = dls.receive(first('solicited', { maxItems: 2 }));
    const batches: WpiItem[][] = [];
    let d = d1;
    while (d.reply.action === 'WriteItems') {
      batches.push(d.reply.items ?? []);
      expect(ofType(d, 'job-done')).toEqual([]);
      d = dls.receive(reply('WriteItems', 'accepted', []));
    }
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batches.flat()).toEqual(items);
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-done')[0]?.results).toHaveLength(5);
    expect(dls.job(id).state).toBe('done');
  });

  it('maxItems 10 with 45 items → 5 WriteItems of at most 10', () => {
    const dls = new Dls({ known: true });
    dls.add(
      'write-items',
      Array.from({ length: 45 }, (_, i) => ({ name: `setting-${i}`, value: String(i) })),
    );
    let d = dls.receive(first('solicited', { maxItems: 10 }));
    const sizes: number[] = [];
    while (d.reply.action === 'WriteItems') {
      sizes.push(d.reply.items?.length ?? 0);
      d = dls.receive(reply('WriteItems', 'accepted', []));
    }
    expect(sizes).toEqual([10, 10, 10, 10, 5]);
  });

  it('per-item failures in an early batch still fail the job at the end', () => {
    const dls = new Dls({ known: true });
    const items = Array.from({ length: 4 }, (_, i) => ({ name: `setting-${i}`, value: String(i) }));
    const id = dls.add('write-items', items);
    dls.receive(first('solicited', { maxItems: 2 }));
    const d2 = dls.receive(reply('WriteItems', 'accepted', [{ name: 'setting-0', value: '', status: 'invalid data' }]));
    expect(d2.reply.action).toBe('WriteItems');
    const d3 = dls.receive(reply('WriteItems', 'accepted', []));
    expect(ofType(d3, 'job-failed')[0]?.results.map((r) => r.status)).toEqual(['invalid data', 'accepted', 'accepted', 'accepted']);
    expect(dls.job(id).state).toBe('failed');
  });

  it('a write job without items is done without sending anything', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', []);
    const d = dls.receive(first('solicited'));
    expect(d.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('done');
  });

  it('bootstrapping (goto-secure-mode) is an ordinary WriteItems with indexed CA items (§9.13)', () => {
    const dls = new Dls({ known: true });
    const items: WpiItem[] = [
      { name: 'goto-secure-mode', value: 'nopin' },
      { name: 'dls-client-certificate', value: 'MIIKbase64==' },
      { name: 'dls-server-ca', index: 0, value: '-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----' },
      { name: 'dls-secure-port', value: '18444' },
    ];
    const id = dls.add('write-items', items);
    expect(dls.receive(first('start-up')).reply).toMatchObject({ action: 'WriteItems', items });
    expect(dls.receive(reply('WriteItems', 'accepted', [])).reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('done');
  });
});

describe('busy phone and send-solicited (§9.7, §9.15)', () => {
  /** Known phone; `version` is sent in the solicited (null: not sent), `stored` is the record's. */
  const busyFlow = (
    version: string | null,
    policy: EnginePolicy = DEFAULT_POLICY,
    stored: string | undefined = version ?? undefined,
  ): { dls: Dls; d: Decision; id: string } => {
    const dls = new Dls({ known: true, policy });
    dls.storedSoftwareVersion = stored;
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    expect(dls.receive(first('solicited', { version })).reply.action).toBe('WriteItems');
    const d = dls.receive(reply('WriteItems', 'busy', undefined));
    return { dls, d, id };
  };

  it('V3R3: job-busy and CleanUp with send-solicited=true', () => {
    const { dls, d, id } = busyFlow(V3R3);
    expect(d.reply).toMatchObject({ action: 'CleanUp', items: solicitedItem });
    expect(ofType(d, 'job-busy')).toEqual([{ type: 'job-busy', jobId: id }]);
    expect(dls.job(id).state).toBe('waiting-busy');
  });

  it('V3R1: job-busy and a plain CleanUp (the phone would ignore send-solicited)', () => {
    const { d, id } = busyFlow(V3R1);
    expect(d.reply).toEqual({ nonce: d.reply.nonce, action: 'CleanUp' });
    expect(ofType(d, 'job-busy')).toEqual([{ type: 'job-busy', jobId: id }]);
  });

  it.each([
    ['V3 R3.0.0', true],
    ['V3 R2.99.0', false],
    ['V4 R0.1.0', true],
    ['V2 R2.30.0', false],
    ['garbage', false],
  ])('auto policy with firmware %s → send-solicited %s', (version, expected) => {
    const { d } = busyFlow(version);
    expect(d.reply.items !== undefined).toBe(expected);
  });

  it('unknown firmware (no software-version anywhere): no send-solicited', () => {
    const { d } = busyFlow(null);
    expect(d.reply.items).toBeUndefined();
  });

  it('firmware from the stored record when the message does not carry it', () => {
    const { d } = busyFlow(null, DEFAULT_POLICY, V3R3);
    expect(d.reply.items).toEqual(solicitedItem);
  });

  it('policy always: send-solicited even for V3R1', () => {
    expect(busyFlow(V3R1, { sendSolicited: 'always' }).d.reply.items).toEqual(solicitedItem);
  });

  it('policy never: no send-solicited even for V3R3', () => {
    expect(busyFlow(V3R3, { sendSolicited: 'never' }).d.reply.items).toBeUndefined();
  });

  it('send-solicited only after a busy refusal, never on ordinary CleanUps', () => {
    const dls = new Dls({ known: true, policy: { sendSolicited: 'always' } });
    dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    dls.receive(first('solicited'));
    expect(dls.receive(reply('WriteItems', 'accepted', [])).reply.items).toBeUndefined();
    expect(dls.receive(first('start-up')).reply.items).toBeUndefined();
  });

  it('after a busy refusal, reads still run and the final CleanUp still carries send-solicited', () => {
    const dls = new Dls({ known: true });
    const w = dls.add('write-items', [{ name: 'sntp-addr', value: 'a' }]);
    const r = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    expect(dls.receive(first('solicited')).reply.action).toBe('WriteItems');
    const d2 = dls.receive(reply('WriteItems', 'busy', undefined));
    expect(d2.reply.action).toBe('ReadItems');
    const d3 = dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '10.0.0.2' }]));
    // The refused job is backed off (not in the runnable list of this reply-to context): the
    // engine must remember the refusal itself.
    expect(dls.context('reply-to').jobs).toEqual([]);
    expect(d3.reply).toMatchObject({ action: 'CleanUp', items: solicitedItem });
    expect([dls.job(w).state, dls.job(r).state]).toEqual(['waiting-busy', 'done']);
  });

  it('after a busy refusal, further writes are held back (not sent into the call)', () => {
    const dls = new Dls({ known: true });
    const w1 = dls.add('write-items', [{ name: 'sntp-addr', value: 'a' }]);
    const w2 = dls.add('write-items', [{ name: 'sntp-addr', value: 'b' }]);
    const sw = dls.add('software-deployment', [{ name: 'file-sw-version', value: '3.5.12.0' }]);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('WriteItems', 'busy', undefined));
    expect(d.reply).toMatchObject({ action: 'CleanUp', items: solicitedItem });
    expect([dls.job(w1).state, dls.job(w2).state, dls.job(sw).state]).toEqual(['waiting-busy', 'queued', 'queued']);
  });

  it('SoftwareDeployment refused busy: job-busy and send-solicited', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('software-deployment', [
      { name: 'file-sw-version', value: '3.5.12.0' },
      { name: 'file-priority', value: 'normal' },
    ]);
    expect(dls.receive(first('solicited')).reply.action).toBe('SoftwareDeployment');
    const d = dls.receive(reply('SoftwareDeployment', 'busy', undefined));
    expect(d.reply).toMatchObject({ action: 'CleanUp', items: solicitedItem });
    expect(ofType(d, 'job-busy')).toEqual([{ type: 'job-busy', jobId: id }]);
    expect(ofType(d, 'job-failed')).toEqual([]);
  });

  it('busy in the second batch of a split write: the job waits (sent again whole later)', () => {
    const dls = new Dls({ known: true });
    const id = dls.add(
      'write-items',
      Array.from({ length: 4 }, (_, i) => ({ name: `s-${i}`, value: 'v' })),
    );
    dls.receive(first('solicited', { maxItems: 2 }));
    expect(dls.receive(reply('WriteItems', 'accepted', [])).reply.action).toBe('WriteItems');
    const d = dls.receive(reply('WriteItems', 'busy', undefined));
    expect(d.reply).toMatchObject({ action: 'CleanUp', items: solicitedItem });
    expect(dls.job(id).state).toBe('waiting-busy');
  });

  it('the multiple-jobs example (p. 74–75) as far as the engine goes', () => {
    // Steps 1–2, 7–8, 11–12 (contact-me / 204) are outside the engine. The engine serves every
    // runnable job in one interaction, so after the call it needs one solicited, not two (18–24).
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    phone.noncePerMessage = true;
    phone.busy = true;
    const item = (v: string): WpiItem[] => [{ name: 'sntp-addr', value: v }];

    const job1 = dls.add('write-items', item('job-1'));
    // 3–6: solicited → WriteItems → busy → CleanUp + send-solicited
    let t = interaction(dls, phone, 'solicited');
    expect(t.actions).toEqual(['WriteItems', 'CleanUp']);
    expect(t.last.items).toEqual(solicitedItem);
    expect(phone.reminders).toBe(1);

    // 9–10: job 2 has no WriteItems (a read): it runs although the phone is still in a call.
    const job2 = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    t = interaction(dls, phone, 'solicited');
    expect(t.actions).toEqual(['WriteItems', 'ReadItems', 'CleanUp']);
    expect(t.last.items).toEqual(solicitedItem); // job 1 still waits
    expect(dls.job(job2).state).toBe('done');

    // 13–16: job 3 queued; the phone is still busy.
    const job3 = dls.add('write-items', item('job-3'));
    t = interaction(dls, phone, 'solicited');
    expect(t.actions).toEqual(['WriteItems', 'CleanUp']);
    expect(t.last.items).toEqual(solicitedItem);
    expect([dls.job(job1).state, dls.job(job3).state]).toEqual(['waiting-busy', 'queued']);

    // Call ends → 17: one single solicited for all reminders.
    phone.busy = false;
    expect(phone.reminders).toBe(1);
    phone.reminders = 0;
    t = interaction(dls, phone, 'solicited');
    // 18–24: job 1 then job 3, then a plain CleanUp (nothing left).
    expect(t.actions).toEqual(['WriteItems', 'WriteItems', 'CleanUp']);
    expect(t.decisions[0]?.reply.items).toEqual(item('job-1'));
    expect(t.decisions[1]?.reply.items).toEqual(item('job-3'));
    expect(t.last.items).toBeUndefined();
    expect(phone.reminders).toBe(0);
    expect([dls.job(job1).state, dls.job(job2).state, dls.job(job3).state]).toEqual(['done', 'done', 'done']);
    expect(phone.config.get('sntp-addr#')?.value).toBe('job-3');
  });

  it('V3R1 phone: no send-solicited, no callback when idle; the next contact serves the job', () => {
    const dls = new Dls({ known: true, version: V3R1 });
    const phone = new SimPhone();
    phone.version = V3R1;
    phone.busy = true;
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    const t = interaction(dls, phone, 'solicited');
    expect(t.last.items).toBeUndefined();
    phone.busy = false;
    expect(phone.reminders).toBe(0);
    // The service retries with contact-me later (outside the engine) → solicited.
    expect(interaction(dls, phone, 'solicited').actions).toEqual(['WriteItems', 'CleanUp']);
    expect(dls.job(id).state).toBe('done');
  });
});

describe('restart and factory reset (§9.8, §9.9)', () => {
  it('Restart without items; no CleanUp; job awaits the start-up and is done on it', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('restart');
    const d1 = dls.receive(first('solicited'));
    expect(d1.reply).toEqual({ nonce: d1.reply.nonce, action: 'Restart' });
    expect(d1.flow?.ended).toBe(true);
    expect(ofType(d1, 'job-awaiting')).toEqual([{ type: 'job-awaiting', jobId: id, expect: 'start-up' }]);
    expect(dls.job(id).state).toBe('running');

    const d2 = dls.receive(first('start-up'));
    expect(ofType(d2, 'job-done')).toEqual([
      { type: 'job-done', jobId: id, results: [{ name: 'start-up', status: 'accepted', value: 'phone came back' }] },
    ]);
    expect(d2.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('done');
  });

  it('factory reset: Restart with restart-password=124816 and restart-type=FactoryReset', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('factory-reset');
    const d1 = dls.receive(first('solicited'));
    expect(d1.reply.action).toBe('Restart');
    expect(d1.reply.items).toEqual([
      { name: 'restart-password', value: '124816' },
      { name: 'restart-type', value: 'FactoryReset' },
    ]);
    // After the reset the phone reports a changed configuration: reading everything is right.
    const d2 = dls.receive(first('start-up', { changed: true }));
    expect(ofType(d2, 'job-done')[0]?.jobId).toBe(id);
    expect(d2.reply.action).toBe('ReadAllItems');
  });

  it('a solicited (not a start-up) does not settle an awaited restart', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('restart');
    dls.receive(first('solicited'));
    const d = dls.receive(first('solicited'));
    expect(ofType(d, 'job-done')).toEqual([]);
    expect(dls.job(id).state).toBe('running');
  });

  it('restart refused (reply-to failed): job failed, then CleanUp', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('factory-reset');
    dls.receive(first('solicited'));
    const d = dls.receive(reply('Restart', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-failed')[0]).toMatchObject({ jobId: id, reason: expect.stringContaining('refused the restart (failed)') });
    expect(dls.job(id).state).toBe('failed');
  });

  it('restart refused, other jobs still run in the same interaction', () => {
    const dls = new Dls({ known: true });
    const rs = dls.add('restart');
    const rd = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    expect(dls.receive(first('solicited')).reply.action).toBe('ReadItems');
    expect(dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '1' }])).reply.action).toBe('Restart');
    const d = dls.receive(reply('Restart', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect([dls.job(rd).state, dls.job(rs).state]).toEqual(['done', 'failed']);
  });

  it('rebooting jobs run last, and only one of them per interaction', () => {
    const dls = new Dls({ known: true });
    const rs = dls.add('restart');
    const sw = dls.add('software-deployment', [{ name: 'file-sw-version', value: '3.5.12.0' }]);
    const w = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    expect(dls.receive(first('solicited')).reply.action).toBe('WriteItems');
    const d = dls.receive(reply('WriteItems', 'accepted', []));
    expect(d.reply.action).toBe('Restart');
    expect(dls.job(w).state).toBe('done');
    expect(dls.job(sw).state).toBe('queued');
    expect(dls.job(rs).state).toBe('running');
  });

  it('with the simulated phone: restart, reboot, start-up', () => {
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    const id = dls.add('restart');
    expect(interaction(dls, phone, 'solicited').actions).toEqual(['Restart']);
    expect(interaction(dls, phone, 'start-up').actions).toEqual(['CleanUp']);
    expect(dls.job(id).state).toBe('done');
  });
});

describe('quarantined phone (mayWrite false)', () => {
  it('gets no WriteItems, Restart, FileDeployment or SoftwareDeployment; reads still run', () => {
    const dls = new Dls({ known: true, mayWrite: false });
    const writing = [
      dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]),
      dls.add('restart'),
      dls.add('factory-reset'),
      dls.add('file-deployment', [{ name: 'file-name', value: 'a.wav' }]),
      dls.add('software-deployment', [{ name: 'file-sw-version', value: '1.2.3.4' }]),
    ];
    const ri = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    const ra = dls.add('read-all');
    const actions: Action[] = [];
    let d = dls.receive(first('start-up'));
    actions.push(d.reply.action);
    d = dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '10.0.0.2' }]));
    actions.push(d.reply.action);
    d = dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS));
    actions.push(d.reply.action);
    expect(actions).toEqual(['ReadItems', 'ReadAllItems', 'CleanUp']);
    expect([dls.job(ri).state, dls.job(ra).state]).toEqual(['done', 'done']);
    for (const id of writing) expect(dls.job(id).state).toBe('queued');
  });

  it('an unknown quarantined phone is still read completely', () => {
    const dls = new Dls({ mayWrite: false });
    dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    expect(dls.receive(first('start-up')).reply.action).toBe('ReadAllItems');
    expect(dls.receive(reply('ReadAllItems', 'accepted', FIXTURE_ITEMS)).reply.action).toBe('CleanUp');
  });
});

describe('read jobs (§9.5, §9.6)', () => {
  it('read-items: ReadItems with empty items (indexes kept) → reply → job done, values stored', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-items', [
      { name: 'reg-addr', value: 'ignored' },
      { name: 'function-key-def', index: 1001, value: '' },
      { name: 'no-such-item', value: '' },
    ]);
    const d1 = dls.receive(first('solicited'));
    expect(d1.reply.items).toEqual([
      { name: 'reg-addr', value: '' },
      { name: 'function-key-def', index: 1001, value: '' },
      { name: 'no-such-item', value: '' },
    ]);
    const d2 = dls.receive(
      reply('ReadItems', 'accepted', [
        { name: 'reg-addr', value: '10.0.0.2' },
        { name: 'function-key-def', index: 1001, value: '0' },
        { name: 'no-such-item', value: '', status: 'unknown item' },
      ]),
    );
    expect(d2.reply.action).toBe('CleanUp');
    expect(ofType(d2, 'job-done')[0]).toEqual({
      type: 'job-done',
      jobId: id,
      results: [
        { name: 'reg-addr', value: '10.0.0.2', status: 'accepted' },
        { name: 'function-key-def', index: 1001, value: '0', status: 'accepted' },
        { name: 'no-such-item', value: '', status: 'unknown item' },
      ],
    });
    expect(ofType(d2, 'inventory')[0]?.items).toEqual([
      { name: 'reg-addr', value: '10.0.0.2' },
      { name: 'function-key-def', index: 1001, value: '0' },
    ]);
  });

  it('read-items refused: job failed', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('ReadItems', 'failed', undefined));
    expect(ofType(d, 'job-failed')[0]?.jobId).toBe(id);
    expect(d.reply.action).toBe('CleanUp');
  });

  it('read-all job: ReadAllItems, inventory replaced, job done with the items as results', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-all');
    expect(dls.receive(first('solicited')).reply).toMatchObject({ action: 'ReadAllItems' });
    const d = dls.receive(FIXTURE_329);
    expect(ofType(d, 'inventory')[0]?.mode).toBe('replace');
    expect(ofType(d, 'job-done')[0]?.results).toHaveLength(329);
    expect(dls.job(id).state).toBe('done');
  });

  it('read-all job failed', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-all');
    dls.receive(first('solicited'));
    dls.receive(reply('ReadAllItems', 'failed', undefined));
    expect(dls.job(id).state).toBe('failed');
  });
});

describe('file deployment (§9.10)', () => {
  const fileItems: WpiItem[] = [
    { name: 'file-server', value: '10.0.0.5' },
    { name: 'file-port', value: '21' },
    { name: 'file-username', value: 'ftp' },
    { name: 'file-pwd', value: 'secret' },
    { name: 'file-path', value: '/media' },
    { name: 'file-name', value: 'ring1.wav' },
    { name: 'file-type', value: 'RINGTONE' },
  ];

  it.each([
    [true, 'done'],
    [false, 'failed'],
  ] as const)('single file: FileDeployment → status (ok=%s) settles it → CleanUp', (ok, state) => {
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    const id = dls.add('file-deployment', fileItems);
    const d1 = dls.receive(phone.first('solicited'));
    expect(d1.reply).toMatchObject({ action: 'FileDeployment', items: fileItems });
    expect(ofType(d1, 'job-awaiting')).toEqual([{ type: 'job-awaiting', jobId: id, expect: 'status' }]);
    expect(d1.flow).not.toBeNull();

    // The phone downloads and reports with reason status, presenting the session cookie.
    const d2 = dls.receive(phone.fileStatus(ok), { sameSession: true });
    expect(d2.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe(state);
    const settled = ok ? ofType(d2, 'job-done')[0] : ofType(d2, 'job-failed')[0];
    expect(settled?.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'file-deployment-status', index: 1, value: ok ? 'ok' : 'failed' })]),
    );
    if (!ok) expect(ofType(d2, 'job-failed')[0]?.reason).toMatch(/failed/);
    // An expected `status` is not a dropped interaction.
    expect(dls.warnings).toEqual([]);
  });

  it('status on a new connection (no cookie) settles the job as well', () => {
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    const id = dls.add('file-deployment', fileItems);
    dls.receive(phone.first('solicited'));
    const d = dls.receive(phone.fileStatus(true));
    expect(d.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('done');
  });

  it('the status report of the schema sample settles an awaited file job', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('file-deployment', fileItems);
    dls.receive(first('solicited'));
    const xml = readFileSync(new URL('../fixtures/wpi/schema-samples/status-file-deployment.xml', import.meta.url), 'utf8');
    const d = dls.receive(xml);
    expect(d.reply).toEqual({ nonce: '4F6A1034A46B463F8D008DA09314040A', action: 'CleanUp' });
    expect(dls.job(id).state).toBe('done');
  });

  it('status without any file deployment in progress: warning, CleanUp', () => {
    const dls = new Dls({ known: true });
    const d = dls.receive(new SimPhone().fileStatus(true));
    expect(d.reply.action).toBe('CleanUp');
    expect(dls.warnings.join()).toMatch(/without a file deployment/);
  });

  describe('multi-file deployment: the phone reports nothing (p. 55), so the job reads back and compares', () => {
    const items: WpiItem[] = [
      { name: 'file-https-base-url', value: 'https://127.0.0.1:18443/files/' },
      { name: 'file-name', index: 1, value: 'logo.png' },
      { name: 'file-type', index: 1, value: 'LOGO' },
      { name: 'file-action', index: 1, value: 'deploy' },
      { name: 'file-name', index: 2, value: 'old.wav' },
      { name: 'file-type', index: 2, value: 'RINGTONE' },
      { name: 'file-action', index: 2, value: 'delete' },
    ];
    const record = (index: number, name: string, type: string, status: string): WpiItem[] => [
      { name: 'file-deployment-name', index, value: name },
      { name: 'file-deployment-type', index, value: type },
      { name: 'file-deployment-status', index, value: status },
    ];
    const deploy = (): { dls: Dls; id: string } => {
      const dls = new Dls({ known: true });
      const id = dls.add('file-deployment', items);
      expect(dls.receive(first('solicited')).reply).toMatchObject({ action: 'FileDeployment', items });
      // Accepted is not done: the same interaction reads the inventory back.
      expect(dls.receive(reply('FileDeployment', 'accepted', [])).reply.action).toBe('ReadAllItems');
      expect(dls.job(id).state).toBe('running');
      return { dls, id };
    };

    it('done when the deployed file is stored ok and the deleted one is gone', () => {
      const { dls, id } = deploy();
      const d = dls.receive(
        reply('ReadAllItems', 'accepted', [
          ...FIXTURE_ITEMS,
          ...record(1, 'ring.wav', 'RINGTONE', 'ok'),
          ...record(2, 'logo.png', 'LOGO', 'ok'),
        ]),
      );
      expect(d.reply.action).toBe('CleanUp');
      expect(dls.job(id)).toMatchObject({
        state: 'done',
        results: [
          { name: 'file-name', index: 1, value: 'logo.png', status: 'accepted' },
          { name: 'file-name', index: 2, value: 'old.wav', status: 'accepted' },
        ],
      });
      expect(dls.inventory.get('file-deployment-name#2')?.value).toBe('logo.png');
    });

    it('failed, naming the files, when the phone has not stored one or still holds a deleted one', () => {
      const { dls, id } = deploy();
      dls.receive(
        reply('ReadAllItems', 'accepted', [
          ...FIXTURE_ITEMS,
          ...record(1, 'old.wav', 'RINGTONE', 'ok'),
          ...record(2, 'logo.png', 'LOGO', 'failed'),
        ]),
      );
      const job = dls.job(id);
      expect(job.state).toBe('failed');
      expect(job.reason).toContain('2 of 2 files');
      expect(job.results.map((r) => r.status)).toEqual(['phone reports failed', 'still on the phone']);
    });
  });

  it('FileDeployment refused with reply-to failed: job failed', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('file-deployment', fileItems);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('FileDeployment', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('failed');
  });

  it('with the simulated phone in one go', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('file-deployment', fileItems);
    expect(interaction(dls, new SimPhone(), 'solicited').actions).toEqual(['FileDeployment', 'CleanUp']);
    expect(dls.job(id).state).toBe('done');
  });
});

describe('software deployment (§9.11)', () => {
  const swItems: WpiItem[] = [
    { name: 'file-server', value: '10.0.0.5' },
    { name: 'file-name', value: 'OS60_SIP_V3_R5_12_0.img' },
    { name: 'file-type', value: 'APP' },
    { name: 'file-sw-type', value: 'Siemens SIP' },
    { name: 'file-sw-version', value: '3.5.12.0' },
    { name: 'file-priority', value: 'normal' },
  ];

  it('SoftwareDeployment ends the flow; start-up with the expected version → done (and a fresh inventory)', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('software-deployment', swItems);
    const d1 = dls.receive(first('solicited'));
    expect(d1.reply).toMatchObject({ action: 'SoftwareDeployment', items: swItems });
    expect(d1.flow?.ended).toBe(true);
    expect(ofType(d1, 'job-awaiting')).toEqual([{ type: 'job-awaiting', jobId: id, expect: 'start-up', expectVersion: '3.5.12.0' }]);

    const d2 = dls.receive(first('start-up', { version: 'V3 R5.12.0' }));
    expect(ofType(d2, 'job-done')).toEqual([
      { type: 'job-done', jobId: id, results: [{ name: 'software-version', status: 'accepted', value: 'V3 R5.12.0' }] },
    ]);
    expect(d2.reply.action).toBe('ReadAllItems');
  });

  it('start-up with a different version → failed, naming both versions', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('software-deployment', swItems);
    dls.receive(first('solicited'));
    const d = dls.receive(first('start-up', { version: V3R3 }));
    expect(ofType(d, 'job-failed')[0]?.reason).toMatch(/V3 R3\.10\.0.*3\.5\.12\.0/);
    expect(dls.job(id).state).toBe('failed');
  });

  it('start-up without a software-version → failed', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('software-deployment', swItems);
    dls.receive(first('solicited'));
    dls.receive(first('start-up', { version: null }));
    expect(dls.job(id).state).toBe('failed');
  });

  it('without file-sw-version any start-up settles it', () => {
    const dls = new Dls({ known: true });
    const id = dls.add(
      'software-deployment',
      swItems.filter((i) => i.name !== 'file-sw-version'),
    );
    const d1 = dls.receive(first('solicited'));
    expect(ofType(d1, 'job-awaiting')[0]).toEqual({ type: 'job-awaiting', jobId: id, expect: 'start-up' });
    dls.receive(first('start-up'));
    expect(dls.job(id).state).toBe('done');
  });

  it('refused with failed: job failed, CleanUp', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('software-deployment', swItems);
    dls.receive(first('solicited'));
    const d = dls.receive(reply('SoftwareDeployment', 'failed', undefined));
    expect(d.reply.action).toBe('CleanUp');
    expect(dls.job(id).state).toBe('failed');
  });

  it('with the simulated phone: deploy, reboot into the new image, start-up', () => {
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    const id = dls.add('software-deployment', swItems);
    expect(interaction(dls, phone, 'solicited').actions).toEqual(['SoftwareDeployment']);
    expect(phone.version).toBe('V3 R5.12.0');
    expect(interaction(dls, phone, 'start-up').actions).toEqual(['ReadAllItems', 'CleanUp']);
    expect(dls.job(id).state).toBe('done');
  });
});

describe('phone clean-up, stray and wrong replies', () => {
  it('phone clean-up during a job: CleanUp, job failed with the phone reason', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('read-items', [{ name: 'bootstrapping-tan', value: '' }]);
    dls.receive(first('start-up'));
    const n = newNonce();
    const d = dls.receive(
      phoneXml({
        reason: 'clean-up',
        nonce: n,
        fragment: 'final',
        items: [{ name: 'cleanup-reason', value: 'password retries exceeded' }],
      }),
      { sameSession: true },
    );
    expect(d.reply).toEqual({ nonce: n, action: 'CleanUp' });
    expect(d.flow).toBeNull();
    expect(ofType(d, 'job-failed')[0]).toMatchObject({ jobId: id, reason: expect.stringContaining('password retries exceeded') });
    expect(dls.warnings.join()).toContain('password retries exceeded');
  });

  it('phone clean-up without a flow and without a reason: CleanUp and a warning', () => {
    const dls = new Dls({ known: true });
    const d = dls.receive(phoneXml({ reason: 'clean-up', nonce: 'C1' }));
    expect(d.reply).toEqual({ nonce: 'C1', action: 'CleanUp' });
    expect(dls.warnings.join()).toContain('no reason given');
  });

  it('reply-to without a flow (unknown or expired session): CleanUp echoing the nonce', () => {
    const dls = new Dls({ known: true });
    const d = dls.receive(reply('WriteItems', 'accepted', [], { nonce: 'STRAY' }));
    expect(d.reply).toEqual({ nonce: 'STRAY', action: 'CleanUp' });
    expect(d.effects).toEqual([{ type: 'warning', mac: MAC, message: expect.stringContaining('outside an interaction') }]);
  });

  it('reply-to after the CleanUp of the flow: CleanUp again', () => {
    const dls = new Dls({ known: true });
    dls.receive(first('solicited'));
    expect(dls.receive(reply('ReadAllItems', 'accepted', [])).reply.action).toBe('CleanUp');
  });

  it('reply-to naming another action than the pending one: job failed, flow goes on', () => {
    const dls = new Dls({ known: true });
    const w = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    const r = dls.add('read-items', [{ name: 'reg-addr', value: '' }]);
    expect(dls.receive(first('solicited')).reply.action).toBe('WriteItems');
    const d = dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '1' }]));
    expect(ofType(d, 'job-failed')[0]).toMatchObject({
      jobId: w,
      reason: expect.stringContaining('ReadItems while WriteItems was pending'),
    });
    expect(d.reply.action).toBe('ReadItems');
    expect(dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '1' }])).reply.action).toBe('CleanUp');
    expect([dls.job(w).state, dls.job(r).state]).toEqual(['failed', 'done']);
  });

  it('wrong action while the inventory read is pending: warning, no job touched, CleanUp', () => {
    const dls = new Dls();
    dls.receive(first('start-up'));
    const d = dls.receive(reply('WriteItems', 'accepted', []));
    expect(d.reply.action).toBe('CleanUp');
    expect(ofType(d, 'job-failed')).toEqual([]);
    expect(dls.warnings.join()).toMatch(/WriteItems while ReadAllItems/);
  });

  it('reply-to without an action attribute is taken as the answer to the pending step', () => {
    const dls = new Dls({ known: true });
    const id = dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    dls.receive(first('solicited'));
    dls.receive(phoneXml({ reason: 'reply-to', nonce: 'N', status: 'accepted', items: [] }));
    expect(dls.job(id).state).toBe('done');
  });

  it('a new start-up while an interaction is open: warning, the old flow is dropped', () => {
    const dls = new Dls({ known: true });
    dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    dls.receive(first('solicited'));
    const n = newNonce();
    const d = dls.receive(first('start-up', { nonce: n }), { sameSession: true });
    expect(ofType(d, 'warning')[0]?.message).toMatch(/while an interaction was open/);
    expect(d.reply.nonce).toBe(n);
  });

  it('rejectMessage: CleanUp with the given nonce and a warning', () => {
    const d = rejectMessage('ABC', null, 'unreadable');
    expect(d).toEqual({
      reply: { nonce: 'ABC', action: 'CleanUp' },
      flow: null,
      effects: [{ type: 'warning', mac: null, message: 'unreadable' }],
    });
    SENT.push(buildServiceMessage(d.reply));
  });
});

describe('bounded interactions and nonces', () => {
  it(`a flow with many jobs is cut with CleanUp after FLOW_LIMITS.maxSteps (${FLOW_LIMITS.maxSteps}) actions`, () => {
    const dls = new Dls({ known: true });
    const ids = Array.from({ length: FLOW_LIMITS.maxSteps + 36 }, () => dls.add('read-items', [{ name: 'reg-addr', value: '' }]));
    let d = dls.receive(first('solicited'));
    let actions = 0;
    while (d.reply.action !== 'CleanUp') {
      actions += 1;
      d = dls.receive(reply('ReadItems', 'accepted', [{ name: 'reg-addr', value: '1' }]));
    }
    expect(actions).toBe(FLOW_LIMITS.maxSteps);
    expect(dls.warnings.join()).toMatch(/cut after/);
    expect(ids.filter((id) => dls.job(id).state === 'done')).toHaveLength(FLOW_LIMITS.maxSteps);
    expect(ids.filter((id) => dls.job(id).state === 'queued')).toHaveLength(36);
  });

  it('the guide nonce styles (23 lower-case and 32 upper-case hex) are echoed as they are', () => {
    const dls = new Dls();
    const d1 = dls.receive(first('start-up', { nonce: 'ab15234de14f15a667c6f8d' }));
    expect(d1.reply.nonce).toBe('ab15234de14f15a667c6f8d');
    const d2 = dls.receive(reply('ReadAllItems', 'accepted', [], { nonce: '957AE6C2E40C0E916B7CD5636480F171' }));
    expect(d2.reply.nonce).toBe('957AE6C2E40C0E916B7CD5636480F171');
  });

  it('nonces that change within a flow (guide p. 45, 48, 78) are echoed per message', () => {
    const dls = new Dls({ known: true });
    const phone = new SimPhone();
    phone.noncePerMessage = true;
    phone.fragmentSize = 50;
    dls.add('read-all');
    dls.add('write-items', [{ name: 'sntp-addr', value: 'x' }]);
    const t = interaction(dls, phone, 'solicited');
    // 330 items in fragments of 50: 6 × next + final.
    expect(t.actions).toEqual(['ReadAllItems', ...Array(6).fill('GetNextFragment'), 'WriteItems', 'CleanUp']);
    expect(t.actions.at(-1)).toBe('CleanUp');
    const nonces = dls.log.map((l) => l.message.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
    for (const { message, decision } of dls.log) expect(decision.reply.nonce).toBe(message.nonce);
  });

  it('random phones and job mixes: every interaction ends, within the limits, nonces echoed, all XML valid', () => {
    let seed = 20240607;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const kinds: JobKind[] = [
      'read-all',
      'read-items',
      'read-items',
      'write-items',
      'write-items',
      'write-items',
      'restart',
      'factory-reset',
      'file-deployment',
      'software-deployment',
    ];
    const seen = {
      busy: 0,
      solicited: 0,
      busyThenMore: 0,
      fragments: 0,
      Restart: 0,
      SoftwareDeployment: 0,
      FileDeployment: 0,
      quarantined: 0,
      failed: 0,
    };

    for (let run = 0; run < 200; run++) {
      const dls = new Dls({
        known: rand() < 0.6,
        mayWrite: rand() < 0.8,
        policy: { sendSolicited: pick(['auto', 'always', 'never'] as const) },
      });
      const phone = new SimPhone();
      phone.version = pick([V3R1, V3R3, 'V2 R2.30.0', 'V1 R4.9.0']);
      phone.busy = rand() < 0.5;
      phone.noncePerMessage = rand() < 0.5;
      phone.fragmentSize = pick([0, 0, 40, 150]);
      const jobCount = Math.floor(rand() * 6);
      for (let j = 0; j < jobCount; j++) {
        const kind = pick(kinds);
        const items: WpiItem[] =
          kind === 'software-deployment'
            ? [
                { name: 'file-sw-version', value: '3.5.12.0' },
                { name: 'file-priority', value: pick(['normal', 'immediate']) },
              ]
            : kind === 'file-deployment'
              ? [{ name: 'file-name', value: 'a.wav' }]
              : kind === 'read-items' || kind === 'write-items'
                ? Array.from({ length: 1 + Math.floor(rand() * 12) }, (_, i) => ({
                    name: pick(['sntp-addr', 'device-type', 'reg-addr', `x-${i}`]),
                    value: `v${i}`,
                  }))
                : [];
        dls.add(kind, items);
      }
      const reason = pick(['start-up', 'solicited', 'local-changes', 'inventory-changes'] as const);
      const t = interaction(dls, phone, reason);
      const actions = t.actions.filter((a) => a !== 'GetNextFragment' && a !== 'CleanUp');
      expect(actions.length, `run ${run}`).toBeLessThanOrEqual(FLOW_LIMITS.maxSteps);
      const end = t.actions.at(-1);
      expect(['CleanUp', 'Restart', 'SoftwareDeployment'], `run ${run}: ${t.actions.join(',')}`).toContain(end);
      if (end !== 'CleanUp') expect(dls.flow?.ended, `run ${run}`).toBe(true);
      // Nothing runs without being settled, except what awaits the phone's next message.
      for (const job of dls.jobs) if (job.state === 'running') expect(job.awaiting, `run ${run} ${job.kind}`).toBeDefined();
      // A quarantined phone never got anything that writes.
      if (!dls.mayWrite)
        expect(t.actions.filter((a) => ['WriteItems', 'Restart', 'FileDeployment', 'SoftwareDeployment'].includes(a))).toEqual([]);
      // A phone that refused busy is told to call back exactly when it can and policy allows.
      const refusedBusy = t.decisions.some((d) => d.effects.some((e) => e.type === 'job-busy'));
      if (end === 'CleanUp') {
        const solicited = t.last.items?.some((i) => i.name === 'send-solicited') ?? false;
        const wanted =
          refusedBusy &&
          (dls.policy.sendSolicited === 'always' || (dls.policy.sendSolicited === 'auto' && supportsSendSolicited(phone.version)));
        expect(solicited, `run ${run}: ${t.actions.join(',')}`).toBe(wanted);
      }
      // A phone in a call never had a write applied.
      if (phone.busy) expect(dls.jobs.filter((j) => j.kind === 'write-items' && j.state === 'done' && j.items.length > 0)).toEqual([]);

      if (refusedBusy) seen.busy += 1;
      if (t.last.items?.some((i) => i.name === 'send-solicited')) seen.solicited += 1;
      const busyAt = t.decisions.findIndex((d) => d.effects.some((e) => e.type === 'job-busy'));
      if (busyAt >= 0 && busyAt < t.decisions.length - 1) seen.busyThenMore += 1;
      if (t.actions.includes('GetNextFragment')) seen.fragments += 1;
      for (const a of ['Restart', 'SoftwareDeployment', 'FileDeployment'] as const) if (t.actions.includes(a)) seen[a] += 1;
      if (!dls.mayWrite && dls.jobs.some((j) => j.kind !== 'read-all' && j.kind !== 'read-items')) seen.quarantined += 1;
      if (dls.jobs.some((j) => j.state === 'failed')) seen.failed += 1;
    }
    // The generator really produced the interesting cases.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThanOrEqual(5);
    // 200 interactions over real (in-memory) stores: more than the default budget on a loaded machine.
  }, 120_000);
});
