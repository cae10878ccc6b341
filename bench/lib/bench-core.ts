import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { createCore, type Core, type CoreOptions } from '../../electron/core/app/core.js';
import { settingsStoreOptions, type SettingsData } from '../../electron/core/settings/settings.js';
import { createKeyFileSecretBox } from '../../electron/core/store/secrets.js';

/** A real core on 127.0.0.1 in `dataDir` (settings, secret key and database there), quiet; not started. */
export function openBenchCore(dataDir: string, overrides: Partial<CoreOptions> = {}): Promise<Core> {
  const settingsStore = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir, projectName: 'fieldstage-bench' });
  return createCore({
    dataDir,
    settingsStore,
    secretBox: createKeyFileSecretBox(join(dataDir, 'secret.key')),
    mode: 'browser',
    bindAddresses: ['127.0.0.1'],
    phonePort: 0,
    filePort: 0,
    log: () => undefined,
    ...overrides,
  });
}

/** A real core on 127.0.0.1 in a throwaway data folder, quiet, for benchmark children. */
export async function startBenchCore(name: string, overrides: Partial<CoreOptions> = {}): Promise<{ core: Core; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `fieldstage-bench-${name}-`));
  const core = await openBenchCore(dataDir, overrides);
  return {
    core,
    async stop() {
      await core.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
