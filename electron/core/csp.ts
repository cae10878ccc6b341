/**
 * The renderer's Content-Security-Policy: nothing is allowed unless the renderer needs it.
 * Scripts, styles and API calls come from the app itself; styles also inline (Mantine sets
 * style attributes and injects its CSS variables as a <style> element); images from the app and
 * `data:` (the empty favicon, Mantine's inline SVG glyphs). No plugins, frames, forms posting
 * anywhere, or <base> redirecting relative URLs.
 */
const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Directives a browser ignores (with a console warning) when they come from a <meta>. */
const HEADER_ONLY = new Set(['frame-ancestors']);

const join = (directives: readonly (readonly [string, string])[]): string =>
  directives.map(([name, sources]) => `${name} ${sources}`).join('; ');

/** Sent as a header by the browser-mode UI API and by the Electron session for http(s) loads. */
export const CONTENT_SECURITY_POLICY = join(DIRECTIVES);

/**
 * The same policy without header-only directives: the `<meta>` in renderer/index.html, which
 * covers file:// loads in Electron, must carry exactly this.
 */
export const META_CONTENT_SECURITY_POLICY = join(DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)));
