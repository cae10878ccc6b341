/**
 * The renderer's Content-Security-Policy. It must stay identical to the `<meta>` in
 * renderer/index.html: the meta covers file:// loads in Electron, this constant is sent as a
 * header by the browser-mode UI API and by the Electron session for http(s) loads.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'";
