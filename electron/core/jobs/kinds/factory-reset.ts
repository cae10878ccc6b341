import { JOB_KIND_FACTS } from '../../../../shared/jobs.js';
import { FACTORY_RESET_PASSWORD } from '../../../../shared/protocol.js';
import type { JobKindModule } from '../kind.js';
import { asStored, noItems } from './common.js';
import { restartSteps } from './restart.js';

/**
 * Restart with `restart-type=FactoryReset` and the fixed password (p. 51). The phone comes back
 * with its factory items, so its start-up is followed by a fresh ReadAllItems.
 */
export const factoryReset: JobKindModule = {
  kind: 'factory-reset',
  facts: JOB_KIND_FACTS['factory-reset'],
  wakesPhone: true,
  check: noItems('factory-reset'),
  render: asStored,
  wpi: restartSteps(
    [
      { name: 'restart-password', value: FACTORY_RESET_PASSWORD },
      { name: 'restart-type', value: 'FactoryReset' },
    ],
    true,
  ),
};
