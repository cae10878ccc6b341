/** Why a phone message could not be understood. `code` is stable for logs and tests. */
export type WpiParseErrorCode =
  | 'doctype'
  | 'encoding'
  | 'not-well-formed'
  | 'wrong-root'
  | 'no-message'
  | 'missing-nonce'
  | 'unknown-reason'
  | 'unknown-action'
  | 'bad-attribute'
  | 'bad-item';

export class WpiParseError extends Error {
  constructor(
    readonly code: WpiParseErrorCode,
    message: string,
    /** The nonce, when it could be read before the error: a CleanUp can still echo it. */
    readonly nonce?: string,
  ) {
    super(message);
    this.name = 'WpiParseError';
  }
}

/** A value that cannot go to a phone as it is; raised before anything is sent. */
export class UnsendableItemError extends Error {
  constructor(
    readonly itemName: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnsendableItemError';
  }
}
