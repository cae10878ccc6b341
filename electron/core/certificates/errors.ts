/** Why an import or a certificate operation was refused; `code` lets the UI say it in the technician's language. */
export type CertificateErrorCode =
  | 'password-required'
  | 'wrong-password'
  | 'unreadable'
  | 'no-certificate'
  | 'key-mismatch'
  | 'too-large'
  | 'duplicate'
  | 'not-found'
  | 'protected'
  | 'no-dialog';

export class CertificateError extends Error {
  readonly statusCode: 400 | 404 | 409;
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificateError';
    this.statusCode = code === 'not-found' ? 404 : code === 'duplicate' ? 409 : 400;
  }
}
