import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, type BrowserWindow } from 'electron';
import { certificateFilePicker } from './adapters/certificate-dialog.js';
import { remindBeforeClosing } from './adapters/close-reminder.js';
import { pickFilesWithDialog, pickSiteFileWithDialog, saveBundleWithDialog, saveSiteFileWithDialog } from './adapters/file-dialog.js';
import { forwardEvents, registerApiIpc } from './adapters/ipc.js';
import { printReportWithDialog } from './adapters/report-pdf.js';
import { createSafeStorageBox, isWeakSecretStorage } from './adapters/safe-storage-box.js';
import { createElectronSettingsStore } from './adapters/settings-electron.js';
import { SiteHost } from './core/sites/host.js';
import { isRendererUrl, rendererLocation } from './renderer-location.js';
import { createMainWindow, hardenSession } from './window.js';

/**
 * Electron composition root: app lifecycle only. All behaviour lives in the core, which the
 * browser mode starts the same way with plain-Node adapters.
 */

// Built layout: dist/electron/main/index.js, dist/electron/preload/index.cjs, dist/renderer/.
const here = fileURLToPath(new URL('.', import.meta.url));
const PRELOAD = join(here, '../preload/index.cjs');
const RENDERER_INDEX = join(here, '../../renderer/index.html');

const logError = (error: unknown): void => console.error('Fieldstage:', error);

// A second instance would fight over the phone ports and the database: hand over and leave.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

function run(): void {
  // The dev server URL is honoured only in unpackaged runs, so a shipped app never loads remote code.
  const location = rendererLocation(RENDERER_INDEX, app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL);
  let host: SiteHost | null = null;
  let window: BrowserWindow | null = null;
  // The title bar always names the open site (the renderer's document.title says the same).
  const siteTitle = (): string => (host ? `Fieldstage — ${host.site().name}` : 'Fieldstage');

  const openWindow = (): void => {
    const created = createMainWindow(location, PRELOAD);
    created.setTitle(siteTitle());
    remindBeforeClosing(created, () => host?.openCore ?? null);
    created.on('closed', () => {
      if (window === created) window = null;
    });
    window = created;
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // macOS keeps the app (and the phone server) running without a window; the dock icon reopens it.
  app.on('activate', () => {
    if (host && !window) openWindow();
  });

  // Phones may be mid-provisioning: stop the core (listeners, database) before the process ends.
  let stopped = false;
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopped || !host) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    host
      .stop()
      .catch(logError)
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(session.defaultSession);
      const dataDir = app.getPath('userData');
      if (isWeakSecretStorage()) {
        console.warn('Fieldstage: no OS keyring found; stored phone secrets are only obfuscated (safeStorage basic_text).');
      }
      const created = await SiteHost.start({
        root: dataDir,
        core: {
          settingsStore: createElectronSettingsStore(dataDir),
          secretBox: createSafeStorageBox(),
          mode: 'electron',
          pickCertificateFile: certificateFilePicker(() => window),
          pickFiles: pickFilesWithDialog,
          saveBundle: saveBundleWithDialog,
          printReportPdf: printReportWithDialog,
        },
        saveSiteFile: saveSiteFileWithDialog,
        pickSiteFile: pickSiteFileWithDialog,
      });
      host = created;
      registerApiIpc(created.handlers, (url) => isRendererUrl(location, url), logError);
      forwardEvents(created.events, () => window?.webContents ?? null);
      created.events.subscribe((event) => {
        if (event.type === 'site.opened') window?.setTitle(siteTitle());
      });
      openWindow();
    })
    .catch(async (error: unknown) => {
      logError(error);
      // Typical causes: the phone port is taken, the data directory is not writable.
      dialog.showErrorBox('Fieldstage could not start', error instanceof Error ? error.message : String(error));
      await host?.stop().catch(logError);
      app.exit(1);
    });
}
