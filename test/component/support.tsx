import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { ApiClient, ApiMethod, ApiReq, ApiRes } from '../../shared/api.js';
import type { AppEvent } from '../../shared/events.js';
import type { ItemView, JobView, PhoneSummary, SettingsView } from '../../shared/model.js';
import { ApiError } from '../../renderer/src/api/errors.js';
import { createAppStore, type AppStore } from '../../renderer/src/store/index.js';
import { AppStoreProvider } from '../../renderer/src/store/context.js';

export type FakeHandlers = { [M in ApiMethod]?: (req: ApiReq<M>) => ApiRes<M> | Promise<ApiRes<M>> };

export interface FakeApi extends ApiClient {
  calls: { method: ApiMethod; req: unknown }[];
  callsOf<M extends ApiMethod>(method: M): ApiReq<M>[];
  emit(event: AppEvent): void;
  /** The event stream opened again after a break (browser mode's reconnect). */
  reopen(): void;
  listenerCount(): number;
}

/** An ApiClient answering from per-method handlers; unknown methods fail like a 404 would. */
export function createFakeApi(handlers: FakeHandlers = {}): FakeApi {
  const listeners = new Set<(event: AppEvent) => void>();
  const openListeners = new Set<() => void>();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    callsOf<M extends ApiMethod>(method: M) {
      return calls.filter((call) => call.method === method).map((call) => call.req as ApiReq<M>);
    },
    async call<M extends ApiMethod>(method: M, req: ApiReq<M>): Promise<ApiRes<M>> {
      calls.push({ method, req });
      const handler = handlers[method] as ((req: ApiReq<M>) => ApiRes<M> | Promise<ApiRes<M>>) | undefined;
      if (!handler) throw new ApiError(404, { error: `no fake for ${method}` });
      return handler(req);
    },
    onEvent(listener, onOpen) {
      listeners.add(listener);
      if (onOpen) openListeners.add(onOpen);
      return () => {
        listeners.delete(listener);
        if (onOpen) openListeners.delete(onOpen);
      };
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    reopen() {
      for (const onOpen of openListeners) onOpen();
    },
    listenerCount: () => listeners.size,
  };
}

export function renderWithStore(ui: ReactElement, api: FakeApi, store: AppStore = createAppStore(api)) {
  const result = render(
    <AppStoreProvider store={store} api={api}>
      <MantineProvider env="test">{ui}</MantineProvider>
    </AppStoreProvider>,
  );
  return { ...result, store, api };
}

export const MAC = '001AE82D3F08';

export function phoneSummary(overrides: Partial<PhoneSummary> = {}): PhoneSummary {
  return {
    mac: MAC,
    model: 'OpenStage 60',
    softwareVersion: 'V3 R1.41.1',
    partNumber: 'S30817-S7403-C101-020',
    e164: '302108189656',
    displayName: 'Reception',
    ip: '192.168.1.4',
    adoption: 'adopted',
    inventoryComplete: true,
    firstContact: Date.now() - 3_600_000,
    lastContact: Date.now() - 60_000,
    lastReason: 'status',
    pollIntervalS: null,
    jobState: null,
    pendingJobs: 0,
    identityChange: null,
    seen: true,
    tracing: null,
    secureSince: null,
    ...overrides,
  };
}

export function itemView(name: string, value: string, extra: Partial<ItemView> = {}): ItemView {
  return { name, value, status: null, updatedAt: Date.now(), secret: false, ...extra };
}

export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    id: 'job-1',
    mac: MAC,
    kind: 'write-items',
    state: 'queued',
    items: [],
    results: [],
    warnings: [],
    reason: null,
    nextContactAt: null,
    attempts: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    startedAt: null,
    finishedAt: null,
    fileIds: [],
    ...overrides,
  };
}

export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    phonePort: 18443,
    httpPort: 18080,
    bindAddresses: [],
    legacyTls: false,
    sendSolicited: 'auto',
    adoption: { adoptAll: false, macs: [], prefixes: [] },
    contactMe: { minIntervalMs: 60_000, maxAttempts: 5 },
    quarantine: { maxPhones: 2000, expireDays: 30 },
    language: 'en',
    theme: 'light',
    fileServer: { port: 18446, maxFirmwareDownloads: 10 },
    wbm: { port: 443, adminPasswordSet: false, allowFactoryDefault: false, maxParallel: 4 },
    ...overrides,
  };
}
