import { basename } from 'node:path';
import type { ApiHandlers, FileRefusalView } from '../../../shared/api.js';
import type { FileView } from '../../../shared/model.js';
import { FileRefusal } from '../files/checks.js';
import type { FileLibrary } from '../files/library.js';

export type FileMethod = 'files.list' | 'files.remove' | 'files.setKind' | 'files.pick';

export interface FileHandlerContext {
  library: FileLibrary;
  listFiles: () => FileView[];
  /** Electron: the open-file dialog in the main process; absent in browser mode (upload instead). */
  pickFiles?: () => Promise<string[]>;
}

class PickUnavailableError extends Error {
  readonly statusCode = 400;
}

export function createFileHandlers(ctx: FileHandlerContext): Pick<ApiHandlers, FileMethod> {
  const { library } = ctx;
  return {
    'files.list': async () => ctx.listFiles(),
    'files.remove': async ({ id }) => {
      await library.remove(id);
      return { removed: true };
    },
    'files.setKind': async ({ id, kind }) => library.view(await library.setKind(id, kind)),
    'files.pick': async ({ kind }) => {
      if (!ctx.pickFiles)
        throw new PickUnavailableError('files.pick needs the desktop app; in a browser, upload with POST /api/files.upload');
      const files: FileView[] = [];
      const refused: FileRefusalView[] = [];
      // One after another: a batch of firmware images must not read several hundred MB in parallel.
      for (const path of await ctx.pickFiles()) {
        try {
          files.push(library.view(await library.importPath(path, kind)));
        } catch (error) {
          if (!(error instanceof FileRefusal)) throw error;
          refused.push({ name: basename(path), rule: error.rule, message: error.message });
        }
      }
      return { files, refused };
    },
  };
}
