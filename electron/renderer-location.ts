import { pathToFileURL } from 'node:url';

/**
 * Where the app's own renderer lives. IPC sender checks and the navigation guard both ask
 * "is this URL our renderer?", so the answer is computed in one place (and without importing
 * electron, so it is unit-testable).
 */
export type RendererLocation = { kind: 'file'; file: string; url: string } | { kind: 'dev'; url: string; origin: string };

/** `devUrl` is electron-vite's ELECTRON_RENDERER_URL; pass it only for unpackaged runs. */
export function rendererLocation(indexFile: string, devUrl: string | undefined): RendererLocation {
  if (devUrl) {
    const parsed = new URL(devUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`ELECTRON_RENDERER_URL must be http(s), got ${devUrl}`);
    }
    return { kind: 'dev', url: parsed.href, origin: parsed.origin };
  }
  return { kind: 'file', file: indexFile, url: pathToFileURL(indexFile).href };
}

/** True for the renderer page itself (any hash or query), false for every other document. */
export function isRendererUrl(location: RendererLocation, candidate: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return false;
  }
  if (location.kind === 'dev') return parsed.origin === location.origin;
  parsed.hash = '';
  parsed.search = '';
  return parsed.href === location.url;
}
