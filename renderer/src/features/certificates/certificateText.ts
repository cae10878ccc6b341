import type { CertificateOrigin, CertificateWarning } from '../../../../shared/certificates.js';
import type { MessageKey, Translate } from '../../i18n/index.js';

export const ORIGIN_LABEL: Record<CertificateOrigin, MessageKey> = {
  imported: 'certificates.origin.imported',
  'local-ca': 'certificates.origin.localCa',
  'secure-server': 'certificates.origin.secureServer',
  'phone-client': 'certificates.origin.phoneClient',
};

const WARNING_TEXT: Record<CertificateWarning['code'], MessageKey> = {
  expired: 'certificates.warning.expired',
  'expires-soon': 'certificates.warning.expiresSoon',
  'not-yet-valid': 'certificates.warning.notYetValid',
  'weak-key': 'certificates.warning.weakKey',
  'large-der': 'certificates.warning.largeDer',
  'chain-incomplete': 'certificates.warning.chainIncomplete',
  'wrong-eku': 'certificates.warning.wrongEku',
  'not-ca': 'certificates.warning.notCa',
  'no-key': 'certificates.warning.noKey',
};

/** One warning in the technician's language; the chain position is named when it is not the leaf. */
export function warningText(t: Translate, warning: CertificateWarning): string {
  const text = t(WARNING_TEXT[warning.code], { value: warning.value ?? '' });
  return warning.position > 0 ? `${text} (${t('certificates.chainPosition', { position: warning.position })})` : text;
}
