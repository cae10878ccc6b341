import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRendererUrl, rendererLocation } from '../../electron/renderer-location.js';

// Decides which frames may call the IPC API and where the window may navigate.

describe('rendererLocation / isRendererUrl', () => {
  const indexFile = '/opt/Fieldstage/resources/app.asar/dist/renderer/index.html';
  const fileUrl = pathToFileURL(indexFile).href;

  it('accepts the packaged index.html with any hash or query, nothing else on file://', () => {
    const location = rendererLocation(indexFile, undefined);
    expect(location).toEqual({ kind: 'file', file: indexFile, url: fileUrl });
    expect(isRendererUrl(location, fileUrl)).toBe(true);
    expect(isRendererUrl(location, `${fileUrl}#/phones`)).toBe(true);
    expect(isRendererUrl(location, `${fileUrl}?x=1`)).toBe(true);
    expect(isRendererUrl(location, 'file:///opt/Fieldstage/resources/app.asar/dist/renderer/other.html')).toBe(false);
    expect(isRendererUrl(location, 'file:///etc/passwd')).toBe(false);
    expect(isRendererUrl(location, 'https://example.com/')).toBe(false);
    expect(isRendererUrl(location, '')).toBe(false);
    expect(isRendererUrl(location, 'not a url')).toBe(false);
  });

  it('accepts only the dev server origin in development', () => {
    const location = rendererLocation(indexFile, 'http://localhost:5173');
    expect(location).toEqual({ kind: 'dev', url: 'http://localhost:5173/', origin: 'http://localhost:5173' });
    expect(isRendererUrl(location, 'http://localhost:5173/#/jobs')).toBe(true);
    expect(isRendererUrl(location, 'http://localhost:5174/')).toBe(false);
    expect(isRendererUrl(location, 'http://localhost.evil.example:5173/')).toBe(false);
    expect(isRendererUrl(location, fileUrl)).toBe(false);
  });

  it('refuses a dev URL that is not http(s)', () => {
    expect(() => rendererLocation(indexFile, 'file:///tmp/index.html')).toThrow(/must be http/);
  });
});
