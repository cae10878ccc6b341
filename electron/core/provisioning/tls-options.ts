import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * Cipher/protocol settings in one place. Old V1/V2 phones may only speak TLS 1.0 with old
 * ciphers (wpi-protocol.md §3.6); `legacy` re-enables them. Note: inside Electron, TLS runs
 * on BoringSSL, where `@SECLEVEL` is unknown; this must be smoke-tested with real phones.
 */
export function phoneTlsOptions(key: string, cert: string, legacy: boolean): TlsOptions & SecureContextOptions {
  if (!legacy) return { key, cert, minVersion: 'TLSv1.2' };
  return { key, cert, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };
}
