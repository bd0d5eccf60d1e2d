/**
 * FSIM in test suites: matchers for Vitest and Jest (one implementation; `fsim-gpu/vitest` and
 * `fsim-gpu/jest` register it with expect.extend) and a page helper for Playwright or
 * Puppeteer. They tolerate rendering noise but catch structural change, and a failure says
 * both scores, the threshold, where the images differ most and where the diff image is.
 *
 *   await expect(actual).toBeSimilarImage(expected, { minScore: 0.95 });
 *   await expect(actual).toMatchImageBaseline('baselines/home.png');   // written on first run, -u rewrites
 *   await expect(page).toLookLike('baselines/home.png', { minScore: 0.98 });
 *
 * Images are file paths, encoded bytes (Buffer, Uint8Array), decoded images
 * ({ width, height, channels, data }) or ImageData-like objects ({ width, height, data } RGBA).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FsimError } from '../errors.js';
import { type RasterImage, validateImage } from '../image.js';
import {
  type CompareImagesOptions,
  compareImagesWith,
  type ImageSource,
  loadImage,
  type ResolvedCompareImages,
  resolveCompareImagesOptions,
} from '../node/compareImages.js';
import { encodePng } from '../node/png.js';
import { describeComparison } from './message.js';

export { describeComparison } from './message.js';

/**
 * An image source, or an ImageData-like { width, height, data } (RGBA, as canvases give).
 * Canvases are for the browser matcher (Vitest browser mode: src/testing/browser.ts).
 */
export type MatcherImage =
  | ImageSource
  | { width: number; height: number; data: Uint8ClampedArray | Uint8Array }
  | HTMLCanvasElement
  | OffscreenCanvas;

/** Options of every matcher: compareImages' (minScore, scale, resize, mask, backend, …). */
export type ImageMatcherOptions = Omit<CompareImagesOptions, 'maps' | 'mask' | 'diffWhen'> & { mask?: MatcherImage };

/** A page or element (locator) of Playwright or Puppeteer: anything that takes a PNG screenshot. */
export interface ScreenshotPage {
  // biome-ignore lint/suspicious/noExplicitAny: pages and locators take different screenshot options.
  screenshot(options?: any): Promise<Uint8Array>;
}

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** What expect.extend hands a matcher as `this` (the part used here). */
interface MatcherContext {
  isNot?: boolean;
  /** Vitest's and Jest's snapshot state: `_updateSnapshot` is 'all' under -u (private in their types). */
  snapshotState?: unknown;
}

function toSource(image: MatcherImage): ImageSource {
  if (typeof image === 'string' || image instanceof Uint8Array) return image;
  if (!('data' in image)) throw new FsimError('INPUT', 'canvases are compared in the browser (fsim-gpu/vitest in Vitest browser mode)');
  if (image !== null && typeof image === 'object' && 'data' in image && !('channels' in image)) {
    const { width, height, data } = image;
    if (data.length !== width * height * 4) throw new FsimError('INPUT', 'an image without channels must be RGBA (ImageData)');
    return { width, height, channels: 4, data } satisfies RasterImage;
  }
  return image as ImageSource;
}

function defaultDiffPath(): string {
  return join(tmpdir(), `fsim-diff-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.png`);
}

/** Compares once; the failing side of the verdict gets a diff image (its path in the message). */
async function judge(
  context: MatcherContext,
  actual: MatcherImage,
  expected: MatcherImage,
  options: ResolvedCompareImages,
  diffPath?: string,
): Promise<MatcherResult> {
  const isNot = context.isNot === true;
  const result = await compareImagesWith(toSource(expected), toSource(actual), {
    ...options,
    mask: options.mask === undefined ? undefined : toSource(options.mask as MatcherImage),
    diffPath: options.diffPath ?? diffPath ?? defaultDiffPath(),
    diffWhen: isNot ? 'similar' : 'dissimilar',
  });
  const pass = result.similar;
  return { pass, message: () => describeComparison(result, pass, isNot) };
}

/** A matcher's options checked once, at the door (src/optionTable.ts). */
const resolveMatcherOptions = (options: ImageMatcherOptions | undefined, what: string) =>
  resolveCompareImagesOptions(options as object | undefined, what);

