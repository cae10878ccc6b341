import { MAX_MESSAGE_BYTES, type WpiItem } from '../../../shared/protocol.js';
import type { JobKind } from '../../../shared/jobs.js';
import type { ValidationIssue } from '../../../shared/model.js';
import { validateItemRef, validateItems } from '../../../shared/validation.js';
import { ENVELOPE_BYTES, itemBytes } from '../wpi/split.js';

/** Items whose effect Fieldstage cannot follow up, so writing them would lose the phone. */
const UNSERVED_ITEMS: ReadonlySet<string> = new Set(['goto-secure-mode']);

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
    case 'read-items': {
      if (!items.length) throw new JobRequestError('read-items needs at least one item name');
      // Only names and indexes travel in a ReadItems request; they must be sendable (wpi.xsd).
      const issues = items.flatMap((item) => {
        const message = validateItemRef(item);
        return message ? [{ name: item.name, ...(item.index === undefined ? {} : { index: item.index }), message }] : [];
      });
      if (issues.length)
        throw new JobRequestError(`${issues.length} item name(s) refused: ${issues[0]?.name} ${issues[0]?.message}`, issues);
      return;
    }
    case 'write-items': {
      if (!items.length) throw new JobRequestError('nothing to write');
      const issues = validateItems(items);
      // Bootstrapping moves the phone to the mutual-TLS port 18444, which Fieldstage does not serve yet.
      for (const item of items.filter((i) => UNSERVED_ITEMS.has(i.name))) {
        issues.push({ name: item.name, message: 'is not supported: the phone would switch to Secure Mode and stop reaching Fieldstage' });
      }
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
      // A deployment is one message, never split (p. 52–57): it must fit the 50 kB limit (p. 69).
      const bytes = ENVELOPE_BYTES + items.reduce((n, i) => n + itemBytes(i), 0);
      if (bytes > MAX_MESSAGE_BYTES) throw new JobRequestError(`${kind} items take ${bytes} bytes; one message holds at most 50 kB`);
      return;
    }
  }
}
