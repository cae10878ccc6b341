import type { CertificateDeployment, InfoComparison } from '../../../shared/certificates.js';

/**
 * The shortest run of hex digits that counts as a serial: shorter runs turn up by chance in
 * dates and names. Issued serials are 32 digits, customer ones usually 16 or more.
 */
export const MIN_COMPARABLE_SERIAL_DIGITS = 8;

/**
 * Compares the phone's `…-info` answer with what was sent. Its format is undocumented (guide p61
 * unread), so only facts that identify one certificate whatever the layout count: the SHA-256 or
 * SHA-1 fingerprint or the serial as hex, with or without separators, in any case. Anything else
 * the phone says is shown raw and called not comparable, never "different".
 */
export function compareInfo(reported: string | null, sent: CertificateDeployment): InfoComparison {
  if (reported === null) return 'not-read';
  const text = reported.trim();
  if (!text) return 'nothing-reported';
  const hex = text.replace(/[:\s-]/g, '').toUpperCase();
  const serial = sent.serial.replace(/^0+/, '');
  const found =
    hex.includes(sent.sha256.replace(/:/g, '')) ||
    hex.includes(sent.sha1.replace(/:/g, '')) ||
    (serial.length >= MIN_COMPARABLE_SERIAL_DIGITS && hex.includes(serial));
  return found ? 'matches' : 'not-comparable';
}
