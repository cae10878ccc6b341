import type { JobState } from '../../../shared/jobs.js';
import type { JobView } from '../../../shared/model.js';
import type { Language, Translate } from '../i18n/index.js';
import { formatTime } from './format.js';

/** States in which the main process may plan a contact-me to wake the job's phone. */
const WAITING_STATES: readonly JobState[] = ['queued', 'waiting-for-phone'];

/** The job's reason as shown, with when the next contact-me is due while it waits for its phone. */
export function jobReasonText(job: Pick<JobView, 'reason' | 'state' | 'nextContactAt'>, t: Translate, language: Language): string {
  const next =
    job.nextContactAt !== null && WAITING_STATES.includes(job.state)
      ? t('jobs.nextContact', { time: formatTime(job.nextContactAt, language) })
      : null;
  return [job.reason, next].filter((part) => part).join(' · ');
}
