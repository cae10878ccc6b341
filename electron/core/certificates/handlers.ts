import type { ApiHandlers } from '../../../shared/api.js';
import { CertificateError } from './errors.js';
import type { CertificateLibrary } from './library.js';

export type CertificateMethod =
  | 'certificates.list'
  | 'certificates.remove'
  | 'certificates.pick'
  | 'certificates.upload'
  | 'certificates.revoke'
  | 'certificates.localCa';

/** A file the technician chose in the native dialog, or null when the dialog was closed. */
export type PickCertificateFile = () => Promise<{ name: string; bytes: Buffer } | null>;

export interface CertificateHandlerContext {
  library: CertificateLibrary;
  /** Electron only; browser mode uploads instead. */
  pickFile?: PickCertificateFile;
}

export function certificateHandlers(ctx: CertificateHandlerContext): Pick<ApiHandlers, CertificateMethod> {
  const { library } = ctx;
  return {
    'certificates.list': async () => library.list(),
    'certificates.remove': async ({ id }) => ({ removed: library.remove(id) }),
    'certificates.pick': async ({ password }) => {
      if (!ctx.pickFile) throw new CertificateError('no-dialog', 'no file dialog in browser mode: upload the file instead');
      const file = await ctx.pickFile();
      if (!file) return { certificates: [], cancelled: true };
      return { certificates: library.import(file.bytes, file.name, password), cancelled: false };
    },
    'certificates.upload': async ({ name, password, contentBase64 }) => ({
      certificates: library.import(Buffer.from(contentBase64, 'base64'), name, password),
    }),
    'certificates.revoke': async ({ id }) => library.revoke(id),
    'certificates.localCa': async () => library.get((await library.localCa()).id),
  };
}
