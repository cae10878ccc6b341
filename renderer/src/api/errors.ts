import type { ApiErrorBody } from '../../../shared/api.js';

/** A failed API call in the shape both transports agree on (`ApiErrorBody`). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.error);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  get issues(): ApiErrorBody['issues'] {
    return this.body.issues;
  }
}

/** What the Electron preload rejects with: a plain object, because contextBridge strips Errors. */
type PreloadRejection = ApiErrorBody & { status?: unknown };

function isErrorBody(value: unknown): value is PreloadRejection {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

/**
 * Brings whatever a transport rejected with into an ApiError: the browser client throws ApiError
 * already, the preload rejects with `{ error, issues, status }`, anything else is an Error at best.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isErrorBody(error)) {
    const { status, ...body } = error;
    return new ApiError(typeof status === 'number' ? status : 0, body);
  }
  if (error instanceof Error) return new ApiError(0, { error: error.message });
  return new ApiError(0, { error: String(error) });
}

/** Text for a notice: the server's words plus the first few field issues, if any. */
export function describeError(error: unknown): string {
  const apiError = toApiError(error);
  const issues = apiError.issues ?? [];
  if (issues.length === 0) return apiError.message;
  const listed = issues
    .slice(0, 3)
    .map((issue) => `${issue.index === undefined ? issue.name : `${issue.name}[${issue.index}]`}: ${issue.message}`);
  return [apiError.message, ...listed].join(' · ');
}
