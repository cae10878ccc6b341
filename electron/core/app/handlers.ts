import { PHONES_PAGE_MAX, type ApiHandlers, type SiteMethod } from '../../../shared/api.js';
import type { FileMethod } from './file-handlers.js';
import type { RolloutMethod } from '../rollout/handlers.js';
import type { TraceMethod } from '../traces/handlers.js';
import type { WpiItem } from '../../../shared/protocol.js';
import type { AppInfo, JobView, SettingsView } from '../../../shared/model.js';
import { validateItems } from '../../../shared/validation.js';
import { certificateHandlers, type CertificateHandlerContext } from '../certificates/handlers.js';
import { deploymentItems, type DeploymentRequest } from '../certificates/deploy.js';
import type { CertificateSlot } from '../../../shared/certificates.js';
import { deployedCertificates } from '../certificates/deployed.js';
import { buildOption43, dhcpSnippets, Option43Error } from '../discovery/dhcp-option43.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import { listInterfaces } from '../discovery/interfaces.js';
import { planFileJobs, refuseMarkers } from '../files/deploy-request.js';
import { checkJobRequest } from '../jobs/registry.js';
import { checkCallWork, MAX_JOB_LIST_CHARS } from '../limits/call-work.js';
import { POLL_INTERVAL_RANGE } from '../reach/polling.js';
import type { ContactOutcome } from '../reach/reacher.js';
import { ListenerBindError } from './phone-listeners.js';
import type { SettingsData, SettingsPatch } from '../settings/settings.js';
import { SettingsValidationError } from '../settings/settings.js';
import type { Store } from '../store/index.js';
import type { Sweeps } from './sweeps.js';
import { exchangeSummary, itemView, jobView, phoneSummaries, phoneSummary } from './views.js';

/** What the handlers need from the running core; kept narrow so they stay easy to follow. */
export interface HandlerContext {
  store: Store;
  now: () => number;
  info: () => AppInfo;
  settings: { get(): SettingsData; update(patch: SettingsPatch): Promise<SettingsData> };
  sweeps: Sweeps;
  contactNow: (macs: string[]) => Promise<ContactOutcome[]>;
  /** Poll-setting items for a phone reaching us on `serverAddress`, or null without an HTTP listener. */
  pollItems: (serverAddress: string, intervalS: number) => WpiItem[] | null;
  regenerateCertificate: () => Promise<string>;
  /** New work was queued: wake the phones now rather than at the next tick. */
  jobsQueued: () => void;
  /** Removes phones and all their data (see retention/forget.ts); returns the MACs that existed. */
  forget: (macs: string[]) => string[];
  certificates: CertificateHandlerContext;
  /** Seals a secret setting (base64 of the SecretBox's output). */
  sealSecret: (plain: string) => string;
  /** The bootstrap items of one phone: issues its client certificate (local CA) and starts the secure listener. */
  secureModeItems: (mac: string) => Promise<WpiItem[]>;
  log: (level: 'info' | 'warn', message: string) => void;
}

export class NotFoundError extends Error {
  readonly statusCode = 404;
}

class BadRequestError extends Error {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly issues?: { name: string; message: string }[],
  ) {
    super(message);
  }
}

