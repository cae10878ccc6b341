import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { createCore, type Core, type CoreOptions } from '../../electron/core/app/core.js';
import { settingsStoreOptions, type SettingsData } from '../../electron/core/settings/settings.js';
import { createKeyFileSecretBox } from '../../electron/core/store/secrets.js';
import { problemsOfSentMessages } from './xmllint.js';

export interface TestCore {
  core: Core;
  port: number;
  dataDir: string;
  logs: string[];
  /** Stops the core and removes its data folder (kept with `keepData`, to start again on it). */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Every DLSMessage the service sent, checked against wpi.xsd; returns the failures. */
  invalidSentMessages(): string[];
}

/** A real core on 127.0.0.1 with a random phone port and a throwaway data folder. */
export async function startTestCore(
  settings: Partial<SettingsData> = {},
  overrides: Partial<CoreOptions> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'fieldstage-core-')),
): Promise<TestCore> {
  const store = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir, projectName: 'fieldstage-test' });
  if (Object.keys(settings).length > 0) store.set(settings);
  const logs: string[] = [];
  const core = await createCore({
    dataDir,
    settingsStore: store,
    secretBox: createKeyFileSecretBox(join(dataDir, 'secret.key')),
    mode: 'browser',
    bindAddresses: ['127.0.0.1'],
    phonePort: 0,
    securePort: 0,
    filePort: 0,
    reachIntervalMs: 200,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...overrides,
  });
  await core.start();
  return {
    core,
    port: core.info().phonePort,
    dataDir,
    logs,
    async stop({ keepData = false } = {}) {
      await core.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    invalidSentMessages() {
      // HTTP-level refusals are logged too; only the 200 answers are DLSMessages.
      const sent = core.store.exchanges
        .list({ limit: 100_000 })
        .filter((e) => e.httpStatus === 200)
        .map((e) => core.store.exchanges.get(e.id)?.responseXml ?? '');
      return problemsOfSentMessages(sent);
    },
  };
}

export { freePort } from './core-process.js';
