/** Why a WBM session ended without its files; `message` is what the job's reason says. */
export type WbmFailureCode =
  | 'unreachable'
  | 'tls'
  | 'certificate-changed'
  | 'no-password'
  | 'wrong-password'
  | 'suspended'
  | 'layout'
  | 'no-files'
  | 'http-status'
  | 'too-slow'
  | 'too-big'
  | 'cancelled';

export class WbmFailure extends Error {
  constructor(
    readonly code: WbmFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'WbmFailure';
  }
}
