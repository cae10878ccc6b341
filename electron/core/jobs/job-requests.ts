import type { WpiItem } from '../../../shared/protocol.js';
import type { JobKind } from '../../../shared/jobs.js';
import type { ValidationIssue } from '../../../shared/model.js';
import { validateItems } from '../../../shared/validation.js';

/** A request the technician made that cannot become a job as it is; `issues` name item and rule. */
export class JobRequestError extends Error {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
    this.name = 'JobRequestError';
  }
}

/** Checks a job request up front, so nothing invalid is ever queued or sent. */
export function checkJobRequest(kind: JobKind, items: readonly WpiItem[]): void {
  switch (kind) {
    case 'read-all':
    case 'restart':
    case 'factory-reset':
      if (items.length) throw new JobRequestError(`${kind} takes no items`);
      return;
    case 'read-items':
      if (!items.length) throw new JobRequestError('read-items needs at least one item name');
      return;
    case 'write-items': {
      if (!items.length) throw new JobRequestError('nothing to write');
      const issues = validateItems(items);
      if (issues.length) {
        const first = issues[0];
        throw new JobRequestError(`${issues.length} value(s) refused${first ? `: ${first.name} ${first.message}` : ''}`, issues);
      }
      return;
    }
    case 'file-deployment':
    case 'software-deployment': {
      const hasSource = items.some((i) => i.name === 'file-https-base-url' || i.name === 'file-server');
      if (!hasSource) throw new JobRequestError(`${kind} needs file-https-base-url or file-server`);
      const issues = validateItems(items);
      if (issues.length) throw new JobRequestError(`${kind} items refused`, issues);
      return;
    }
  }
}
