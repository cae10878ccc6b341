import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../renderer/src/store/index.js';
import { MAX_KEPT_EXCHANGES } from '../../renderer/src/store/exchanges.js';
import type { ExchangeSummary } from '../../shared/model.js';
import { createFakeApi, itemView, jobView, MAC, phoneSummary, settingsView } from './support.js';

const exchange = (id: number): ExchangeSummary => ({
  id,
  mac: MAC,
  peer: '192.168.1.4',
  at: id,
  durationMs: 5,
  reason: 'status',
  action: null,
  httpStatus: 200,
  note: null,
});

describe('phones slice', () => {
  it('keys phones by MAC and replaces one from phone.updated', async () => {
    const api = createFakeApi({
      'phones.list': () => [phoneSummary(), phoneSummary({ mac: 'AAAAAAAAAAAA', e164: '2' })],
    });
    const store = createAppStore(api);
    await store.getState().loadPhones();
    expect(Object.keys(store.getState().phones)).toEqual([MAC, 'AAAAAAAAAAAA']);
    expect(store.getState().phonesLoaded).toBe(true);

    store.getState().handleEvent({ type: 'phone.updated', phone: phoneSummary({ displayName: 'Lobby' }) });
    expect(store.getState().phones[MAC]?.displayName).toBe('Lobby');
    expect(store.getState().phones.AAAAAAAAAAAA?.e164).toBe('2');
  });
});

describe('jobs slice', () => {
  it('merges job.updated events and ignores an older snapshot arriving late', () => {
    const store = createAppStore(createFakeApi());
    store.getState().handleEvent({ type: 'job.updated', job: jobView({ state: 'running', updatedAt: 20 }) });
    store.getState().handleEvent({ type: 'job.updated', job: jobView({ state: 'queued', updatedAt: 10 }) });
    expect(store.getState().jobs['job-1']?.state).toBe('running');
  });

  it('creates jobs through jobs.create and stores them', async () => {
    const api = createFakeApi({
      'jobs.create': (req) => ({ jobs: req.macs.map((mac) => jobView({ id: mac, mac, kind: req.kind })), refused: [] }),
    });
    const store = createAppStore(api);
    const jobs = await store.getState().createJobs(['A', 'B'], 'read-all');
    expect(jobs).toHaveLength(2);
    expect(api.callsOf('jobs.create')[0]).toEqual({ macs: ['A', 'B'], kind: 'read-all', items: [] });
    expect(store.getState().jobs.B?.kind).toBe('read-all');
  });
});

describe('exchanges slice', () => {
  it('adds logged exchanges and keeps only the newest ones', () => {
    const store = createAppStore(createFakeApi());
    for (let id = 1; id <= MAX_KEPT_EXCHANGES + 5; id += 1) {
      store.getState().handleEvent({ type: 'exchange.logged', exchange: exchange(id) });
    }
    const ids = Object.keys(store.getState().exchanges).map(Number);
    expect(ids).toHaveLength(MAX_KEPT_EXCHANGES);
    expect(Math.min(...ids)).toBe(6);
  });
});

describe('sweep slice', () => {
  it('records progress and results by sweep id, even before sweepStart has answered', async () => {
    const api = createFakeApi({ 'discovery.sweepStart': () => ({ sweepId: 's1', total: 254 }) });
    const store = createAppStore(api);
    store.getState().handleEvent({
      type: 'sweep.result',
      result: { sweepId: 's1', ip: '10.0.0.7', outcome: 'phone', detail: 'OpenStage 40' },
    });
    await store.getState().startSweep('10.0.0.0/24');
    store.getState().handleEvent({
      type: 'sweep.progress',
      progress: { sweepId: 's1', done: 100, total: 254, found: 1, finished: false, cancelled: false },
    });
    const run = store.getState().sweeps.s1;
    expect(store.getState().currentSweepId).toBe('s1');
    expect(run?.progress.done).toBe(100);
    expect(run?.results.map((result) => result.ip)).toEqual(['10.0.0.7']);
  });
});

