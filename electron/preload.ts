import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiClient, ApiErrorBody, ApiMethod, ApiReq, ApiRes } from '../shared/api.js';
import type { AppEvent } from '../shared/events.js';
import { API_CHANNEL, EVENT_CHANNEL, type IpcReply } from './ipc-protocol.js';

/**
 * The renderer's only privileged surface: `window.api`, exactly the ApiClient contract. Built
 * as CommonJS because sandboxed preloads cannot be ES modules.
 */

/** Rejection value of `call`: the shared error body plus the status, as a plain object. */
export type PreloadApiError = ApiErrorBody & { status: number };

const api: ApiClient = {
  async call<M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> {
    const reply = (await ipcRenderer.invoke(API_CHANNEL, method, req)) as IpcReply;
    if (reply.ok) return reply.value as ApiRes<M>;
    // A plain object, not an Error: contextBridge copies an Error's message only.
    const rejection: PreloadApiError = { ...reply.body, status: reply.status };
    throw rejection;
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, appEvent: AppEvent): void => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
