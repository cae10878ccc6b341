import type { ApiHandlers } from '../../../shared/api.js';
import { normalizeMac } from '../discovery/fingerprint.js';
import type { Store } from '../store/index.js';
import { buildBundle } from './bundle.js';
import type { KeptBundles } from './kept-bundles.js';

/** Electron: the save dialog (adapters/); resolves to the chosen path, or null when cancelled. */
export type SaveBundle = (suggestedName: string, bytes: Uint8Array) => Promise<string | null>;

export interface DiagnosticsHandlerContext {
  store: Store;
  dataDir: string;
  now: () => number;
  appVersion: string;
  kept: KeptBundles;
  saveBundle?: SaveBundle;
}

/** Where browser mode fetches a bundle (GET, with the API token like every call). */
export const BUNDLE_DOWNLOAD_PATH = '/api/diagnostics.download';

class DiagnosticsRequestError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export function diagnosticsHandlers(ctx: DiagnosticsHandlerContext): Pick<ApiHandlers, 'diagnostics.bundle'> {
  return {
    'diagnostics.bundle': async ({ macs, from, to, logOnly }) => {
      if (from !== undefined && to !== undefined && from > to)
        throw new DiagnosticsRequestError(400, 'the time window ends before it starts');
      const targets = macs.map((raw) => {
        let mac: string;
        try {
          mac = normalizeMac(raw);
        } catch {
          throw new DiagnosticsRequestError(400, `"${raw.slice(0, 40)}" is not a MAC address`);
        }
        if (!ctx.store.phones.get(mac)) throw new DiagnosticsRequestError(404, `no phone with MAC ${mac}`);
        return mac;
      });
      const bundle = buildBundle(
        {
          macs: [...new Set(targets)],
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(logOnly ? { logOnly } : {}),
        },
        { store: ctx.store, dataDir: ctx.dataDir, now: ctx.now(), appVersion: ctx.appVersion },
      );
      const base = { name: bundle.name, size: bundle.bytes.length, contents: bundle.contents };
      if (ctx.saveBundle) {
        const saved = await ctx.saveBundle(bundle.name, bundle.bytes);
        return { ...base, url: null, savedTo: saved, cancelled: saved === null };
      }
      const id = ctx.kept.keep(bundle.name, bundle.bytes);
      return { ...base, url: `${BUNDLE_DOWNLOAD_PATH}?id=${id}`, savedTo: null, cancelled: false };
    },
  };
}
