import type { ValidationIssue } from '../../../shared/model.js';

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
