/**
 * `import 'fsim-gpu/vitest'` in Vitest browser mode (the package's "browser" export condition
 * picks this file): toBeSimilarImage over canvases, ImageData and image URLs
 * (src/testing/browser.ts). Its types are the Node entry's (src/testing/vitest.ts).
 */
import { expect } from 'vitest';
import { fsimBrowserMatchers } from './browser.js';

expect.extend(fsimBrowserMatchers as unknown as Parameters<typeof expect.extend>[0]);

export * from './browser.js';
