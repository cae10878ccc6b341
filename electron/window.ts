import { BrowserWindow, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from './core/csp.js';
import { isRendererUrl, type RendererLocation } from './renderer-location.js';

/**
 * The one application window. The renderer is treated as untrusted content: no Node, an
 * isolated sandboxed preload, no popups, no navigation away from the app, no permissions.
 */
export function createMainWindow(location: RendererLocation, preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Fieldstage',
    // Shown once painted, so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isRendererUrl(location, event.url)) event.preventDefault();
  });

  const loading = location.kind === 'file' ? window.loadFile(location.file) : window.loadURL(location.url);
  loading.catch((error: unknown) => console.error('Renderer failed to load:', error));
  return window;
}

/**
 * Session-wide rules, set once. The CSP header covers http(s) loads (the dev server); file://
 * loads carry no headers, so there the identical `<meta>` in renderer/index.html applies.
 */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Only writing to the clipboard (the copy buttons for addresses and DHCP snippets) is allowed.
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);
