import type { ApiHandlers, ProfileApplyView } from '../../../shared/api.js';
import type { JobView } from '../../../shared/model.js';
import { SECRET_MASK } from '../../../shared/catalogue.js';
import { itemKey } from '../../../shared/protocol.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import { isLoggedAsSecret, type JobRecord, type Store } from '../store/index.js';
import { rowItems } from './plan.js';
import { profilesFromFile, profilesToFile } from './profile-file.js';
import { profileItemsFromPhone } from './profile-from-phone.js';
import { listCsv, reportCsv, reportHtml, sampleCsv, type ReportFacts } from './report.js';
import { reportPdfName, reportPdfOptions, type PrintReportPdf } from './report-pdf.js';
import { RolloutRefusal, type ImportInput, type Rollout } from './rollout.js';

export type RolloutMethod =
  | 'profiles.list'
  | 'profiles.save'
  | 'profiles.remove'
  | 'profiles.apply'
  | 'profiles.fromPhone'
  | 'profiles.export'
  | 'profiles.import'
  | 'rollout.import'
  | 'rollout.confirm'
  | 'rollout.status'
  | 'rollout.assign'
  | 'rollout.unassign'
  | 'rollout.benchMode'
  | 'rollout.export'
  | 'rollout.sample'
  | 'report.csv'
  | 'report.html'
  | 'report.pdf';

export interface RolloutHandlerContext {
  rollout: Rollout;
  store: Store;
  now: () => number;
  jobsQueued: () => void;
  jobView: (job: JobRecord) => JobView;
  /** What the report shows of a phone from the certificate and tracing features. */
  reportFacts: (mac: string) => ReportFacts;
  /** Electron only: renders and saves the report as PDF. */
  printReportPdf?: PrintReportPdf;
}

export function rolloutHandlers(ctx: RolloutHandlerContext): Pick<ApiHandlers, RolloutMethod> {
  const { rollout, store } = ctx;
  const input = (req: {
    csv?: string | undefined;
    csvBase64?: string | undefined;
    profileId?: string | undefined;
    mapping?: Record<string, string> | undefined;
  }): ImportInput => ({
    csv: req.csvBase64 !== undefined ? Buffer.from(req.csvBase64, 'base64') : (req.csv ?? ''),
    profileId: req.profileId,
    mapping: req.mapping,
  });
  const report = (req: { site: string; technician: string; language: 'en' | 'de' }) => ({
    status: rollout.status(),
    facts: ctx.reportFacts,
    site: req.site,
    technician: req.technician,
    at: ctx.now(),
    language: req.language,
  });
  return {
    'profiles.list': async () => rollout.profiles(),
    'profiles.save': async (req) => rollout.saveProfile(req),
    'profiles.remove': async ({ id }) => ({ removed: rollout.removeProfile(id) }),
    'profiles.fromPhone': async ({ mac: raw, name }) => {
      const mac = normalizeMac(raw);
      const phone = store.phones.get(mac);
      if (!phone) throw new RolloutRefusal(`no phone with MAC ${mac}`, 404);
      const { items, leftOut } = profileItemsFromPhone(store.inventory.list(mac));
      return { profile: rollout.saveProfile({ name, model: phone.model, items }), leftOut };
    },
    'profiles.export': async ({ ids }) => {
      const all = rollout.profiles();
      const missing = ids?.filter((id) => !all.some((p) => p.id === id)) ?? [];
      if (missing.length) throw new RolloutRefusal(`no profile ${missing.join(', ')}`, 404);
      return profilesToFile(ids ? all.filter((p) => ids.includes(p.id)) : all);
    },
    'profiles.import': async ({ json }) => rollout.importProfiles(profilesFromFile(json)),
    'profiles.apply': async ({ profileId, macs, preview }) => {
      const profile = rollout.profiles().find((p) => p.id === profileId);
      if (!profile) throw new RolloutRefusal(`no profile ${profileId}`, 404);
      const phones: ProfileApplyView[] = [];
      const queue: { mac: string; items: ReturnType<typeof rowItems>['items'] }[] = [];
      for (const raw of macs) {
        const mac = normalizeMac(raw);
        const phone = store.phones.get(mac);
        if (!phone) throw new RolloutRefusal(`no phone with MAC ${mac}`, 404);
        const values = store.rollout.byMac(mac)?.values ?? {};
        const planned = rowItems(values, profile, { mac, model: phone.model });
        const problems = planned.problems.map((p) => p.message);
        if (profile.model && phone.model && profile.model !== phone.model)
          problems.push(`the profile is for ${profile.model}, the phone is ${phone.model}`);
        const current = new Map(store.inventory.list(mac).map((i) => [itemKey(i), i.value]));
        const changes = planned.items
          .filter((i) => current.get(itemKey(i)) !== i.value)
          .map((i) => ({
            name: i.name,
            ...(i.index === undefined ? {} : { index: i.index }),
            from: current.get(itemKey(i)) ?? null,
            to: i.value,
          }));
        const shown = changes.map((c) =>
          isLoggedAsSecret(c.name) ? { ...c, from: c.from === null ? null : SECRET_MASK, to: SECRET_MASK } : c,
        );
        phones.push({ mac, changes: shown, problems });
        if (!problems.length && changes.length)
          queue.push({ mac, items: planned.items.filter((i) => current.get(itemKey(i)) !== i.value) });
      }
      if (preview) return { phones, jobs: [] };
      const at = ctx.now();
      const jobs = store.transaction(() => queue.map(({ mac, items }) => store.jobs.create(mac, 'write-items', items, at)));
      ctx.jobsQueued();
      return { phones, jobs: jobs.map(ctx.jobView) };
    },
    'rollout.import': async (req) => rollout.preview(input(req)),
    'rollout.confirm': async (req) => rollout.confirm(input(req)),
    'rollout.status': async () => rollout.status(),
    'rollout.assign': async ({ rowId, mac }) => rollout.assign(rowId, normalizeMac(mac)),
    'rollout.unassign': async ({ rowId }) => rollout.unassign(rowId),
    'rollout.benchMode': async ({ on }) => rollout.setBenchMode(on),
    'rollout.export': async ({ withPasswords }) => ({ csv: listCsv(store.rollout.rows(), withPasswords) }),
    'rollout.sample': async ({ profileId }) => {
      const profile = profileId === undefined ? undefined : rollout.profiles().find((p) => p.id === profileId);
      if (profileId !== undefined && !profile) throw new RolloutRefusal(`no profile ${profileId}`, 404);
      return { csv: sampleCsv(profile?.items ?? []) };
    },
    'report.csv': async (req) => ({ csv: reportCsv(report(req)) }),
    'report.html': async (req) => ({ html: reportHtml(report(req)) }),
    'report.pdf': async (req) => {
      if (!ctx.printReportPdf)
        throw new RolloutRefusal('report.pdf is for the desktop app; in the browser, print report.html from its print view');
      const facts = report(req);
      const savedTo = await ctx.printReportPdf(reportHtml(facts), reportPdfOptions(), reportPdfName(req.site, facts.at));
      return { savedTo, cancelled: savedTo === null };
    },
  };
}
