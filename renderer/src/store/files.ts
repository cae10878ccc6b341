import type { FileRefusalView } from '../../../shared/api.js';
import type { FileDownloadView, FileKind, FileView } from '../../../shared/model.js';
import { describeError } from '../api/errors.js';
import type { SliceCreator } from './types.js';

/** Finished downloads kept per file for the screen; the full log stays in the main process. */
const DOWNLOADS_KEPT_PER_FILE = 200;

export interface FilesSlice {
  files: Record<string, FileView>;
  /** By file id, then download id: live progress of phones fetching from the file server. */
  downloads: Record<string, Record<string, FileDownloadView>>;
  /** The latest download through each job's URL: the progress a deployment job shows. */
  jobDownloads: Record<string, FileDownloadView>;
  /** Whether files can be imported by upload (browser mode) or by the main-process dialog (Electron). */
  canUpload: boolean;
  loadFiles(): Promise<void>;
  upsertFile(file: FileView): void;
  forgetFile(id: string): void;
  recordDownload(download: FileDownloadView): void;
  /** Uploads one after another; returns what was refused and why. */
  uploadFiles(files: { blob: Blob; name: string }[]): Promise<FileRefusalView[]>;
  pickFiles(kind?: FileKind): Promise<FileRefusalView[]>;
  removeFile(id: string): Promise<void>;
  setFileKind(id: string, kind: FileKind): Promise<void>;
}

export const createFilesSlice: SliceCreator<FilesSlice> = (api) => (set, get) => ({
  files: {},
  downloads: {},
  jobDownloads: {},
  canUpload: typeof api.upload === 'function',

  async loadFiles() {
    const list = await api.call('files.list', {});
    set({ files: Object.fromEntries(list.map((file) => [file.id, file])) });
  },

  upsertFile(file) {
    set((state) => ({ files: { ...state.files, [file.id]: file } }));
  },

  forgetFile(id) {
    set((state) => {
      const files = { ...state.files };
      delete files[id];
      return { files };
    });
  },

  recordDownload(download) {
    set((state) => {
      const forFile = { ...(state.downloads[download.fileId] ?? {}), [download.id]: download };
      const ids = Object.keys(forFile);
      if (ids.length > DOWNLOADS_KEPT_PER_FILE) {
        const oldestFinished = ids.find((id) => forFile[id]?.state !== 'running');
        if (oldestFinished) delete forFile[oldestFinished];
      }
      const jobDownloads = download.jobId === undefined ? state.jobDownloads : { ...state.jobDownloads, [download.jobId]: download };
      return { downloads: { ...state.downloads, [download.fileId]: forFile }, jobDownloads };
    });
  },

  async uploadFiles(files) {
    const refused: FileRefusalView[] = [];
    if (!api.upload) return files.map((f) => ({ name: f.name, rule: 'no-upload', message: 'Use Import in the desktop app.' }));
    for (const { blob, name } of files) {
      try {
        get().upsertFile(await api.upload(blob, name));
      } catch (error) {
        refused.push({ name, rule: 'refused', message: describeError(error) });
      }
    }
    return refused;
  },

  async pickFiles(kind) {
    const { files, refused } = await api.call('files.pick', kind ? { kind } : {});
    for (const file of files) get().upsertFile(file);
    return refused;
  },

  async removeFile(id) {
    await api.call('files.remove', { id });
    get().forgetFile(id);
  },

  async setFileKind(id, kind) {
    get().upsertFile(await api.call('files.setKind', { id, kind }));
  },
});
