import { Badge, type MantineColor } from '@mantine/core';
import type { JobState } from '../../../shared/jobs.js';
import type { PhoneSummary } from '../../../shared/model.js';
import { useLanguage, useT } from '../i18n/index.js';
import { formatTime } from '../lib/format.js';

const JOB_STATE_COLORS: Record<JobState, MantineColor> = {
  queued: 'gray',
  'waiting-for-phone': 'blue',
  running: 'cyan',
  'waiting-busy': 'yellow',
  done: 'teal',
  failed: 'red',
  cancelled: 'gray',
};

export function JobStateBadge({ state }: { state: JobState }) {
  const t = useT();
  return (
    <Badge size="sm" variant="light" tt="none" color={JOB_STATE_COLORS[state]}>
      {t(`jobState.${state}`)}
    </Badge>
  );
}

/** The phone's identity changed: its writing jobs are held until the technician confirms. */
export function IdentityChangedBadge({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  if (!phone.identityChange) return null;
  const what = phone.identityChange.changes.map((c) => `${t(`identity.field.${c.field}`)}: ${c.from} → ${c.to}`).join('\n');
  return (
    <Badge size="sm" tt="none" variant="filled" color="red" title={what} data-testid={`identity-badge-${phone.mac}`}>
      {t('identity.badge')}
    </Badge>
  );
}

/** A MAC the technician pre-staged that has never called in: its jobs wait for its first contact. */
export function NotSeenBadge({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  if (phone.seen) return null;
  return (
    <Badge size="sm" tt="none" variant="outline" color="gray" title={t('phone.notSeenHint')} data-testid={`not-seen-badge-${phone.mac}`}>
      {t('phone.notSeen')}
    </Badge>
  );
}

/** Quarantined phones are read but never written until adopted: make that unmissable. */
export function AdoptionBadge({ adoption }: { adoption: PhoneSummary['adoption'] }) {
  const t = useT();
  return (
    <Badge
      size="sm"
      tt="none"
      variant={adoption === 'quarantined' ? 'filled' : 'light'}
      color={adoption === 'quarantined' ? 'orange' : 'teal'}
    >
      {t(`adoption.${adoption}`)}
    </Badge>
  );
}

/** Trace levels are raised on the phone: it must not be forgotten (Fieldstage restores them at `until`). */
/** Mutual TLS on the secure port; the default port is blocked for it (a factory reset undoes it). */
export function SecureModeBadge({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  if (phone.secureSince === null) return null;
  return (
    <Badge
      size="sm"
      tt="none"
      variant="light"
      color="teal"
      title={t('phone.secureModeSince', { time: formatTime(phone.secureSince, language) })}
      data-testid={`secure-mode-badge-${phone.mac}`}
    >
      {t('phone.secureMode')}
    </Badge>
  );
}

export function TracingBadge({ phone }: { phone: PhoneSummary }) {
  const t = useT();
  const language = useLanguage();
  const tracing = phone.tracing;
  if (!tracing) return null;
  const time = formatTime(tracing.until, language);
  return (
    <Badge
      size="sm"
      tt="none"
      variant={tracing.state === 'restore-failed' ? 'filled' : 'light'}
      color={tracing.state === 'restore-failed' ? 'red' : 'grape'}
      title={t('tracing.badgeHint', { time })}
      data-testid={`tracing-badge-${phone.mac}`}
    >
      {t(`tracing.badge.${tracing.state}`, { time })}
    </Badge>
  );
}
