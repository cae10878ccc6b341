import { writeFile } from 'node:fs/promises';
import { BrowserWindow, dialog } from 'electron';
import type { PrintReportPdf } from '../core/rollout/report-pdf.js';

/**
 * report.pdf in the desktop app: the save dialog, then the report's HTML rendered in a hidden,
 * script-less window of its own in-memory session and printed with `webContents.printToPDF`.
 */
export const printReportWithDialog: PrintReportPdf = async (html, options, suggestedName) => {
  const parent = BrowserWindow.getFocusedWindow();
  const saveOptions: Electron.SaveDialogOptions = {
    title: 'Save hand-over report',
    defaultPath: suggestedName,
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  };
  const target = parent ? await dialog.showSaveDialog(parent, saveOptions) : await dialog.showSaveDialog(saveOptions);
  if (target.canceled || !target.filePath) return null;
  const page = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'fieldstage-report' },
  });
  try {
    await page.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    await writeFile(target.filePath, await page.webContents.printToPDF(options));
    return target.filePath;
  } finally {
    page.destroy();
  }
};
