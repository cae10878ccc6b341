import type { ApiErrorBody } from '../shared/api.js';

/** Channel names shared by the preload and the main-process adapter; the renderer never sees them. */
export const API_CHANNEL = 'api';
export const EVENT_CHANNEL = 'event';

/**
 * What the main process answers on API_CHANNEL. Failures travel as data, not as thrown errors:
 * Electron reduces an error thrown in a handler (and again one crossing the contextBridge) to its
 * message, which would lose the status and the form `issues`.
 */
export type IpcReply = { ok: true; value: unknown } | { ok: false; status: number; body: ApiErrorBody };