export function createHandlers(
  ctx: HandlerContext,
): Omit<ApiHandlers, FileMethod | TraceMethod | RolloutMethod | SiteMethod | 'diagnostics.bundle'> {
  const { store } = ctx;
  const phoneOr404 = (raw: string) => {
    const mac = macOrThrow(raw);
    const phone = store.phones.get(mac);
    if (!phone) throw new NotFoundError(`no phone with MAC ${mac}`);
    return phone;
  };

  return {
    'app.info': async () => ctx.info(),
    'phones.list': async ({ afterMac, limit }) =>
      phoneSummaries(store, ctx.now(), { ...(afterMac ? { afterMac: macOrThrow(afterMac) } : {}), limit: limit ?? PHONES_PAGE_MAX }),
    'phones.get': async ({ mac }) => phoneSummary(store, phoneOr404(mac), ctx.now()),
    'phones.items': async ({ mac }) => store.inventory.list(phoneOr404(mac).mac).map(itemView),
    'phones.revealItem': async ({ mac, name, index }) => {
      const item = store.inventory.get(phoneOr404(mac).mac, name, index, { reveal: true });
      if (!item) throw new NotFoundError(`phone has no item ${name}${index === undefined ? '' : `[${index}]`}`);
      return { value: item.value };
    },
    'phones.adopt': async ({ macs }) => {
      const phones = macs.map(phoneOr404);
      const adopted = store.transaction(() => phones.filter((p) => store.phones.setAdoption(p.mac, 'adopted')).length);
      ctx.jobsQueued();
      return { adopted };
    },
    'phones.forget': async ({ macs }) => ({ forgotten: ctx.forget(macs.map(macOrThrow)).length }),
    'phones.confirmIdentity': async ({ mac }) => {
      const phone = phoneOr404(mac);
      const hold = phone.identityHold;
      const confirmed = hold !== null && store.transaction(() => store.phones.confirmIdentity(phone.mac, hold));
      if (confirmed) {
        const what = hold.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ');
        ctx.log('info', `${phone.mac}: identity confirmed by the technician (${what}); its writing jobs go out again`);
        ctx.jobsQueued();
      }
      return { confirmed };
    },
    'phones.contact': async ({ macs }) => ({ results: await ctx.contactNow(macs.map((m) => phoneOr404(m).mac)) }),
    'phones.setPolling': async ({ macs, intervalSeconds }) => {
      if (intervalSeconds !== 0 && intervalSeconds < POLL_INTERVAL_RANGE.min) {
        throw new BadRequestError(`poll interval must be 0 (off) or at least ${POLL_INTERVAL_RANGE.min} seconds`);
      }
      const phones = macs.map(phoneOr404);
      const at = ctx.now();
      const jobs = store.transaction(() =>
        phones.map((p) => {
          const items = ctx.pollItems(p.serverAddress ?? ctx.info().addresses[0] ?? '127.0.0.1', intervalSeconds);
          if (!items) throw new BadRequestError('polling uses plain HTTP: set a plain-HTTP phone port in Settings first');
          store.phones.setPolling(p.mac, intervalSeconds === 0 ? null : intervalSeconds);
          return store.jobs.create(p.mac, 'write-items', items, at);
        }),
      );
      ctx.jobsQueued();
      return { jobs: jobs.map(jobView) };
    },
    'items.validate': async ({ items }) => ({ issues: validateItems(items) }),
    'phones.certificates': async ({ mac }) => deployedCertificates(store.jobs.listForPhone(phoneOr404(mac).mac)),
    'jobs.create': async ({ macs, kind, items: given, certificateId, slot, slotIndex, itemName, itemFormat, fileId, fileIds }) => {
      if (kind === 'secure-mode') return { jobs: await secureModeJobs(ctx, macs, given), refused: [] };
      if (kind !== 'certificate' && (certificateId !== undefined || slot !== undefined)) {
        throw new BadRequestError('certificateId and slot belong to kind certificate');
      }
      const asked =
        kind === 'certificate' ? certificateJobItems(ctx, given, { certificateId, slot, slotIndex, itemName, itemFormat }) : given;
      checkCallWork(macs.length, asked);
      const targets = macs.map(macOrThrow);
      refuseMarkers(asked);
      const named = fileIds ?? (fileId === undefined ? [] : [fileId]);
      const plan = named.length ? planFileJobs(store, kind, named, asked) : null;
      const items = plan?.items ?? asked;
      checkJobRequest(kind, items);
      const at = ctx.now();
      const refused: { mac: string; reason: string }[] = [];
      // A MAC never seen is pre-staged (roll-out): its jobs wait for its first contact.
      const jobs = store.transaction(() =>
        targets.flatMap((mac) => {
          const check = plan?.forPhone(mac) ?? { refusal: null, warnings: [] };
          if (check.refusal) {
            refused.push({ mac, reason: check.refusal });
            return [];
          }
          const job = store.jobs.create(store.phones.preStage(mac, at).mac, kind, items, at);
          for (const file of plan?.files ?? []) store.files.link(job.id, file.id);
          for (const warning of check.warnings) store.jobs.warn(job.id, warning, at);
          return [check.warnings.length ? (store.jobs.get(job.id) ?? job) : job];
        }),
      );
      if (!jobs.length && refused.length) {
        throw new BadRequestError(refused.map((r) => `${r.mac}: ${r.reason}`).join('; '));
      }
      ctx.jobsQueued();
      return { jobs: jobs.map(jobView), refused };
    },
    'jobs.list': async ({ mac, states, limit }) =>
      store.jobs
        .list({ ...(mac ? { mac: macOrThrow(mac) } : {}), ...(states ? { states } : {}), limit, maxChars: MAX_JOB_LIST_CHARS })
        .map(jobView),
    'jobs.cancel': async ({ id }) => {
      const job = store.jobs.get(id);
      if (!job) throw new NotFoundError(`no job ${id}`);
      return { cancelled: store.transaction(() => store.jobs.cancel(id, ctx.now())) };
    },
    'jobs.retry': async ({ id }) => {
      const old = store.jobs.get(id, { reveal: true });
      if (!old) throw new NotFoundError(`no job ${id}`);
      if (old.state !== 'failed' && old.state !== 'cancelled')
        throw new BadRequestError(`job is ${old.state}; only failed or cancelled jobs are retried`);
      checkJobRequest(old.kind, old.items);
      const job = store.transaction(() => {
        const again = store.jobs.create(old.mac, old.kind, old.items, ctx.now());
        for (const file of store.files.filesOf(old.id)) store.files.link(again.id, file.id);
        return again;
      });
      ctx.jobsQueued();
      return { job: jobView(job) };
    },
    'exchanges.list': async ({ mac, limit, beforeId }) =>
      store.exchanges
        .list({ ...(mac ? { mac: macOrThrow(mac) } : {}), limit, ...(beforeId === undefined ? {} : { beforeId }) })
        .map(exchangeSummary),
    'exchanges.get': async ({ id }) => {
      const exchange = store.exchanges.get(id);
      if (!exchange) throw new NotFoundError(`no exchange ${id}`);
      return { ...exchangeSummary(exchange), requestXml: exchange.requestXml, responseXml: exchange.responseXml };
    },
    'discovery.interfaces': async () =>
      listInterfaces().map((i) => ({ name: i.name, address: i.address, family: i.family, cidr: i.cidr, internal: i.internal })),
    'discovery.dhcp': async ({ host, port, vlanId }) => {
      const input = { host, port, ...(vlanId === undefined ? {} : { vlanId }) };
      try {
        const option = buildOption43(input);
        return { url: option.url, hex: option.hex, colonHex: option.colonHex, snippets: dhcpSnippets(input) };
      } catch (error) {
        if (error instanceof Option43Error) throw new BadRequestError(error.message);
        throw error;
      }
    },
    'discovery.sweepStart': async ({ targets }) => ctx.sweeps.start(targets),
    'discovery.sweepCancel': async ({ sweepId }) => ({ cancelled: ctx.sweeps.cancel(sweepId) }),
    'settings.get': async () => settingsView(ctx.settings.get()),
    'settings.update': async ({ wbm, ...rest }) => {
      try {
        const patch: SettingsPatch = { ...rest, ...(wbm ? { wbm: sealedWbm(wbm, ctx.sealSecret) } : {}) };
        return settingsView(await ctx.settings.update(patch));
      } catch (error) {
        if (error instanceof ListenerBindError) {
          const field = error.code === 'EADDRNOTAVAIL' ? 'bindAddresses' : error.status.protocol === 'https' ? 'phonePort' : 'httpPort';
          throw new BadRequestError(`${error.message}; nothing was saved and the phone listeners run as before`, [
            { name: field, message: error.message },
          ]);
        }
        if (error instanceof SettingsValidationError) {
          throw new BadRequestError(
            error.message,
            error.issues.map((i) => ({ name: i.field, message: i.message })),
          );
        }
        throw error;
      }
    },
    'certificate.regenerate': async () => ({ fingerprint: await ctx.regenerateCertificate() }),
    ...certificateHandlers(ctx.certificates),
  };
}

