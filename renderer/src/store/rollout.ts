import type { ApiReq, ApiRes } from '../../../shared/api.js';
import type { ProfileView, RolloutPreview, RolloutStatus } from '../../../shared/rollout.js';
import type { SliceCreator } from './types.js';

/** An extension list as the technician gave it: its bytes (base64, any encoding) and the profile to apply. */
export interface RolloutInput {
  csvBase64: string;
  profileId?: string;
  /** Header as written → column key, for headers Fieldstage did not recognise. */
  mapping?: Record<string, string>;
}

export interface RolloutSlice {
  rollout: RolloutStatus | null;
  rolloutPreview: RolloutPreview | null;
  /** The list the preview was made of: what `confirmRollout` applies. */
  rolloutInput: RolloutInput | null;
  loadRollout(): Promise<void>;
  previewRollout(input: RolloutInput): Promise<RolloutPreview>;
  confirmRollout(input: RolloutInput): Promise<void>;
  discardRolloutPreview(): void;
  setBenchMode(on: boolean): Promise<void>;
  assignRow(rowId: string, mac: string): Promise<void>;
  unassignRow(rowId: string): Promise<void>;
  handOverReport(format: 'csv' | 'html', request: ApiReq<'report.csv'>): Promise<string>;
  /** Desktop app: the report as an A4 PDF, saved where the technician chooses. */
  printReportPdf(request: ApiReq<'report.pdf'>): Promise<ApiRes<'report.pdf'>>;
  /** The list as it stands (round trip), without passwords. */
  exportRolloutList(): Promise<string>;
  profiles: ProfileView[];
  loadProfiles(): Promise<void>;
  /** Saves a profile from a configured phone; returns what was left out and why. */
  profileFromPhone(mac: string, name: string): Promise<{ name: string; why: string }[]>;
  removeProfile(id: string): Promise<void>;
  /** `profiles.save`; a refusal carries per-item `issues`. */
  saveProfile(profile: ApiReq<'profiles.save'>): Promise<ProfileView>;
  exportProfiles(ids?: string[]): Promise<ApiRes<'profiles.export'>>;
  importProfiles(json: string): Promise<ApiRes<'profiles.import'>>;
  /** With `preview`, what would change per phone and nothing queued; else the queued jobs too. */
  applyProfile(profileId: string, macs: string[], preview: boolean): Promise<ApiRes<'profiles.apply'>>;
}

export const createRolloutSlice: SliceCreator<RolloutSlice> = (api) => (set) => ({
  rollout: null,
  rolloutPreview: null,
  rolloutInput: null,
  profiles: [],

  async loadRollout() {
    set({ rollout: await api.call('rollout.status', {}) });
  },

  async previewRollout(input) {
    const preview = await api.call('rollout.import', input);
    set({ rolloutPreview: preview, rolloutInput: input });
    return preview;
  },

  async confirmRollout(input) {
    set({ rollout: await api.call('rollout.confirm', input), rolloutPreview: null, rolloutInput: null });
  },

  discardRolloutPreview() {
    set({ rolloutPreview: null, rolloutInput: null });
  },

  async setBenchMode(on) {
    set({ rollout: await api.call('rollout.benchMode', { on }) });
  },

  async assignRow(rowId, mac) {
    set({ rollout: await api.call('rollout.assign', { rowId, mac }) });
  },

  async unassignRow(rowId) {
    set({ rollout: await api.call('rollout.unassign', { rowId }) });
  },

  async loadProfiles() {
    set({ profiles: await api.call('profiles.list', {}) });
  },

  async profileFromPhone(mac, name) {
    const { leftOut } = await api.call('profiles.fromPhone', { mac, name });
    set({ profiles: await api.call('profiles.list', {}) });
    return leftOut;
  },

  async removeProfile(id) {
    await api.call('profiles.remove', { id });
    set({ profiles: await api.call('profiles.list', {}) });
  },

  async saveProfile(profile) {
    const saved = await api.call('profiles.save', profile);
    set({ profiles: await api.call('profiles.list', {}) });
    return saved;
  },

  async exportProfiles(ids) {
    return api.call('profiles.export', ids ? { ids } : {});
  },

  async importProfiles(json) {
    const result = await api.call('profiles.import', { json });
    set({ profiles: await api.call('profiles.list', {}) });
    return result;
  },

  async applyProfile(profileId, macs, preview) {
    return api.call('profiles.apply', { profileId, macs, preview });
  },

  async exportRolloutList() {
    return (await api.call('rollout.export', { withPasswords: false })).csv;
  },

  async printReportPdf(request) {
    return api.call('report.pdf', request);
  },

  async handOverReport(format, request) {
    if (format === 'csv') return (await api.call('report.csv', request)).csv;
    return (await api.call('report.html', request)).html;
  },
});
