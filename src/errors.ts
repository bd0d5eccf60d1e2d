/** Errors a user can act on: a one-line message, a stable code and (for the CLI) an exit status. */
export type FsimErrorCode =
  | 'INPUT' // missing, unreadable, truncated or not an image
  | 'SIZE' // too small or too large
  | 'SIZE_MISMATCH' // two images (or a prepared one and the alignment target) of different sizes, with no resize to align them
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

/**
 * A user-supplied string (a file name, a URL) made safe for a one-line message: control
 * characters become escapes, and an empty string says so.
 */
export function printable(text: unknown): string {
  if (typeof text !== 'string') return `(${text === null ? 'null' : typeof text} path)`;
  if (text === '') return '(empty path)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
