/** Errors a user can act on: a one-line message, a stable code and (for the CLI) an exit status. */
export type FsimErrorCode =
  | 'INPUT' // missing, unreadable, truncated or not an image
  | 'SIZE' // mismatched, too small or too large
  | 'USAGE' // bad options
  | 'BACKEND' // the requested backend is not available
  | 'CANCELLED';

export class FsimError extends Error {
  readonly code: FsimErrorCode;
  constructor(code: FsimErrorCode, message: string) {
    super(message);
    this.name = 'FsimError';
    this.code = code;
  }
}
