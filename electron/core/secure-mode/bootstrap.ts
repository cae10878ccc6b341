import type { WpiItem } from '../../../shared/protocol.js';
import type { CertificateLibrary } from '../certificates/library.js';
import { buildPhonePkcs12 } from '../certificates/pkcs12.js';

/**
 * The items of one phone's bootstrap (wpi-protocol.md §9.13, p. 64): a new client certificate
 * from the local CA bound to `mac`, sent with its key and the CA as PKCS#12 in the conservative
 * phone format (`dls-client-certificate`'s encoding is undocumented; PKCS#12 like the WBM
 * certificate is assumed, DLS_CLIENT_CERTIFICATE_FORMAT), the CA as PEM, and the secure port.
 */
export const DLS_CLIENT_CERTIFICATE_FORMAT = 'pkcs12';

export async function bootstrapItems(library: CertificateLibrary, mac: string, securePort: number): Promise<WpiItem[]> {
  const ca = await library.localCa();
  const record = await library.issuePhoneCertificate(mac);
  const keyPem = library.privateKeyPem(record);
  if (!keyPem) throw new Error(`the client certificate of ${mac} has no key`);
  const caCerts = library.certificates(ca);
  return [
    { name: 'goto-secure-mode', value: 'nopin' },
    { name: 'dls-client-certificate', value: buildPhonePkcs12(keyPem, [...library.certificates(record), ...caCerts], `Phone ${mac}`) },
    { name: 'dls-server-ca', index: 0, value: caCerts.map((c) => c.toString().trim()).join('\n') },
    { name: 'dls-secure-port', value: String(securePort) },
  ];
}
