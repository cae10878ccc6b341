import { randomUUID } from 'node:crypto';
import { FINAL_JOB_STATES } from '../../../shared/jobs.js';
import type { ValidationIssue } from '../../../shared/model.js';
import { checkProfileItem } from '../../../shared/profile-rules.js';
import { itemKey, type WpiItem } from '../../../shared/protocol.js';
import type { ProfileView, RolloutPreview, RolloutProblem, RolloutRowView, RolloutState, RolloutStatus } from '../../../shared/rollout.js';
import { ROLLOUT_STATES } from '../../../shared/rollout.js';
import { violationMessage } from '../../../shared/validation.js';
import type { RolloutRowRecord, Store } from '../store/index.js';
import { readExtensionList, type ExtensionList } from './extension-list.js';
import { planRows, rowItems } from './plan.js';

/** Refused: the list has problems, or a row/profile that does not exist. */
export class RolloutRefusal extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 404 | 409 = 400,
    readonly problems: RolloutProblem[] = [],
    /** Per item, for a form to show next to the item (`ApiErrorBody.issues`). */
    readonly issues: ValidationIssue[] | undefined = undefined,
  ) {
    super(message);
  }
}

export interface RolloutOptions {
  store: Store;
  now: () => number;
  /** New work was queued: wake the phones now. */
  jobsQueued: () => void;
  log: (level: 'info' | 'warn', message: string) => void;
}

export interface ImportInput {
  /** The file's bytes (upload) or its text. */
  csv: Buffer | string;
  profileId?: string | undefined;
  /** Header as written → column key, for headers Fieldstage does not know. */
  mapping?: Record<string, string> | undefined;
}

/**
 * The site roll-out: an extension list whose rows become write jobs (a profile plus the row's
 * values). Rows with a MAC pre-stage their phone (zero touch: adopted, provisioned at its first
 * contact); rows without one wait for a phone, picked by the technician or, in bench mode, by
 * the next unknown phone that calls.
 */
export class Rollout {
  readonly #o: RolloutOptions;

  constructor(options: RolloutOptions) {
    this.#o = options;
  }

  preview(input: ImportInput): RolloutPreview {
    return this.#read(input).preview;
  }

  /** Applies a list without problems: it replaces the current one; jobs of rows that left it are cancelled. */
  confirm(input: ImportInput): RolloutStatus {
    const { list, profile, preview } = this.#read(input);
    if (preview.problems.length)
      throw new RolloutRefusal(`the list has ${preview.problems.length} problem(s); nothing was changed`, 400, preview.problems);
    const { store } = this.#o;
    const at = this.#o.now();
    store.transaction(() => {
      const old = store.rollout.rows();
      const kept = new Set(preview.rows.flatMap((r) => (r.mac ? [r.mac] : [])));
      for (const row of old) if (row.jobId && (!row.mac || !kept.has(row.mac))) store.jobs.cancel(row.jobId, at);
      store.rollout.setMeta({ ...store.rollout.meta(), profileId: profile?.id ?? null });
      const rows: RolloutRowRecord[] = list.rows.map(({ line, values }, i) => {
        const mac = preview.rows[i]?.mac ?? null;
        const previous = mac ? old.find((r) => r.mac === mac) : undefined;
        const unchanged =
          previous && previous.jobId && sameValues(previous.values, values) && store.jobs.get(previous.jobId)?.state !== 'cancelled';
        return {
          id: previous?.id ?? randomUUID(),
          line,
          mac,
          extension: values.extension ?? '',
          displayName: values.display_name ?? '',
          values,
          jobId: unchanged ? previous.jobId : null,
          assignedBy: mac ? 'list' : null,
          updatedAt: at,
        };
      });
      store.rollout.replaceRows(rows);
      for (const row of rows) if (row.mac && !row.jobId) this.#provision(row, row.mac, 'list', at);
    });
    this.#o.jobsQueued();
    this.#o.log('info', `roll-out list applied: ${preview.rows.length} rows, ${preview.rows.filter((r) => r.mac).length} with a MAC`);
    return this.status();
  }

  /** The technician gives a row to a phone (one that called in, or a MAC typed in). */
  assign(rowId: string, mac: string): RolloutStatus {
    const { store } = this.#o;
    const row = store.rollout.byId(rowId);
    if (!row) throw new RolloutRefusal(`no roll-out row ${rowId}`, 404);
    const other = store.rollout.byMac(mac);
    if (other && other.id !== rowId) throw new RolloutRefusal(`${mac} has line ${other.line} already; unassign it first`);
    const at = this.#o.now();
    store.transaction(() => {
      if (row.jobId) this.#cancelUnstarted(row);
      this.#provision(row, mac, 'technician', at);
    });
    this.#o.jobsQueued();
    return this.status();
  }

