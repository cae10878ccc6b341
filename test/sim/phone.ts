/**
 * A simulated OpenStage phone: contact-me listener, HTTPS interactions with the service, item set,
 * busy state, reboots and firmware personality (wpi-protocol.md §10 checklist, §12).
 *
 * Interactions run one after another, as on the phone. Everything the phone does is recorded
 * (`stats`, `violations`, `errors`, events) instead of thrown, so a test can let a fleet loose and
 * assert afterwards.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { DCMP_POLL_INTERVAL_ITEM, FACTORY_RESET_PASSWORD, type Reason, type ReplyStatus, type WpiItem } from '../../shared/protocol.js';
import {
  DEFAULT_CONTACT_ME_PORT,
  CONTACT_ME_PATH,
  listenForContactMe,
  type ContactMeListener,
  type ContactMeRequest,
} from './contact-me.js';
import { SimCertificates } from './certificates.js';
import { checkImage, deploymentStamp, download, FILE_RECORD_NAMES, fileOrders, fileRecordItems, type StoredFile } from './deploy.js';
import { attachesLocalChanges, honoursSendSolicited, isLegacyFirmware, parseFirmware, phoneVersionOf, type Firmware } from './firmware.js';
import { runFlow, type ActionAnswer, type FlowOutcome } from './flow.js';
import { applyWrite, BASIC_ITEM_NAMES, ItemStore, loadFixtureItems, unlistedItem, withIdentity } from './items.js';
import { DEFAULT_SERVICE_PATH, httpGet, type RequestLimits, type ServerAddress } from './transport.js';
import type { DlsMessage, OutgoingMessage } from './wire.js';

export type { ServerAddress } from './transport.js';

/**
 * Item holding the DCMP poll interval in seconds: the service's named choice (the real name is
 * unknown, wpi-protocol.md §5). 0 or absent = no automatic polling.
 */
export const POLL_INTERVAL_ITEM = DCMP_POLL_INTERVAL_ITEM;
/** The contact gap in seconds ("Contact gap", S-5); writing it changes `contactGapMs`. */
export const CONTACT_GAP_ITEM = 'dls-contact-interval';
/** Items the simulator understands although they are neither in its item set nor the catalogue. */
const SIMULATOR_ITEMS: ReadonlySet<string> = new Set([POLL_INTERVAL_ITEM]);
/** A service that answers every CleanUp with send-solicited would make an idle phone loop forever. */
const MAX_CHAINED_SOLICITED = 50;
const DEFAULT_WAIT_MS = 10_000;

export interface SimPhoneOptions {
  /** Unique; a Unify OUI such as `00:1A:E8` makes it look real. */
  mac: string;
  /** Loopback address: the contact-me listener binds here and all requests leave from here. */
  ip: string;
  server: ServerAddress;
  model?: string;
  /** `V3 R1.41.1` by default; drives the firmware personality (§12). */
  softwareVersion?: string;
  /** Items per message the phone accepts and sends; -1 = unlimited (50 kB still applies). */
  maxItems?: number;
  /** In a call: refuses WriteItems and non-immediate SoftwareDeployment. */
  busy?: boolean;
  /** `Connection: close` and a new TLS connection per request; default: firmware ≤ V2R2. */
  legacy?: boolean;
  /** Contact-me within this time after the last accepted one is acknowledged but ignored. */
  contactGapMs?: number;
  /** Port of the contact-me listener; 0 picks a free one (tests). */
  contactMePort?: number;
  /** Starting items before the identity is applied; default the OpenStage 60 fixture. */
  items?: readonly WpiItem[];
  e164?: string;
  rebootDelayMs?: number;
  requestTimeoutMs?: number;
  maxExchangesPerFlow?: number;
  /**
   * Items this phone refuses with `read only` although the catalogue allows them: values set by
   * DHCP (p. 16, e.g. the SNTP server from option 42) or locked by an administrator.
   */
  lockedItems?: readonly string[];
  /** Expert certificate items this phone takes besides the known slots (files-and-certificates.md §3). */
  certificateItems?: readonly string[];
  /**
   * Rejects every firmware image for this reason although it fits the model, as a phone whose
   * hardware level the image does not support does (research-notes §3.3): fetched, no reboot.
   */
  rejectFirmware?: string;
  /** A slow link: each download starts this much later. */
  downloadDelayMs?: number;
}

