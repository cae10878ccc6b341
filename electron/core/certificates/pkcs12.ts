import type { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * The PKCS#12 Fieldstage sends to phones, built fresh rather than forwarding the customer's file
 * (research-notes §2.3): key in a pbeWithSHA1And3-KeyTripleDES-CBC shrouded bag, certificates
 * unencrypted, SHA-1 MAC, 2048 iterations. V3-era phones ship old embedded OpenSSL that may not
 * read OpenSSL 3's AES/PBKDF2 defaults.
 */

/**
 * No WPI item for a PKCS#12 password is documented and the guide's example sends none, so the
 * file is protected with the empty password (MAC over ""), which the UI states. Changing this
 * is a lab decision per firmware (research-notes §2.3).
 */
export const PHONE_PKCS12_PASSWORD = '';
export const PHONE_PKCS12_ITERATIONS = 2048;

/** Base64 of the DER, as the item text of `wbm-server-certificate` and `dls-client-certificate`. */
export function buildPhonePkcs12(keyPem: string, certificates: readonly X509Certificate[], friendlyName?: string): string {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certs = certificates.map((c) => forge.pki.certificateFromPem(c.toString()));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, PHONE_PKCS12_PASSWORD, {
    algorithm: '3des',
    count: PHONE_PKCS12_ITERATIONS,
    saltSize: 8,
    useMac: true,
    ...(friendlyName ? { friendlyName } : {}),
  });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}
