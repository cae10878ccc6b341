import { ipcMain, type WebContents } from 'electron';
import type { ServedHandlers } from '../../shared/api.js';
import type { AppEvent } from '../../shared/events.js';
import { dispatch, toApiFailure } from '../core/api/dispatch.js';
import { API_CHANNEL, EVENT_CHANNEL, type IpcReply } from '../ipc-protocol.js';

/**
 * Electron transport of the API. Only the app's own top-level renderer page may call: a frame
 * that navigated elsewhere or an embedded subframe gets 403, and everything else goes through
 * the same allow-list and validation as browser mode.
 */
export function registerApiIpc(
  handlers: ServedHandlers,
  isTrustedUrl: (url: string) => boolean,
  onInternalError: (error: unknown) => void,
): void {
  ipcMain.handle(API_CHANNEL, async (event, method: unknown, req: unknown): Promise<IpcReply> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, status: 403, body: { error: 'Untrusted sender' } };
    }
    try {
      return { ok: true, value: await dispatch(handlers, method, req) };
    } catch (error) {
      const failure = toApiFailure(error);
      if (failure.status >= 500) onInternalError(error);
      return { ok: false, ...failure };
    }
  });
}

/** Pushes core events to whichever window is open now (none while a macOS app has no window). */
export function forwardEvents(
  events: { subscribe(listener: (event: AppEvent) => void): () => void },
  target: () => WebContents | null,
): () => void {
  return events.subscribe((event) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
  });
}
