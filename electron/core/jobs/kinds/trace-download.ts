import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { JobKindModule } from '../kind.js';
import { asStored, noItems } from './common.js';

/**
 * Fetches the phone's trace files from its web interface (WBM). Not a WPI kind: the core's
 * trace download runner (electron/core/traces/downloads.ts) carries it out, a few phones at once.
 */
export const traceDownload: JobKindModule = {
  kind: 'trace-download',
  facts: JOB_KIND_FACTS['trace-download'],
  // The phone's web interface is always listening: nothing to wake.
  wakesPhone: false,
  check: noItems('trace-download'),
  render: asStored,
};