export interface SimPhoneStats {
  flows: number;
  exchanges: number;
  cleanUps: number;
  /** Every reboot: Restart, factory reset and firmware update. */
  restarts: number;
  factoryResets: number;
  /** Every request on the contact-me path, including ignored ones. */
  contactMeReceived: number;
  /** Acknowledged without a callback: within the contact gap, or ContactMe not `true`. */
  contactMeIgnored: number;
  polls: number;
  fileDeployments: number;
  softwareDeployments: number;
}

export function emptyStats(): SimPhoneStats {
  return {
    flows: 0,
    exchanges: 0,
    cleanUps: 0,
    restarts: 0,
    factoryResets: 0,
    contactMeReceived: 0,
    contactMeIgnored: 0,
    polls: 0,
    fileDeployments: 0,
    softwareDeployments: 0,
  };
}

export type FirstReason = Exclude<Reason, 'reply-to' | 'clean-up' | 'status'>;

export interface FlowEnd {
  reason: FirstReason;
  outcome: FlowOutcome;
  exchanges: number;
  cleanUp?: DlsMessage;
  error?: string;
}

export type SimPhoneEvents = {
  'flow-start': [reason: FirstReason];
  'flow-end': [end: FlowEnd];
  'clean-up': [message: DlsMessage];
  'contact-me': [request: ContactMeRequest, accepted: boolean];
  reboot: [factoryReset: boolean];
  violation: [text: string];
  /** Named so because an unhandled EventEmitter 'error' event would throw. */
  problem: [text: string];
  idle: [];
};

type After = 'reboot' | 'factory-reset';

export class SimPhone extends EventEmitter<SimPhoneEvents> {
  readonly mac: string;
  readonly ip: string;
  /** The default-mode service the phone was set up with. */
  readonly server: Required<Omit<ServerAddress, 'tls'>>;
  /**
   * Secure Mode (wpi-protocol.md §9.13): set after a no-PIN bootstrap's CleanUp, from what was
   * written (dls-server-ca, dls-client-certificate, dls-secure-port); null = default mode.
   */
  secureServer: ServerAddress | null = null;
  /**
   * Test faults for the secure port: present another certificate (other CA, other MAC, expired)
   * or none at all; undefined = the deployed one.
   */
  clientCertificateOverride: { cert: string; key: string } | 'none' | undefined;
  readonly violations: string[] = [];
  readonly errors: string[] = [];
  readonly stats: SimPhoneStats = emptyStats();
  /** Every file and image fetched whole, by the name it was stored or installed under (tests check the bytes). */
  readonly received: { name: string; type: string; bytes: number; sha256: string }[] = [];
  /** Milliseconds; changed by the service writing `dls-contact-interval`. */
  contactGapMs: number;

  private readonly opts: SimPhoneOptions;
  private readonly maxItems: number;
  private readonly locked: ReadonlySet<string>;
  private store: ItemStore;
  private files: StoredFile[] = [];
  /** Certificate slots: written with WriteItems, never in ReadAllItems, read back as `…-info`. */
  readonly certificates: SimCertificates;
  private state: 'stopped' | 'up' | 'rebooting' = 'stopped';
  private busyNow: boolean;
  private reminder = false;
  private chainedSolicited = 0;
  private lastAcceptedContact: number | undefined;
  private listener: ContactMeListener | undefined;
  private contactMePort: number;
  private pollTimer: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** `goto-secure-mode=nopin` was written: after the CleanUp the phone moves to the secure port. */
  private bootstrapPending = false;
  /** Set by an action handler; carried out once the flow has ended. */
  private after: After | undefined;

  constructor(options: SimPhoneOptions) {
    super();
    const version = options.softwareVersion ?? 'V3 R1.41.1';
    if (!parseFirmware(version)) throw new Error(`softwareVersion "${version}" is not of the form V<n> R<n>…`);
    this.opts = options;
    this.mac = options.mac.toUpperCase();
    this.ip = options.ip;
    this.server = { ...options.server, path: options.server.path ?? DEFAULT_SERVICE_PATH, plain: options.server.plain ?? false };
    this.maxItems = options.maxItems ?? -1;
    this.locked = new Set(options.lockedItems ?? []);
    this.busyNow = options.busy ?? false;
    this.contactGapMs = options.contactGapMs ?? 300_000;
    this.contactMePort = options.contactMePort ?? DEFAULT_CONTACT_ME_PORT;
    this.store = new ItemStore(this.factoryItems(options.e164 ?? defaultE164(this.mac), version));
    this.certificates = new SimCertificates(options.certificateItems);
  }

