import { API_REQUESTS, type ApiErrorBody, type ApiMethod, type ServedHandlers } from '../../../shared/api.js';
import type { ValidationIssue } from '../../../shared/model.js';

/**
 * The single entry point both transports (Electron IPC and the loopback UI API) use to run a
 * renderer request. The renderer is untrusted, so the method is checked against the contract's
 * allow-list and the request against its zod schema before any handler sees it.
 */

/** A request the caller got wrong; `statusCode` is what the HTTP transport answers. */
export class ApiRequestError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/**
 * Own-property check, so prototype names such as `__proto__`, `constructor` or `toString`
 * never reach a handler lookup.
 */
export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.hasOwn(API_REQUESTS, method);
}

export async function dispatch(handlers: ServedHandlers, method: unknown, req: unknown): Promise<unknown> {
  if (!isApiMethod(method)) {
    throw new ApiRequestError(404, `Unknown API method: ${describe(method)}`);
  }
  const parsed = API_REQUESTS[method].safeParse(req);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`).join('; ');
    throw new ApiRequestError(400, `Invalid request for ${method}: ${detail}`);
  }
  // The schema and the handler belong to the same method; TypeScript cannot correlate the two
  // through the `method` union, so the lookup is widened once here.
  const handler = handlers[method] as ((req: unknown) => Promise<unknown>) | undefined;
  // A core served without its site host (tests) has no site calls.
  if (!handler) throw new ApiRequestError(404, `${method} is not available here`);
  return handler(parsed.data);
}

/** What a transport sends back for a failed call: HTTP status plus the shared error body. */
export interface ApiFailure {
  status: number;
  body: ApiErrorBody;
}

/**
 * Maps anything a call can throw to the shared error shape. Errors may carry an HTTP-like
 * `statusCode` (ApiRequestError, fastify's own errors, handler errors) and validation `issues`
 * for forms; both are passed through, everything else is a 500.
 */
export function toApiFailure(error: unknown): ApiFailure {
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const statusCode = fields.statusCode;
  const status =
    typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 400 && statusCode <= 599 ? statusCode : 500;
  const message = error instanceof Error && error.message ? error.message : status === 500 ? 'Internal error' : 'Request failed';
  const body: ApiErrorBody = { error: message };
  if (Array.isArray(fields.issues)) body.issues = fields.issues as ValidationIssue[];
  return { status, body };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : `(${typeof value})`;
}