  /** Takes a row back from its phone while its provisioning has not run yet. */
  unassign(rowId: string): RolloutStatus {
    const { store } = this.#o;
    const row = store.rollout.byId(rowId);
    if (!row) throw new RolloutRefusal(`no roll-out row ${rowId}`, 404);
    store.transaction(() => {
      if (row.jobId) this.#cancelUnstarted(row);
      store.rollout.assign(row.id, null, null, null, this.#o.now());
    });
    return this.status();
  }

  setBenchMode(on: boolean): RolloutStatus {
    const { store } = this.#o;
    const since = on ? (store.rollout.meta().benchSince ?? this.#o.now()) : null;
    store.transaction(() => store.rollout.setMeta({ ...store.rollout.meta(), benchSince: since }));
    return this.status();
  }

  /**
   * A phone called. Its row gets its job now if it waited for the phone's facts ({{model}}); in
   * bench mode a phone first seen since bench mode went on, without a row, takes the next
   * unassigned row and is adopted: the technician plugs in phone after phone on the bench.
   */
  noteContact(mac: string): void {
    const { store } = this.#o;
    // Every phone contact passes here: the common case (a row with its job) reads one index, nothing sealed.
    const ref = store.rollout.refByMac(mac);
    if (ref?.jobId) return;
    const own = ref && store.rollout.byId(ref.id);
    if (own) {
      store.transaction(() => this.#provision(own, mac, own.assignedBy ?? 'list', this.#o.now()));
      this.#o.jobsQueued();
      return;
    }
    const meta = store.rollout.meta();
    if (meta.benchSince === null) return;
    const phone = store.phones.get(mac);
    if (!phone || phone.firstContact < meta.benchSince) return;
    const assigned = store.transaction(() => {
      const row = store.rollout.nextUnassigned();
      if (!row) return null;
      store.phones.setAdoption(mac, 'adopted');
      this.#provision(row, mac, 'bench', this.#o.now());
      return row;
    });
    if (!assigned) return;
    this.#o.log('info', `bench mode: ${mac} takes line ${assigned.line} (extension ${assigned.extension})`);
    this.#o.jobsQueued();
  }

  status(): RolloutStatus {
    const { store } = this.#o;
    const meta = store.rollout.meta();
    const rows = store.rollout.rows().map((row) => this.#rowView(row));
    const counts = Object.fromEntries(ROLLOUT_STATES.map((s) => [s, 0])) as Record<RolloutState, number>;
    for (const row of rows) counts[row.state]++;
    const percent = rows.length ? Math.floor((counts.done / rows.length) * 100) : 0;
    return { rows, counts, percent, benchMode: meta.benchSince !== null, profileId: meta.profileId };
  }

  // Profiles --------------------------------------------------------------------------------

  profiles(): ProfileView[] {
    return this.#o.store.rollout.profiles();
  }

  saveProfile(input: { id?: string | undefined; name: string; model?: string | null | undefined; items: WpiItem[] }): ProfileView {
    const name = input.name.trim();
    if (!name) throw new RolloutRefusal('a profile needs a name');
    const issues = profileIssues(input.items);
    if (issues.length) {
      const first = issues[0] as ValidationIssue;
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      throw new RolloutRefusal(`${itemKey(first)}: ${first.message}${more}`, 400, [], issues);
    }
    const clash = this.profiles().find((p) => p.name === name && p.id !== input.id);
    if (clash) throw new RolloutRefusal(`a profile named ${name} exists already`);
    const profile: ProfileView = {
      id: input.id ?? randomUUID(),
      name,
      model: input.model?.trim() || null,
      items: input.items,
      updatedAt: this.#o.now(),
    };
    this.#o.store.transaction(() => this.#o.store.rollout.saveProfile(profile));
    return profile;
  }

  /**
   * Profiles from a file: all or none. Each is checked like a saved one; a profile of the same
   * name is replaced (its id kept, so a roll-out list using it keeps it).
   */
  importProfiles(entries: readonly { name: string; model: string | null; items: WpiItem[] }[]): {
    profiles: ProfileView[];
    replaced: string[];
  } {
    const problems = entries.flatMap((entry) =>
      profileIssues(entry.items).map((issue) => `${entry.name.trim()}: ${itemKey(issue)} ${issue.message}`),
    );
    if (problems.length) throw new RolloutRefusal(`nothing imported: ${problems.join('; ')}`);
    const existing = new Map(this.profiles().map((p) => [p.name, p]));
    const at = this.#o.now();
    const replaced: string[] = [];
    const profiles = entries.map((entry): ProfileView => {
      const name = entry.name.trim();
      const old = existing.get(name);
      if (old) replaced.push(name);
      return { id: old?.id ?? randomUUID(), name, model: entry.model?.trim() || null, items: entry.items, updatedAt: at };
    });
    this.#o.store.transaction(() => {
      for (const profile of profiles) this.#o.store.rollout.saveProfile(profile);
    });
    return { profiles, replaced };
  }

  /** Refused while the roll-out list uses it: rows still waiting for their phone would lose their profile. */
  removeProfile(id: string): boolean {
    const { store } = this.#o;
    if (store.rollout.meta().profileId === id && store.rollout.rows().some((r) => !r.jobId)) {
      throw new RolloutRefusal(
        'the roll-out list uses this profile and has rows still waiting for their phone; apply another list first',
        409,
      );
    }
    return store.transaction(() => store.rollout.removeProfile(id));
  }

  // -----------------------------------------------------------------------------------------

  /** The list read and checked once; `confirm` applies exactly what the preview showed. */
  #read(input: ImportInput): { list: ExtensionList; profile: ProfileView | null; preview: RolloutPreview } {
    const list = readExtensionList(input.csv, input.mapping);
    const profile = this.#profileOrNull(input.profileId);
    const planned = planRows(list, profile);
    return {
      list,
      profile,
      preview: {
        encoding: list.encoding,
        delimiter: list.delimiter,
        columns: list.columns,
        rows: planned.rows,
        problems: planned.problems,
      },
    };
  }

  #profileOrNull(id: string | undefined): ProfileView | null {
    if (id === undefined) return null;
    const profile = this.#o.store.rollout.profile(id);
    if (!profile) throw new RolloutRefusal(`no profile ${id}`, 404);
    return profile;
  }

