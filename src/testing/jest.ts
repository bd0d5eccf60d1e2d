/**
 * `fsim-gpu/jest` in Jest's setupFilesAfterEnv adds toBeSimilarImage, toMatchImageBaseline
 * and toLookLike to Jest's global expect (src/testing/matchers.ts). Jest's usual CommonJS
 * setup require()s it: the package's `require` condition gives it as one CommonJS file
 * (dist/src/node/jest.cjs, scripts/bundle.mjs).
 */
import { type FsimMatchers, fsimMatchers } from './matchers.js';

const jestExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof jestExpect?.extend !== 'function') throw new Error("fsim-gpu/jest: no global expect; import it from Jest's setup files");
jestExpect.extend(fsimMatchers);

declare global {
  namespace jest {
    interface Matchers<R> extends FsimMatchers<R> {}
  }
}

export * from './matchers.js';
