/**
 * `import 'fsim-gpu/vitest'` (e.g. in a setup file) adds toBeSimilarImage,
 * toMatchImageBaseline and toLookLike to Vitest's expect (src/testing/matchers.ts).
 */
import { expect } from 'vitest';
import { type FsimMatchers, fsimMatchers } from './matchers.js';

expect.extend(fsimMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: Vitest's own declaration of Matchers uses any.
  interface Matchers<T = any> extends FsimMatchers<T> {}
}

export * from './matchers.js';
