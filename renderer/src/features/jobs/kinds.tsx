import { JOB_KIND_FACTS, type JobKind } from '../../../../shared/jobs.js';
import type { MessageKey, Translate } from '../../i18n/index.js';

/** What the technician confirms before a kind is queued; `typed`: the MAC or number must be typed. */
export interface JobKindConfirmation {
  title: MessageKey;
  /** For one phone ({mac}, {number}) and for a selection ({count}). */
  one: MessageKey;
  many: MessageKey;
  confirmLabel: MessageKey;
  typed: boolean;
}

/** Per kind, everything the renderer shows about it; facts (writes? reboots?) come from shared/jobs.ts. */
export interface JobKindUi {
  label: MessageKey;
  confirmation: JobKindConfirmation | null;
}

export const JOB_KIND_UI = {
  'read-all': { label: 'jobKind.read-all', confirmation: null },
  'read-items': { label: 'jobKind.read-items', confirmation: null },
  'write-items': { label: 'jobKind.write-items', confirmation: null },
  restart: {
    label: 'jobKind.restart',
    confirmation: {
      title: 'actions.restartTitle',
      one: 'actions.restartOneMessage',
      many: 'actions.restartManyMessage',
      confirmLabel: 'actions.restart',
      typed: false,
    },
  },
  'factory-reset': {
    label: 'jobKind.factory-reset',
    confirmation: {
      title: 'actions.factoryResetTitle',
      one: 'actions.factoryResetMessage',
      many: 'actions.factoryResetMessage',
      confirmLabel: 'actions.factoryReset',
      typed: true,
    },
  },
  'file-deployment': { label: 'jobKind.file-deployment', confirmation: null },
  'software-deployment': { label: 'jobKind.software-deployment', confirmation: null },
  'trace-start': { label: 'jobKind.trace-start', confirmation: null },
  'trace-stop': { label: 'jobKind.trace-stop', confirmation: null },
  certificate: { label: 'jobKind.certificate', confirmation: null },
  'trace-download': { label: 'jobKind.trace-download', confirmation: null },
  'secure-mode': {
    label: 'jobKind.secure-mode',
    confirmation: {
      title: 'actions.secureModeTitle',
      one: 'actions.secureModeMessage',
      many: 'actions.secureModeMessage',
      confirmLabel: 'actions.secureMode',
      typed: false,
    },
  },
} as const satisfies Record<JobKind, JobKindUi>;

export function jobKindLabel(t: Translate, kind: JobKind): string {
  return t(JOB_KIND_UI[kind].label);
}

/** A quarantined phone gets nothing that writes (the core refuses to send it, too). */
export function mayQueueFor(kind: JobKind, quarantined: boolean): boolean {
  return !quarantined || !JOB_KIND_FACTS[kind].writes;
}
