import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import type { JobKindModule } from '../kind.js';
import { asStored } from './common.js';
import { madeByTraces } from './trace-start.js';
import { writeItems } from './write-items.js';

/** Writes the levels trace-start kept back to the phone: a WriteItems like any other. */
export const traceStop: JobKindModule = {
  kind: 'trace-stop',
  facts: JOB_KIND_FACTS['trace-stop'],
  wakesPhone: true,
  check: madeByTraces('trace-stop'),
  render: asStored,
  ...(writeItems.wpi ? { wpi: writeItems.wpi } : {}),
};