/** One bootstrap per phone, each with its own client certificate; all jobs are queued together. */
async function secureModeJobs(ctx: HandlerContext, macs: readonly string[], given: readonly WpiItem[]): Promise<JobView[]> {
  if (given.length) throw new BadRequestError('a secure-mode job takes no items: Fieldstage builds them per phone');
  const targets = [...new Set(macs.map(macOrThrow))];
  const items: WpiItem[][] = [];
  // One after another: each issue generates an RSA key.
  for (const mac of targets) items.push(await ctx.secureModeItems(mac));
  items.forEach((list) => checkJobRequest('secure-mode', list));
  const at = ctx.now();
  const { store } = ctx;
  const jobs = store.transaction(() =>
    targets.map((mac, i) => store.jobs.create(store.phones.preStage(mac, at).mac, 'secure-mode', items[i] ?? [], at)),
  );
  ctx.log('info', `Secure Mode bootstrap queued for ${targets.length} phone(s); a client certificate was issued to each`);
  ctx.jobsQueued();
  return jobs.map(jobView);
}

/** A certificate job's items are built here from the stored certificate, never taken from the caller. */
function certificateJobItems(
  ctx: HandlerContext,
  given: readonly WpiItem[],
  request: { certificateId?: string | undefined; slot?: CertificateSlot | undefined } & Omit<DeploymentRequest, 'certificateId' | 'slot'>,
): WpiItem[] {
  const { certificateId, slot } = request;
  if (given.length) throw new BadRequestError('a certificate job takes certificateId and slot, not items');
  if (!certificateId || !slot) throw new BadRequestError('a certificate job needs certificateId and slot');
  return deploymentItems(ctx.certificates.library, { ...request, certificateId, slot });
}

