import type { ItemResult, JobKind, JobState } from '../../../shared/jobs.js';
import type { IdentityChange } from '../../../shared/model.js';
import type { WpiItem } from '../../../shared/protocol.js';

/** Adoption state: a phone never seen before is quarantined (read, never written) until adopted. */
export type PhoneAdoption = 'quarantined' | 'adopted';

export interface PhoneRecord {
  mac: string;
  model: string | null;
  softwareVersion: string | null;
  partNumber: string | null;
  e164: string | null;
  ip: string | null;
  contactMeUri: string | null;
  adoption: PhoneAdoption;
  /** Items per message the phone accepts (-1 = unlimited). */
  maxItems: number;
  inventoryComplete: boolean;
  firstContact: number;
  lastContact: number;
  lastReason: string | null;
  /** DCMP poll interval configured by the technician; null = the phone does not poll. */
  pollIntervalS: number | null;
  /** Local address the phone last reached the service on (for URLs we hand it). */
  serverAddress: string | null;
  /** Set while a changed identity holds the phone's writing jobs (see electron/core/identity). */
  identityHold: IdentityHold | null;
  /** False for a MAC pre-staged by the technician that has not called in yet. */
  seen: boolean;
  /** Secure Mode since (epoch ms); null = default mode. */
  secureSince: number | null;
}

/** What a contact says about who the phone is; null = not reported. */
export interface IdentityFacts {
  ip: string | null;
  model: string | null;
  partNumber: string | null;
  e164: string | null;
  contactMeUri: string | null;
}

export interface IdentityHold extends IdentityChange {
  /** The facts last reported, taken over when the technician confirms. */
  reported: IdentityFacts;
}

export interface StoredItem {
  name: string;
  index?: number;
  /** Plain value; for secret items only when revealed on purpose, else SECRET_MASK. */
  value: string;
  status: string | null;
  updatedAt: number;
}

export interface JobRecord {
  id: string;
  mac: string;
  kind: JobKind;
  state: JobState;
  items: WpiItem[];
  results: ItemResult[];
  /** What the technician should know although the job did not fail (e.g. an assumed item refused). */
  warnings: string[];
  reason: string | null;
  /** What a sent job waits for before it is settled. */
  awaiting: 'start-up' | 'status' | null;
  expectVersion: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Earliest time a retry may start (busy back-off). */
  notBefore: number | null;
  /**
   * While the job waits for its phone: when the next contact-me to wake it is due (contact-me
   * limit, back-off, the phone's contact gap); null when none is planned. Cleared when it runs.
   */
  nextContactAt: number | null;
}

export interface ExchangeRecord {
  id: number;
  mac: string | null;
  peer: string;
  at: number;
  durationMs: number;
  reason: string | null;
  action: string | null;
  /** Both documents with secret item values masked. */
  requestXml: string;
  responseXml: string;
  httpStatus: number;
  note: string | null;
}