  /** Pre-stages the phone (adopted) and queues its write job; the row remembers both. */
  #provision(row: RolloutRowRecord, mac: string, by: NonNullable<RolloutRowRecord['assignedBy']>, at: number): void {
    const { store } = this.#o;
    const phone = store.phones.preStage(mac, at);
    const profileId = store.rollout.meta().profileId;
    const profile = profileId === null ? null : (store.rollout.profile(profileId) ?? null);
    if (profileId !== null && !profile) {
      // Removed since the list was applied (only possible once every waiting row had its job): wait, never guess.
      store.rollout.assign(row.id, phone.mac, null, by, at);
      return;
    }
    const { items, problems } = rowItems(row.values, profile, { mac: phone.mac, model: phone.model });
    if (problems.length || (profile?.model && phone.model && profile.model !== phone.model)) {
      // Phone facts ({{mac}}, {{model}}) or the model only fit once the phone is known: the row waits.
      store.rollout.assign(row.id, phone.mac, null, by, at);
      return;
    }
    const job = store.jobs.create(phone.mac, 'write-items', items, at);
    store.rollout.assign(row.id, phone.mac, job.id, by, at);
  }

  #cancelUnstarted(row: RolloutRowRecord): void {
    const job = row.jobId ? this.#o.store.jobs.get(row.jobId) : undefined;
    if (job && job.state !== 'queued' && job.state !== 'waiting-for-phone' && !FINAL_JOB_STATES.includes(job.state)) {
      throw new RolloutRefusal(`line ${row.line} is being provisioned already; it can be changed once that ended`);
    }
    if (job && !FINAL_JOB_STATES.includes(job.state)) this.#o.store.jobs.cancel(job.id, this.#o.now());
  }

  #rowView(row: RolloutRowRecord): RolloutRowView {
    const { store } = this.#o;
    const phone = row.mac ? store.phones.get(row.mac) : undefined;
    const job = row.jobId ? store.jobs.get(row.jobId) : undefined;
    const { state, reason } = rowState(row, phone, job);
    return {
      id: row.id,
      line: row.line,
      mac: row.mac,
      extension: row.extension,
      displayName: row.displayName,
      state,
      reason,
      jobId: row.jobId,
      assignedBy: row.assignedBy,
      model: phone?.model ?? null,
      softwareVersion: phone?.softwareVersion ?? null,
      ip: phone?.ip ?? null,
      updatedAt: Math.max(row.updatedAt, job?.updatedAt ?? 0),
    };
  }
}

type PhoneOf = ReturnType<Store['phones']['get']>;
type JobOf = ReturnType<Store['jobs']['get']>;

/** A row's place in the roll-out, in plain words where it needs the technician. */
export function rowState(row: RolloutRowRecord, phone: PhoneOf, job: JobOf): { state: RolloutState; reason: string | null } {
  if (!row.mac) return { state: 'unassigned', reason: null };
  if (!phone || !phone.seen) return { state: 'not-seen', reason: null };
  if (phone.adoption === 'quarantined') return { state: 'waiting-adoption', reason: null };
  if (!job) return { state: 'attention', reason: 'not queued: a variable or the profile’s model does not fit this phone' };
  if (job.state === 'cancelled') return { state: 'attention', reason: 'its provisioning was cancelled' };
  if (job.state === 'failed') return { state: 'attention', reason: job.reason ?? 'provisioning failed' };
  if (job.state !== 'done') return { state: 'provisioning', reason: job.reason };
  const refused = job.results.filter((r) => r.status !== 'accepted');
  if (refused.length) {
    return { state: 'attention', reason: `refused by the phone: ${refused.map((r) => `${r.name} (${r.status})`).join(', ')}` };
  }
  return { state: 'done', reason: null };
}

function sameValues(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? '') === (b[k] ?? ''));
}

/** Every item of a profile that breaks a rule, named for the editor (a {{variable}} is checked per phone later). */
export function profileIssues(items: readonly WpiItem[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const key = itemKey(item);
    const violation = checkProfileItem(item, items);
    const message = violation ? violationMessage(violation) : seen.has(key) ? 'is in the profile twice' : null;
    seen.add(key);
    if (message) issues.push({ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message });
  }
  return issues;
}
