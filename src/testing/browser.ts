/**
 * The image matcher in a browser (Vitest browser mode): toBeSimilarImage over canvases,
 * ImageData, decoded images or image URLs, on WebGPU or the CPU path of fsim-gpu/browser.
 * A failure says both scores, the threshold and where the images differ most (no diff file:
 * a page cannot write one).
 */
import type { DiffRegion } from '../diff.js';
import { createFsim, decodeUrl, differenceMap, diffRegions, type RasterImage } from '../browser/index.js';
import type { BackendKind } from '../engine.js';
import { FsimError } from '../errors.js';
import type { ScaleOption } from '../scale.js';
import { describeComparison } from './message.js';

export interface BrowserImageMatcherOptions {
  /** Similar when FSIMc ≥ minScore (default 0.66). */
  minScore?: number;
  scale?: ScaleOption;
  resize?: 'stretch' | 'cover';
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

export const fsimBrowserMatchers = {
  async toBeSimilarImage(
    this: { isNot?: boolean },
    received: BrowserImage,
    expected: BrowserImage,
    options: BrowserImageMatcherOptions = {},
  ) {
    const [reference, candidate, mask] = await Promise.all([
      toRaster(expected, 'expected'),
      toRaster(received, 'received'),
      options.mask === undefined ? undefined : toRaster(options.mask, 'mask'),
    ]);
    const engine = await createFsim({ backend: options.backend ?? 'auto' });
    try {
      const r = await engine.compare(reference, candidate, {
        scale: options.scale,
        threshold: options.minScore,
        align: options.resize ? { mode: options.resize } : undefined,
        mask,
        maps: true,
      });
      const regions: DiffRegion[] = diffRegions(differenceMap(r.maps!), r.downsampled[0], r.downsampled[1], r.size, r.scale);
      const pass = r.similar;
      const isNot = this.isNot === true;
      return { pass, message: () => describeComparison({ ...r, minScore: r.threshold, regions }, pass, isNot) };
    } finally {
      await engine.dispose();
    }
  },
};

export interface FsimBrowserMatchers<R = unknown> {
  toBeSimilarImage(expected: BrowserImage, options?: BrowserImageMatcherOptions): Promise<R>;
}