  // ------------------------------------------------------------------------------------------
  // Accessors

  get items(): ReadonlyMap<string, WpiItem> {
    return this.store.entries;
  }

  value(name: string, index?: number): string | undefined {
    return this.store.get(name, index)?.value;
  }

  get busy(): boolean {
    return this.busyNow;
  }

  get contactMeUri(): string {
    return `http://${this.ip}:${this.contactMePort}${CONTACT_ME_PATH}`;
  }

  get firmware(): Firmware {
    // The constructor and SoftwareDeployment only ever store parseable versions.
    return parseFirmware(this.value('software-version') ?? '') ?? { major: 0, release: 0 };
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  // ------------------------------------------------------------------------------------------
  // Life cycle

  /** Opens the contact-me listener and boots (the start-up flow runs in the background). */
  async start(): Promise<void> {
    if (this.state !== 'stopped') throw new Error(`${this.mac} is already running`);
    this.abort = new AbortController();
    this.listener = await listenForContactMe(this.ip, this.contactMePort, (req, answered) => this.onContactMe(req, answered));
    this.contactMePort = this.listener.port;
    this.store.setValue('contact-me-uri', this.contactMeUri);
    this.state = 'up';
    void this.boot();
  }

  /** Stops listening, aborts whatever is in flight and waits until nothing runs any more. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.abort.abort();
    clearTimeout(this.pollTimer);
    await this.listener?.close();
    this.listener = undefined;
    await this.queue;
  }

  /** Sends `start-up`, as after power-on (p. 32). */
  boot(): Promise<void> {
    return this.interact('start-up');
  }

  /**
   * A user changed settings on the phone (menu/WBM). V2R2+ attaches the changed items; older
   * firmware only raises the flag and lets the service read everything (p. 37–40).
   */
  localChange(items: readonly WpiItem[]): Promise<void> {
    for (const item of items) this.store.set(item);
    this.store.setValue('configuration-changed-flag', 'true');
    if (!attachesLocalChanges(this.firmware)) return this.interact('local-changes');
    const attached: WpiItem[] = [
      { name: 'configuration-attached-flag', value: 'true' },
      // The guide does not define this number (p. 40 shows 2); we send the count of changed items.
      { name: 'configuration-attached-number', value: String(items.length) },
      ...items.map((i) => ({ ...i })),
    ];
    return this.interact('local-changes', attached);
  }

  /** A key module or adapter was plugged in (p. 28). */
  inventoryChange(): Promise<void> {
    return this.interact('inventory-changes');
  }

  /** Call state. Going idle fires the one remembered send-solicited reminder (p. 72). */
  setBusy(busy: boolean): void {
    this.busyNow = busy;
    if (!busy && this.reminder) {
      this.reminder = false;
      void this.interact('solicited');
    }
  }

  /**
   * One DCMP poll (§5): `GET <dcmp-url>contact-me?device-id=<mac>`; 202 means "call the service".
   * Resolves to the HTTP status, or undefined when no `dcmp-url` is set or the poll failed.
   */
  async pollOnce(): Promise<number | undefined> {
    const base = this.value('dcmp-url')?.trim();
    if (!base || this.state !== 'up') return undefined;
    this.stats.polls++;
    const url = `${base}${base.endsWith('/') ? '' : '/'}contact-me?device-id=${this.mac}`;
    try {
      const reply = await httpGet(url, this.limits());
      if (reply.status === 202) void this.interact('solicited');
      return reply.status;
    } catch (err) {
      if (!this.abort.signal.aborted) this.problem(`poll ${url}: ${message(err)}`);
      return undefined;
    } finally {
      this.schedulePoll();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Waiting helpers for tests: they reject after a timeout instead of hanging.

  /** Resolves once no interaction, reboot or queued callback is left. */
  waitForIdle(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    if (this.idle) return Promise.resolve();
    return this.next('idle', timeoutMs).then(() => undefined);
  }

  /** The next CleanUp the service sends (call before triggering the flow). */
  nextCleanUp(timeoutMs = DEFAULT_WAIT_MS): Promise<DlsMessage> {
    return this.next('clean-up', timeoutMs).then(([m]) => m);
  }

  /** The end of the next interaction, whatever its outcome. */
  nextFlowEnd(timeoutMs = DEFAULT_WAIT_MS): Promise<FlowEnd> {
    return this.next('flow-end', timeoutMs).then(([end]) => end);
  }

  private next<K extends keyof SimPhoneEvents>(event: K, timeoutMs: number): Promise<SimPhoneEvents[K]> {
    return new Promise((resolve, reject) => {
      // @types/node cannot resolve its listener type for a generic K; the signature is right by construction.
      const listener = ((...args: SimPhoneEvents[K]): void => {
        clearTimeout(timer);
        resolve(args);
      }) as never;
      const timer = setTimeout(() => {
        this.off(event, listener);
        reject(new Error(`${this.mac}: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.once(event, listener);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Interactions

  /** Queues an interaction behind the running one; the promise never rejects. */
  private interact(reason: FirstReason, extra: WpiItem[] = [], server?: ServerAddress, gate?: Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      await gate;
      // Resolved when the interaction runs: a bootstrap just before changes where the phone calls.
      if (this.state === 'up') await this.runInteraction(reason, extra, server ?? this.activeServer());
    });
  }

  /** Test fault: a Secure Mode phone that calls the default port anyway (the service must refuse it). */
  callDefaultPort(reason: FirstReason = 'start-up'): Promise<void> {
    return this.interact(reason, [], this.server);
  }

  /** Where the phone calls now: the secure port in Secure Mode, else the configured service. */
  private activeServer(): ServerAddress {
    if (!this.secureServer?.tls) return this.server;
    const override = this.clientCertificateOverride;
    if (override === undefined) return this.secureServer;
    const { ca } = this.secureServer.tls;
    return { ...this.secureServer, tls: override === 'none' ? { ca } : { ca, ...override } };
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = this.queue
      .then(task)
      .catch((err: unknown) => this.problem(`internal: ${message(err)}`))
      .finally(() => {
        if (--this.pending === 0) this.emit('idle');
      });
    this.queue = run;
    return run;
  }

  private async runInteraction(reason: FirstReason, extra: WpiItem[], server: ServerAddress): Promise<void> {
    this.stats.flows++;
    this.after = undefined;
    this.schedulePoll(); // any contact with the service restarts the poll timer (§5)
    this.emit('flow-start', reason);
    const firmware = this.firmware;
    const result = await runFlow({ reason, items: [...this.basicItems(), ...extra] }, (m) => this.handle(m), {
      server,
      limits: this.limits(),
      legacy: this.opts.legacy ?? isLegacyFirmware(firmware),
      maxItems: this.maxItems,
      maxExchanges: this.opts.maxExchangesPerFlow ?? 500,
      chunkedIsFatal: isLegacyFirmware(firmware),
      onViolation: (text) => this.violation(text),
      onExchange: () => this.stats.exchanges++,
    });
    if (result.error) this.problem(`${reason} flow to ${server.host}:${server.port}: ${result.error}`);
    if (result.cleanUp) {
      this.stats.cleanUps++;
      this.emit('clean-up', result.cleanUp);
      if (reason === 'local-changes') this.store.setValue('configuration-changed-flag', 'false');
      if (this.bootstrapPending) {
        this.bootstrapPending = false;
        this.enterSecureMode(server);
      }
      this.onCleanUp(result.cleanUp);
    }
    this.emit('flow-end', { reason, ...result });
    const after = this.after;
    if (after) void this.enqueue(() => this.reboot(after === 'factory-reset'));
  }

  /** `send-solicited` (V3R3+, p. 46, 72): one reminder while busy, an immediate callback when idle (p. 75, step 21). */
  private onCleanUp(cleanUp: DlsMessage): void {
    const asked = cleanUp.items?.some((i) => i.name === 'send-solicited' && i.value.trim() === 'true') ?? false;
    if (!asked || !honoursSendSolicited(this.firmware)) {
      this.chainedSolicited = 0;
      return;
    }
    if (this.busyNow) {
      this.reminder = true;
      return;
    }
    if (++this.chainedSolicited > MAX_CHAINED_SOLICITED) {
      this.violation(`send-solicited on ${MAX_CHAINED_SOLICITED} CleanUps in a row while idle`);
      this.chainedSolicited = 0;
      return;
    }
    void this.interact('solicited');
  }

  private async reboot(factoryReset: boolean): Promise<void> {
    if (this.state !== 'up') return; // stopped before the reboot got its turn
    this.state = 'rebooting';
    // RAM state does not survive a restart (p. 72).
    this.reminder = false;
    this.lastAcceptedContact = undefined;
    clearTimeout(this.pollTimer);
    this.stats.restarts++;
    if (factoryReset) {
      this.stats.factoryResets++;
      this.files = [];
      this.certificates.clear();
      // Factory reset returns the phone to default mode.
      this.secureServer = null;
      this.bootstrapPending = false;
      this.store = new ItemStore(this.factoryItems('', this.value('software-version') ?? ''));
      this.store.setValue('configuration-changed-flag', 'true');
    }
    this.emit('reboot', factoryReset);
    try {
      await delay(this.opts.rebootDelayMs ?? 200, undefined, { signal: this.abort.signal });
    } catch {
      return; // stopped while rebooting
    }
    this.state = 'up';
    await this.runInteraction('start-up', [], this.activeServer());
  }

  // ------------------------------------------------------------------------------------------
  // Service actions

  private async handle(message: DlsMessage): Promise<ActionAnswer> {
    const items = message.items ?? [];
    switch (message.action) {
      case 'ReadAllItems':
        return this.readAll();
      case 'ReadItems':
        return this.read(items);
      case 'WriteItems':
        return this.write(items);
      case 'Restart':
        return this.restart(items);
      case 'FileDeployment':
        return this.deployFiles(items);
      case 'SoftwareDeployment':
        return this.deploySoftware(items);
      default:
        // Unknown or unsupported action: "failed (not accepted or unsupported)" (p. 29).
        return reply(message.action, 'failed');
    }
  }

  private readAll(): ActionAnswer {
    const items = this.store.all();
    this.store.setValue('configuration-changed-flag', 'false');
    return reply('ReadAllItems', 'accepted', items);
  }

  private read(requested: readonly WpiItem[]): ActionAnswer {
    const items = requested.flatMap((want): WpiItem[] => {
      if (this.certificates.isInfoItem(want.name)) {
        return [
          {
            name: want.name,
            ...(want.index === undefined ? {} : { index: want.index }),
            value: this.certificates.info(want.name, want.index),
          },
        ];
      }
      const found = want.index === undefined ? this.store.byName(want.name) : [this.store.get(want.name, want.index)];
      const present = found.filter((i): i is WpiItem => i !== undefined);
      if (present.length > 0) return present;
      const unlisted = unlistedItem(want.name, want.index);
      if (unlisted) return [unlisted];
      return [{ name: want.name, ...(want.index === undefined ? {} : { index: want.index }), value: '', status: 'unknown item' }];
    });
    return reply('ReadItems', 'accepted', items);
  }

  private write(items: readonly WpiItem[]): ActionAnswer {
    // p. 46: in a call the phone refuses, without an ItemList.
    if (this.busyNow) return reply('WriteItems', 'busy');
    if (this.maxItems > 0 && items.length > this.maxItems) {
      this.violation(`WriteItems with ${items.length} items, phone announced maxItems=${this.maxItems}`);
    }
    const problems: WpiItem[] = [];
    for (const item of items) {
      const status = this.locked.has(item.name)
        ? 'read only'
        : this.certificates.isCertificateItem(item.name)
          ? this.certificates.write(item)
          : applyWrite(this.store, item, SIMULATOR_ITEMS);
      if (status) problems.push({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), value: '', status });
    }
    const written = new Set(items.map((i) => i.name));
    if (written.has(CONTACT_GAP_ITEM)) {
      const seconds = Number(this.value(CONTACT_GAP_ITEM));
      if (Number.isFinite(seconds) && seconds >= 0) this.contactGapMs = seconds * 1000;
    }
    if (written.has('dcmp-url') || written.has(POLL_INTERVAL_ITEM)) this.schedulePoll();
    if (items.some((i) => i.name === 'goto-secure-mode' && i.value.trim() === 'nopin') && problems.length === 0)
      this.bootstrapPending = true;
    return reply('WriteItems', 'accepted', problems);
  }

  private restart(items: readonly WpiItem[]): ActionAnswer {
    const field = (name: string): string | undefined => items.find((i) => i.name === name)?.value.trim();
    if (field('restart-type') === 'FactoryReset') {
      if (field('restart-password') !== FACTORY_RESET_PASSWORD) return reply('Restart', 'failed');
      this.after = 'factory-reset';
    } else {
      this.after = 'reboot';
    }
    return { disconnect: true };
  }

  /** p. 52–55: one file → `status` report; several files or deletions → no status (we answer reply-to). */
  private async deployFiles(items: readonly WpiItem[]): Promise<ActionAnswer> {
    const orders = fileOrders(items);
    let report: WpiItem[] = [];
    for (const order of orders) {
      this.files = this.files.filter((f) => f.name !== order.name || f.type !== order.type);
      if (order.action === 'delete') continue;
      const result = await this.fetch(order.url);
      if (result.error) this.problem(`file ${order.name}: ${result.error}`);
      if (result.file) this.received.push({ name: order.name, type: order.type, bytes: result.file.bytes, sha256: result.file.sha256 });
      const file: StoredFile = { name: order.name, type: order.type, status: result.ok ? 'ok' : 'failed', ...deploymentStamp(new Date()) };
      // A failed file is not stored; its report uses the index it would have had.
      if (result.ok) this.files.push(file);
      this.stats.fileDeployments++;
      report = fileRecordItems(file, result.ok ? this.files.length : this.files.length + 1);
    }
    this.syncFileRecords();
    const single = orders.length === 1 && orders[0]?.index === undefined && orders[0]?.action === 'deploy';
    if (!single || report.length === 0) return reply('FileDeployment', 'accepted', []);
    return { reply: { reason: 'status', items: [...this.basicItems(), ...report] } };
  }

  /**
   * p. 56: refused in a call unless immediate; otherwise download, check the image against this
   * phone (research-notes §3.3) and reboot into its version. A rejected image is abandoned
   * without a reboot: the phone acknowledges and carries on with its old version.
   */
  private async deploySoftware(items: readonly WpiItem[]): Promise<ActionAnswer> {
    const field = (name: string): string | undefined => items.find((i) => i.name === name)?.value.trim();
    const priority = field('file-priority') || 'immediate';
    if (this.busyNow && priority !== 'immediate') return reply('SoftwareDeployment', 'busy');
    if (!phoneVersionOf(field('file-sw-version') ?? '')) {
      this.problem(`SoftwareDeployment without a usable file-sw-version`);
      return reply('SoftwareDeployment', 'failed');
    }
    const result = await this.fetch(field('file-https-base-url'));
    if (!result.ok || !result.file) {
      this.problem(`firmware download: ${result.error ?? 'failed'}`);
      return reply('SoftwareDeployment', 'failed');
    }
    this.received.push({ name: field('file-name') ?? '', type: 'APP', bytes: result.file.bytes, sha256: result.file.sha256 });
    this.stats.softwareDeployments++;
    const fits = checkImage(result.file, this.value('device-type') ?? this.opts.model ?? 'OpenStage 60');
    const checked = this.opts.rejectFirmware && !('rejected' in fits) ? { rejected: this.opts.rejectFirmware } : fits;
    if ('rejected' in checked) {
      this.problem(`firmware image rejected: ${checked.rejected}`);
      return reply('SoftwareDeployment', 'accepted');
    }
    this.store.setValue('software-version', checked.version);
    this.store.setValue('related-software-version', checked.version);
    this.after = 'reboot';
    return { disconnect: true };
  }

  // ------------------------------------------------------------------------------------------
  // Contact-me and polling

  private onContactMe(request: ContactMeRequest, answered: Promise<void>): 'acknowledge' | 'drop' {
    if (this.state === 'rebooting') return 'drop';
    this.stats.contactMeReceived++;
    const now = Date.now();
    const inGap = this.lastAcceptedContact !== undefined && now - this.lastAcceptedContact < this.contactGapMs;
    if (!request.contactMe || inGap) {
      this.stats.contactMeIgnored++;
      this.emit('contact-me', request, false);
      return 'acknowledge';
    }
    this.lastAcceptedContact = now;
    this.emit('contact-me', request, true);
    // p. 14: call back where the service asked, else the configured service. The address names
    // the HTTPS listener, so a phone set to the plain-HTTP listener keeps calling that one.
    const server = this.secureServer
      ? { ...this.activeServer(), host: request.dlsIpAddr ?? this.secureServer.host }
      : request.dlsIpAddr && !this.server.plain
        ? { ...this.server, host: request.dlsIpAddr, port: request.dlsIpPort ?? this.server.port }
        : this.server;
    void this.interact('solicited', [], server, answered);
    return 'acknowledge';
  }

  private schedulePoll(): void {
    clearTimeout(this.pollTimer);
    const seconds = Number(this.value(POLL_INTERVAL_ITEM) ?? 0);
    if (this.state !== 'up' || !this.value('dcmp-url')?.trim() || !(seconds > 0)) return;
    this.pollTimer = setTimeout(() => void this.pollOnce(), seconds * 1000);
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  /** Downloads as this phone's link allows. */
  private async fetch(url: string | undefined): ReturnType<typeof download> {
    if (this.opts.downloadDelayMs) await delay(this.opts.downloadDelayMs, undefined, { signal: this.abort.signal });
    return download(url, this.limits());
  }

  private limits(): RequestLimits {
    return { localAddress: this.ip, timeoutMs: this.opts.requestTimeoutMs ?? 15_000, signal: this.abort.signal };
  }

  /** §7.6 basic items, plus `user-pwd-unicode` reported as failed like the guide's phones (p. 33). */
  private basicItems(): WpiItem[] {
    const items: WpiItem[] = [];
    for (const name of BASIC_ITEM_NAMES) {
      const item = this.store.get(name);
      if (item) items.push({ ...item });
      if (name === 'e164') items.push({ name: 'user-pwd-unicode', value: '', status: 'failed' });
    }
    return items;
  }

  private factoryItems(e164: string, softwareVersion: string): WpiItem[] {
    return withIdentity(this.opts.items ?? loadFixtureItems(), {
      mac: this.mac,
      contactMeUri: this.contactMeUri,
      e164,
      model: this.opts.model ?? 'OpenStage 60',
      softwareVersion,
    });
  }

  /**
   * After the bootstrap's CleanUp: the phone trusts only the deployed dls-server-ca, presents the
   * deployed client certificate and calls the secure port with start-up (p. 64–65).
   */
  private enterSecureMode(from: ServerAddress): void {
    const client = this.certificates.get('dls-client-certificate');
    const cas = [...this.certificates.all('dls-server-ca')].flatMap((c) => c.chain.map((x) => x.toString()));
    const port = Number(this.value('dls-secure-port'));
    if (!client?.keyPem || !cas.length || !(port > 0)) {
      this.problem('goto-secure-mode without a client certificate, a server CA and a secure port: staying in default mode');
      return;
    }
    const cert = client.chain.map((c) => c.toString()).join('');
    this.secureServer = { host: from.host, port, path: this.server.path, tls: { ca: cas, cert, key: client.keyPem } };
    void this.interact('start-up');
  }

  /** Mirrors the stored files as indexed `file-deployment-*` items (one index per file, p. 245). */
  private syncFileRecords(): void {
    for (const name of FILE_RECORD_NAMES) this.store.deleteName(name);
    this.files.forEach((file, i) => fileRecordItems(file, i + 1).forEach((item) => this.store.set(item)));
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.emit('violation', text);
  }

  private problem(text: string): void {
    this.errors.push(text);
    this.emit('problem', text);
  }
}

function reply(action: string, status: ReplyStatus, items?: WpiItem[]): ActionAnswer {
  const message: OutgoingMessage = { reason: 'reply-to', action, status };
  if (items) message.items = items;
  return { reply: message };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A stable, unique-per-MAC number so fleets do not share one: `4930` + the NIC part in decimal. */
export function defaultE164(mac: string): string {
  const nic = parseInt(mac.replace(/[^0-9a-f]/gi, '').slice(-6), 16) || 0;
  return `4930${String(nic).padStart(8, '0')}`;
}
