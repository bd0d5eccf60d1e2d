/**
 * The image matcher in a browser (Vitest browser mode): toBeSimilarImage over canvases,
 * ImageData, decoded images or image URLs, on WebGPU or the CPU path of fsim-gpu/browser.
 * A failure says both scores, the threshold and where the images differ most (no diff file:
 * a page cannot write one).
 */
import type { DiffRegion } from '../diff.js';
import type { AlignMode } from '../align.js';
import { createFsim, decodeUrl, differenceMap, diffRegions, type RasterImage } from '../browser/index.js';
import type { BackendKind } from '../engine.js';
import { FsimError } from '../errors.js';
import { alignOf, backend, mask, minScore, resize, resolveOptions, scale, size } from '../optionTable.js';
import type { ScaleOption } from '../scale.js';
import { describeComparison } from './message.js';

export interface BrowserImageMatcherOptions {
  /** Similar when FSIMc ≥ minScore (default 0.66); `threshold` is its older name. */
  minScore?: number;
  threshold?: number;
  scale?: ScaleOption;
  /** Images of different sizes: the received one resampled to the expected one's size (or to `size`, [width, height]). */
  resize?: AlignMode;
  size?: readonly [number, number];
  /** An image of the expected image's size, black where ignored. */
  mask?: BrowserImage;
  /** 'auto' (default: WebGPU on a hardware adapter, else the CPU), 'gpu' or 'cpu'. */
  backend?: BackendKind;
}

/** A canvas, ImageData, a decoded image or an image URL. */
export type BrowserImage = HTMLCanvasElement | OffscreenCanvas | ImageData | RasterImage | string;

async function toRaster(image: BrowserImage, name: string): Promise<RasterImage> {
  if (typeof image === 'string') return decodeUrl(image);
  if (typeof HTMLCanvasElement !== 'undefined' && image instanceof HTMLCanvasElement) return toRaster(canvasPixels(image, name), name);
  if (typeof OffscreenCanvas !== 'undefined' && image instanceof OffscreenCanvas) return toRaster(canvasPixels(image, name), name);
  if (typeof ImageData !== 'undefined' && image instanceof ImageData)
    return { width: image.width, height: image.height, channels: 4, data: image.data };
  if (image !== null && typeof image === 'object' && 'data' in image && 'channels' in image) return image;
  throw new FsimError('INPUT', `${name}: expected a canvas, ImageData, a decoded image or an image URL`);
}

function canvasPixels(canvas: HTMLCanvasElement | OffscreenCanvas, name: string): ImageData {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!context) throw new FsimError('INPUT', `${name}: a canvas without a 2-D context`);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The matcher's options (src/optionTable.ts). */
/** One warm engine per backend for the page's assertions (a GPU device and its pipelines are made once). */
const engines = new Map<string, ReturnType<typeof createFsim>>();
function pageEngine(kind: 'cpu' | 'gpu' | 'auto'): ReturnType<typeof createFsim> {
  let engine = engines.get(kind);
  if (!engine) {
    engine = createFsim({ backend: kind });
    engines.set(kind, engine);
    engine.catch(() => engines.delete(kind));
  }
  return engine;
}

const MATCHER_SPECS = [minScore, scale, resize, size, mask, backend] as const;

export const fsimBrowserMatchers = {
  async toBeSimilarImage(
    this: { isNot?: boolean },
    received: BrowserImage,
    expected: BrowserImage,
    options: BrowserImageMatcherOptions = {},
  ) {
    const o = resolveOptions(MATCHER_SPECS, options, 'toBeSimilarImage');
    const [reference, candidate, maskImage] = await Promise.all([
      toRaster(expected, 'expected'),
      toRaster(received, 'received'),
      o.mask === undefined ? undefined : toRaster(o.mask as BrowserImage, 'mask'),
    ]);
    const engine = await pageEngine(o.backend);
    const r = await engine.compareWith(reference, candidate, {
      scale: o.scale,
      minScore: o.minScore,
      align: alignOf(o),
      mask: maskImage,
      maps: true,
    });
    const regions: DiffRegion[] = diffRegions(differenceMap(r.maps!), r.downsampled[0], r.downsampled[1], r.size, r.scale);
    const pass = r.similar;
    const isNot = this.isNot === true;
    return { pass, message: () => describeComparison({ ...r, regions }, pass, isNot) };
  },
};

export interface FsimBrowserMatchers<R = unknown> {
  toBeSimilarImage(expected: BrowserImage, options?: BrowserImageMatcherOptions): Promise<R>;
}
