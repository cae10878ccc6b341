import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import { CertificateError } from '../core/certificates/errors.js';
import { MAX_CERTIFICATE_FILE_BYTES } from '../core/certificates/read.js';

/** The native open dialog for certificate files; the core imports what it returns. */
export function certificateFilePicker(window: () => BrowserWindow | null) {
  return async (): Promise<{ name: string; bytes: Buffer } | null> => {
    const options: Electron.OpenDialogOptions = {
      properties: ['openFile'],
      filters: [
        { name: 'Certificates', extensions: ['pem', 'crt', 'cer', 'der', 'p7b', 'p7c', 'p12', 'pfx', 'key'] },
        { name: 'All files', extensions: ['*'] },
      ],
    };
    const parent = window();
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    const path = result.canceled ? undefined : result.filePaths[0];
    if (!path) return null;
    // Checked before reading so a huge file picked by mistake is not loaded into memory.
    const size = (await stat(path)).size;
    if (size > MAX_CERTIFICATE_FILE_BYTES) {
      throw new CertificateError('too-large', `the file has ${size} bytes; certificate files are at most ${MAX_CERTIFICATE_FILE_BYTES}`);
    }
    return { name: basename(path), bytes: await readFile(path) };
  };
}
