import { BrowserWindow, dialog } from 'electron';

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
