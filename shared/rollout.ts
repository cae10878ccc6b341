import type { WpiItem } from './protocol.js';

/** Columns of an extension list Fieldstage knows; any other column is kept under its own key. */
export const ROLLOUT_COLUMNS = ['mac', 'extension', 'display_name', 'sip_user', 'sip_password', 'model'] as const;
export type RolloutColumn = (typeof ROLLOUT_COLUMNS)[number];

/** One problem of an imported list: 1-based line of the file, the column's header as written. */
export interface RolloutProblem {
  line: number;
  column: string | null;
  message: string;
}

export interface RolloutPreviewRow {
  line: number;
  mac: string | null;
  values: Record<string, string>;
  /** What the phone gets: the profile with this row's values, secret values masked. */
  items: WpiItem[];
}

/** What an import would do; nothing is changed until `rollout.confirm`. */
export interface RolloutPreview {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: string;
  /** Header as written → the key its values are known by (`{{key}}` in profiles). */
  columns: { header: string; key: string }[];
  rows: RolloutPreviewRow[];
  problems: RolloutProblem[];
}

export const ROLLOUT_STATES = ['unassigned', 'not-seen', 'waiting-adoption', 'provisioning', 'done', 'attention'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export interface RolloutRowView {
  id: string;
  line: number;
  mac: string | null;
  extension: string;
  displayName: string;
  state: RolloutState;
  /** Plain words for `attention` (refused items, failed job) and for waiting states. */
  reason: string | null;
  jobId: string | null;
  /** How the row got its phone: with the list, in bench mode, or by the technician. */
  assignedBy: 'list' | 'bench' | 'technician' | null;
  model: string | null;
  softwareVersion: string | null;
  ip: string | null;
  updatedAt: number;
}

export interface RolloutStatus {
  rows: RolloutRowView[];
  counts: Record<RolloutState, number>;
  /** Share of rows done, 0–100. */
  percent: number;
  benchMode: boolean;
  profileId: string | null;
}

export interface ProfileView {
  id: string;
  name: string;
  /** Only phones of this model get it (key layouts differ); null: any model. */
  model: string | null;
  items: WpiItem[];
  updatedAt: number;
}