/**
 * A new baseline: the image decoded first (a missing file, a corrupt or truncated one, or
 * anything that is not an image is refused with its own error, never stored), then written as
 * a real PNG whatever it came as: 8-bit grey or RGB (alpha dropped, 16-bit samples rounded).
 */
async function writeBaseline(path: string, source: ImageSource, name: string): Promise<void> {
  const { width, height, channels, data } = await loadImage(source, name);
  validateImage({ width, height, channels, data }, name);
  const out = channels === 1 ? 1 : 3;
  const samples = new Uint8Array(width * height * out);
  const scale = data instanceof Uint16Array ? 1 / 257 : 1;
  for (let p = 0; p < width * height; p++) for (let c = 0; c < out; c++) samples[p * out + c] = Math.round(data[p * channels + c] * scale);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng(width, height, out as 1 | 3, samples));
}

/**
 * Baseline matchers: write the baseline when it is missing or when the run updates snapshots
 * (Vitest's and Jest's -u; FSIM_UPDATE_BASELINES=1 for any runner, Playwright's included).
 */
async function againstBaseline(
  context: MatcherContext,
  actual: ImageSource,
  baselinePath: string,
  options?: ImageMatcherOptions,
): Promise<MatcherResult> {
  if (typeof baselinePath !== 'string' || baselinePath === '') throw new FsimError('USAGE', 'the baseline must be a file path');
  // The options are checked whether or not there is a baseline yet (the first run too).
  const resolved = resolveMatcherOptions(options, 'toMatchImageBaseline');
  const update =
    (context.snapshotState as { _updateSnapshot?: string } | undefined)?._updateSnapshot === 'all' ||
    process.env.FSIM_UPDATE_BASELINES === '1';
  if (update || !existsSync(baselinePath)) {
    await writeBaseline(baselinePath, actual, typeof actual === 'string' ? actual : 'received image');
    return { pass: !context.isNot, message: () => `baseline ${update ? 'updated' : 'written'}: ${baselinePath}` };
  }
  return judge(context, actual, baselinePath, resolved, baselinePath.replace(/(\.png)?$/i, '.diff.png'));
}

export const fsimMatchers = {
  /** received and expected are similar: FSIMc ≥ minScore. */
  async toBeSimilarImage(this: MatcherContext, received: MatcherImage, expected: MatcherImage, options?: ImageMatcherOptions) {
    return judge(this, received, expected, resolveMatcherOptions(options, 'toBeSimilarImage'));
  },

  /** received is similar to the baseline PNG at baselinePath (written if missing, rewritten under -u). */
  async toMatchImageBaseline(this: MatcherContext, received: MatcherImage, baselinePath: string, options?: ImageMatcherOptions) {
    return againstBaseline(this, toSource(received), baselinePath, options);
  },

  /** A Playwright or Puppeteer page's (or locator's) screenshot is similar to the baseline (written if missing). */
  async toLookLike(
    this: MatcherContext,
    page: ScreenshotPage,
    baselinePath: string,
    options?: ImageMatcherOptions & { fullPage?: boolean },
  ) {
    if (!page || typeof page.screenshot !== 'function') throw new FsimError('USAGE', 'toLookLike needs a page with screenshot()');
    const { fullPage, ...rest } = options ?? {};
    const shot = await page.screenshot(fullPage === undefined ? undefined : { fullPage });
    return againstBaseline(this, new Uint8Array(shot), baselinePath, rest);
  },
};

/** The same checks without a test framework: throws with the matcher's message when not similar. */
export async function assertSimilarImage(actual: MatcherImage, expected: MatcherImage, options?: ImageMatcherOptions): Promise<void> {
  const { pass, message } = await judge({}, actual, expected, resolveMatcherOptions(options, 'assertSimilarImage'));
  if (!pass) throw new Error(message());
}

export interface FsimMatchers<R = unknown> {
  toBeSimilarImage(expected: MatcherImage, options?: ImageMatcherOptions): Promise<R>;
  toMatchImageBaseline(baselinePath: string, options?: ImageMatcherOptions): Promise<R>;
  toLookLike(baselinePath: string, options?: ImageMatcherOptions & { fullPage?: boolean }): Promise<R>;
}
