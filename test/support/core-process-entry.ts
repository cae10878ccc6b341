/**
 * A core in its own process, for tests that kill it (`test/support/core-process.ts` starts it).
 * Argument: JSON `{ dataDir, port, adoptAll?, contactMe? }`. Prints `READY <port>` once the phone
 * listener is up; stops cleanly on SIGTERM (`STOPPED`). Loopback only.
 */
import { join } from 'node:path';
import Conf from 'conf';
import { createCore } from '../../electron/core/app/core.js';
import type { sendContactMe } from '../../electron/core/discovery/contact-me.js';
import { settingsStoreOptions, type SettingsData } from '../../electron/core/settings/settings.js';
import { createKeyFileSecretBox } from '../../electron/core/store/secrets.js';

interface EntryConfig {
  dataDir: string;
  port: number;
  adoptAll?: boolean;
  /** false (default): contact-me is not sent, so phones only get work when they call in. */
  contactMe?: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as EntryConfig;
const settingsStore = new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: config.dataDir, projectName: 'fieldstage-test' });
settingsStore.set('adoption', { adoptAll: config.adoptAll ?? true, macs: [], prefixes: [] });

const noContactMe: typeof sendContactMe = async () => ({ outcome: 'no-answer', detail: 'contact-me is off in this test' });

const core = await createCore({
  dataDir: config.dataDir,
  settingsStore,
  secretBox: createKeyFileSecretBox(join(config.dataDir, 'secret.key')),
  mode: 'browser',
  bindAddresses: ['127.0.0.1'],
  phonePort: config.port,
  filePort: 0,
  reachIntervalMs: 500,
  ...(config.contactMe ? {} : { sendContactMe: noContactMe }),
  log: (level, message) => {
    if (level === 'warn') process.stderr.write(`warn: ${message}\n`);
  },
});
await core.start();
process.stdout.write(`READY ${core.info().phonePort}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void core.stop().then(
    () => {
      process.stdout.write('STOPPED\n');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