export function settingsView(s: SettingsData): SettingsView {
  return {
    phonePort: s.phonePort,
    httpPort: s.httpPort,
    bindAddresses: s.bindAddresses,
    legacyTls: s.legacyTls,
    sendSolicited: s.sendSolicited,
    adoption: s.adoption,
    contactMe: { minIntervalMs: s.contactMe.minIntervalMs, maxAttempts: s.contactMe.maxAttempts },
    quarantine: s.quarantine,
    language: s.language,
    theme: s.theme,
    fileServer: { ...s.fileServer },
    wbm: {
      port: s.wbm.port,
      adminPasswordSet: s.wbm.adminPasswordSealed !== '',
      allowFactoryDefault: s.wbm.allowFactoryDefault,
      maxParallel: s.wbm.maxParallel,
    },
  };
}

function macOrThrow(raw: string): string {
  try {
    return normalizeMac(raw);
  } catch {
    throw new BadRequestError(`"${raw.slice(0, 40)}" is not a MAC address`);
  }
}

/** The wbm part of a settings change, its password sealed; the clear password goes no further. */
function sealedWbm(
  wbm: { port?: number; adminPassword?: string; allowFactoryDefault?: boolean; maxParallel?: number },
  seal: (plain: string) => string,
): SettingsPatch['wbm'] {
  const { adminPassword, ...rest } = wbm;
  return { ...rest, ...(adminPassword === undefined ? {} : { adminPasswordSealed: adminPassword === '' ? '' : seal(adminPassword) }) };
}
