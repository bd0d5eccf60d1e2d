/**
 * Validation of every option the API takes, up front, with an FsimError('USAGE') that names
 * the option: a wrong option is a clear error, never a hang, a silent default or a crash.
 */
import { FsimError } from './errors.js';

export const describeValue = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : typeof value === 'function' ? 'a function' : Array.isArray(value) ? 'an array' : String(value);

/** The options object itself: undefined means none; anything but a plain object is an error; unknown names too. */
export function checkOptions<T extends object>(options: T | undefined, allowed: readonly string[], what: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FsimError('USAGE', `${what} options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new FsimError('USAGE', `unknown ${what} option '${key}' (known: ${allowed.join(', ')})`);
  }
  return options;
}

export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FsimError('USAGE', `${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const choices = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
    throw new FsimError('USAGE', `${name} must be ${choices}, got ${describeValue(value)}`);
  }
  return value as T;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new FsimError('USAGE', `${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

export function checkFunction<T>(name: string, value: T): T {
  if (typeof value !== 'function') throw new FsimError('USAGE', `${name} must be a function, got ${describeValue(value)}`);
  return value;
}

export function checkSignal(name: string, value: unknown): AbortSignal {
  const signal = value as AbortSignal;
  if (
    signal === null ||
    typeof signal !== 'object' ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function'
  ) {
    throw new FsimError('USAGE', `${name} must be an AbortSignal, got ${describeValue(value)}`);
  }
  return signal;
}

/** A number in [0, 1] (a threshold). */
export function checkFraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FsimError('USAGE', `${name} must be a number in [0, 1], got ${describeValue(value)}`);
  }
  return value;
}
