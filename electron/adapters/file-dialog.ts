import { writeFile } from 'node:fs/promises';
import { BrowserWindow, dialog } from 'electron';
import { SITE_FILE_EXTENSION } from '../../shared/sites.js';

/**
 * files.pick in the desktop app: the open-file dialog runs in the main process, so the renderer
 * never names a path on disk. Returns the chosen paths (none when cancelled).
 */
export async function pickFilesWithDialog(): Promise<string[]> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = { title: 'Import files', properties: ['openFile', 'multiSelections'] };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** diagnostics.bundle in the desktop app: the save dialog, then the zip written there; null when cancelled. */
export async function saveBundleWithDialog(suggestedName: string, bytes: Uint8Array): Promise<string | null> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.SaveDialogOptions = {
    title: 'Save diagnostic bundle',
    defaultPath: suggestedName,
    filters: [{ name: 'Zip', extensions: ['zip'] }],
  };
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  await writeFile(result.filePath, bytes);
  return result.filePath;
}

/** sites.export in the desktop app: where to write the site file; null when cancelled. */
export async function saveSiteFileWithDialog(suggestedName: string): Promise<string | null> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.SaveDialogOptions = {
    title: 'Export site',
    defaultPath: suggestedName,
    filters: [{ name: 'Fieldstage site', extensions: [SITE_FILE_EXTENSION.slice(1)] }],
  };
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

/** sites.import in the desktop app: the site file to import; null when cancelled. */
export async function pickSiteFileWithDialog(): Promise<string | null> {
  const parent = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    title: 'Import site',
    properties: ['openFile'],
    filters: [{ name: 'Fieldstage site', extensions: [SITE_FILE_EXTENSION.slice(1)] }],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