describe('settings and ui slices', () => {
  it('takes language and theme from settings.changed', () => {
    const store = createAppStore(createFakeApi());
    store.getState().handleEvent({ type: 'settings.changed', settings: settingsView({ language: 'de', theme: 'dark' }) });
    expect(store.getState().language).toBe('de');
    expect(store.getState().theme).toBe('dark');
  });

  it('switches language at once and stores it', async () => {
    const api = createFakeApi({ 'settings.update': (patch) => settingsView({ language: patch.language ?? 'en' }) });
    const store = createAppStore(api);
    await store.getState().setLanguage('de');
    expect(store.getState().language).toBe('de');
    expect(api.callsOf('settings.update')).toEqual([{ language: 'de' }]);
  });

  it('navigates and opens a phone', () => {
    const store = createAppStore(createFakeApi());
    store.getState().openPhone(MAC);
    expect(store.getState()).toMatchObject({ screen: 'phone', selectedMac: MAC });
    store.getState().navigate('jobs');
    expect(store.getState().screen).toBe('jobs');
  });

  it('adds and dismisses notices', () => {
    const store = createAppStore(createFakeApi());
    store.getState().notify({ tone: 'error', message: 'notice.loadFailed', detail: 'boom' });
    const [notice] = store.getState().notices;
    expect(notice?.detail).toBe('boom');
    store.getState().dismissNotice(notice!.id);
    expect(store.getState().notices).toEqual([]);
  });
});

describe('editor slice', () => {
  const items = [itemView('transaction-timer', '32000'), itemView('sip-pwd', '******', { secret: true })];

  function editorStore(extra: Parameters<typeof createFakeApi>[0] = {}) {
    const api = createFakeApi({
      'phones.items': () => items,
      'items.validate': () => ({ issues: [] }),
      'jobs.create': (req) => ({ jobs: [jobView({ items: req.items ?? [] })], refused: [] }),
      'phones.revealItem': () => ({ value: 'hunter2' }),
      ...extra,
    });
    return { api, store: createAppStore(api) };
  }

  it('keeps a pending change with the value it replaces, and drops it when set back', async () => {
    const { store } = editorStore();
    await store.getState().openEditor(MAC);
    store.getState().setPendingValue({ name: 'transaction-timer' }, '4000');
    expect(store.getState().editor.pending['transaction-timer']).toMatchObject({ value: '4000', original: '32000' });
    store.getState().setPendingValue({ name: 'transaction-timer' }, '32000');
    expect(store.getState().editor.pending).toEqual({});
  });

  it('does not call the API when a pending value breaks a catalogue rule', async () => {
    const { api, store } = editorStore();
    await store.getState().openEditor(MAC);
    store.getState().setPendingValue({ name: 'transaction-timer' }, '100');
    await expect(store.getState().applyPending()).resolves.toEqual({ kind: 'invalid', issues: 1 });
    expect(api.callsOf('items.validate')).toEqual([]);
    expect(api.callsOf('jobs.create')).toEqual([]);
  });

  it('stops at issues from items.validate and keeps them per item', async () => {
    const { api, store } = editorStore({
      'items.validate': () => ({ issues: [{ name: 'transaction-timer', message: 'phone model does not support it' }] }),
    });
    await store.getState().openEditor(MAC);
    store.getState().setPendingValue({ name: 'transaction-timer' }, '4000');
    await expect(store.getState().applyPending()).resolves.toEqual({ kind: 'invalid', issues: 1 });
    expect(store.getState().editor.serverIssues).toHaveLength(1);
    expect(api.callsOf('jobs.create')).toEqual([]);
  });

  it('queues one write-items job and clears what was sent', async () => {
    const { api, store } = editorStore();
    await store.getState().openEditor(MAC);
    store.getState().setPendingValue({ name: 'transaction-timer' }, '4000');
    store.getState().setPendingValue({ name: 'function-key-def', index: 3 }, '59');
    const outcome = await store.getState().applyPending();
    expect(outcome.kind).toBe('queued');
    expect(api.callsOf('jobs.create')).toEqual([
      {
        macs: [MAC],
        kind: 'write-items',
        items: [
          { name: 'transaction-timer', value: '4000' },
          { name: 'function-key-def', index: 3, value: '59' },
        ],
      },
    ]);
    expect(store.getState().editor.pending).toEqual({});
    expect(store.getState().jobs['job-1']).toBeDefined();
  });

  it('reloads the items when the phone’s write job finishes', async () => {
    const { api, store } = editorStore();
    await store.getState().openEditor(MAC);
    const loadsBefore = api.callsOf('phones.items').length;
    store.getState().handleEvent({ type: 'job.updated', job: jobView({ state: 'running', updatedAt: 1 }) });
    store.getState().handleEvent({ type: 'job.updated', job: jobView({ state: 'done', updatedAt: 2 }) });
    await vi.waitFor(() => expect(store.getState().editor.loading).toBe(false));
    expect(api.callsOf('phones.items').length).toBe(loadsBefore + 1);
  });

  it('reveals a secret once and reuses it', async () => {
    const { api, store } = editorStore();
    await store.getState().openEditor(MAC);
    await expect(store.getState().revealItem({ name: 'sip-pwd' })).resolves.toBe('hunter2');
    await store.getState().revealItem({ name: 'sip-pwd' });
    expect(api.callsOf('phones.revealItem')).toEqual([{ mac: MAC, name: 'sip-pwd' }]);
  });

  it('starts a fresh editor for another phone', async () => {
    const { store } = editorStore();
    await store.getState().openEditor(MAC);
    store.getState().setPendingValue({ name: 'transaction-timer' }, '4000');
    await store.getState().openEditor('AAAAAAAAAAAA');
    expect(store.getState().editor).toMatchObject({ mac: 'AAAAAAAAAAAA', pending: {} });
  });
});

