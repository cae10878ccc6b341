import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Conf from 'conf';
import { SiteHost } from './core/sites/host.js';
import { settingsStoreOptions, type SettingsData } from './core/settings/settings.js';
import { createKeyFileSecretBox } from './core/store/secrets.js';
import { startUiApi } from './core/ui-api/server.js';

/**
 * Browser mode: the same core in plain Node, the renderer served on loopback behind a
 * per-start token. Prints `READY <url>` once phones can call in and the UI can be opened.
 * FIELDSTAGE_DATA picks the data folder (default ~/.local/share/fieldstage; each site in sites/<id>/);
 * FIELDSTAGE_PHONE_PORT / FIELDSTAGE_FILE_PORT / FIELDSTAGE_SECURE_PORT / FIELDSTAGE_BIND override the settings for demos and tests.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = resolve(process.env.FIELDSTAGE_DATA ?? join(homedir(), '.local', 'share', 'fieldstage'));
const phonePort = process.env.FIELDSTAGE_PHONE_PORT ? Number(process.env.FIELDSTAGE_PHONE_PORT) : undefined;
const filePort = process.env.FIELDSTAGE_FILE_PORT ? Number(process.env.FIELDSTAGE_FILE_PORT) : undefined;
const securePort = process.env.FIELDSTAGE_SECURE_PORT ? Number(process.env.FIELDSTAGE_SECURE_PORT) : undefined;
const bind = process.env.FIELDSTAGE_BIND ? process.env.FIELDSTAGE_BIND.split(',') : undefined;
const contactMePort = process.env.FIELDSTAGE_CONTACT_ME_PORT ? Number(process.env.FIELDSTAGE_CONTACT_ME_PORT) : undefined;

async function main(): Promise<void> {
  const host = await SiteHost.start({
    root: dataDir,
    core: {
      settingsStore: new Conf<SettingsData>({ ...settingsStoreOptions(), cwd: dataDir, projectName: 'fieldstage' }),
      // Browser mode has no OS keychain: a key file readable only by this user.
      secretBox: createKeyFileSecretBox(join(dataDir, 'secret.key')),
      mode: 'browser',
      ...(phonePort !== undefined ? { phonePort } : {}),
      ...(filePort !== undefined ? { filePort } : {}),
      ...(securePort !== undefined ? { securePort } : {}),
      ...(bind ? { bindAddresses: bind } : {}),
      ...(contactMePort !== undefined ? { contactMePort } : {}),
    },
  });
  const ui = await startUiApi({
    handlers: host.handlers,
    events: host.events,
    rendererDir: join(here, '..', 'dist', 'renderer'),
    upload: (body, name, kind) => host.upload(body, name, kind),
    bundle: (id) => host.bundle(id),
    siteUpload: (body) => host.receiveSiteFile(body),
    siteDownload: (id) => host.exportFile(id),
  });
  const info = host.core.info();
  console.log(`Fieldstage ${info.version} (browser mode), data in ${dataDir}, site ${host.site().name}`);
  console.log(
    `Phones call https://<this laptop>:${info.phonePort}/DeploymentService/LoginService; addresses: ${info.addresses.join(', ') || 'none found'}`,
  );
  console.log(`Certificate SHA-256 ${info.certificateFingerprint}`);
  console.log(`READY ${ui.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void ui
      .close()
      .then(() => host.stop())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    console.error(`Fieldstage could not start: the phone port is already in use (${String(error)}). Is another Fieldstage running?`);
  else if (code === 'EACCES') console.error(`Fieldstage could not start: no permission to listen on the phone port (${String(error)}).`);
  else console.error('Fieldstage could not start:', error);
  process.exit(1);
});