describe('live slice', () => {
  it('subscribes to events and loads the shell’s data', async () => {
    const api = createFakeApi({
      'app.info': () => ({
        version: '0.1.0',
        mode: 'browser',
        phonePort: 18443,
        httpPort: 18080,
        filePort: 18446,
        addresses: ['192.168.1.2'],
        certificateFingerprint: 'AB:CD',
        listening: true,
        listeners: [{ address: '0.0.0.0', port: 18443, protocol: 'https', listening: true, error: null }],
        listenerFallback: null,
        securePort: 0,
        localCaFingerprint: null,
        overrides: { phonePort: null, bindAddresses: null },
      }),
      'settings.get': () => settingsView({ language: 'de' }),
      'phones.list': () => [phoneSummary()],
      'jobs.list': () => [],
    });
    const store = createAppStore(api);
    const unsubscribe = store.getState().connect();
    expect(api.listenerCount()).toBe(1);
    await vi.waitFor(() => expect(store.getState().phonesLoaded).toBe(true));
    expect(store.getState().language).toBe('de');
    expect(api.callsOf('jobs.list')[0]?.states).not.toContain('done');

    api.emit({ type: 'phone.updated', phone: phoneSummary({ ip: '10.1.1.1' }) });
    expect(store.getState().phones[MAC]?.ip).toBe('10.1.1.1');
    unsubscribe();
    expect(api.listenerCount()).toBe(0);
  });

  it('loads its lists again when the event stream reopens, including jobs that ended meanwhile', async () => {
    let phone = phoneSummary({ e164: '100' });
    let open = [jobView({ id: 'job-1', state: 'running', updatedAt: 10 })];
    let ofPhone = open;
    const api = createFakeApi({
      'app.info': () => ({
        version: '0.1.0',
        mode: 'browser',
        phonePort: 18443,
        httpPort: 18080,
        filePort: 18444,
        addresses: ['127.0.0.1'],
        certificateFingerprint: 'AB:CD',
        listening: true,
        listeners: [{ address: '127.0.0.1', port: 18443, protocol: 'https', listening: true, error: null }],
        listenerFallback: null,
        securePort: 0,
        localCaFingerprint: null,
        overrides: { phonePort: null, bindAddresses: null },
      }),
      'settings.get': () => settingsView(),
      'phones.list': () => [phone],
      'jobs.list': (req) => (req.mac ? ofPhone : open),
    });
    const store = createAppStore(api);
    store.getState().connect();
    await vi.waitFor(() => expect(store.getState().jobs['job-1']?.state).toBe('running'));

    // While the stream was down the phone changed and its job ended: no event said so.
    phone = phoneSummary({ e164: '200' });
    open = [];
    ofPhone = [jobView({ id: 'job-1', state: 'done', updatedAt: 20 })];
    api.reopen();
    await vi.waitFor(() => expect(store.getState().jobs['job-1']?.state).toBe('done'));
    expect(store.getState().phones[MAC]?.e164).toBe('200');
    expect(api.callsOf('jobs.list').at(-1)).toEqual({ mac: MAC, limit: 200 });
  });

  it('reports a failed initial load as a notice', async () => {
    const store = createAppStore(createFakeApi());
    store.getState().connect();
    await vi.waitFor(() => expect(store.getState().notices).toHaveLength(1));
    expect(store.getState().notices[0]?.tone).toBe('error');
  });
});
