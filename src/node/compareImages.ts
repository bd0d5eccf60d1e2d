/**
 * compareImages(a, b, options): one call from any two inputs — file paths, encoded bytes
 * (Buffer, Uint8Array) or decoded images — to the scores, the regions that differ most, and
 * (with diffPath or diffImage) a full-size diff image. It runs on the process's warm engine for
 * its engine options (src/node/sharedEngine.ts). The matchers (src/testing/), `fsim compare`
 * and `fsim serve` are built on it.
 */
import { writeFile } from 'node:fs/promises';
import type { AlignMode, AlignOption } from '../align.js';
import { alignImage } from '../align.js';
import { type DiffRegion, diffImage, differenceMap, diffRegions } from '../diff.js';
import { FsimError, printable } from '../errors.js';
import type { Fsim, FsimResult } from '../fsim.js';
import { type RasterImage, validateImage } from '../image.js';
import { alignOf, COMPARE_IMAGES_SPECS, resolveOptions } from '../optionTable.js';
import type { ScaleOption } from '../scale.js';
import { decodeFile, decodeImage } from './decode.js';
import type { EngineOptions, ResolvedEngine } from './engine.js';
import { prepareOutputFile } from './ensureDir.js';
import { encodePng } from './png.js';
import { sharedEngine } from './sharedEngine.js';
import { packageVersion } from './version.js';

/** A file path, the encoded bytes of an image, or a decoded image. */
export type ImageSource = string | Uint8Array | RasterImage;

export interface CompareImagesOptions extends EngineOptions {
  /** The verdict: similar when FSIMc ≥ minScore (default 0.66; FSIMc = FSIM for greyscale); `threshold` is its older name. */
  minScore?: number;
  threshold?: number;
  /** Downsampling: 'auto' (the reference's rule) or a forced F ≥ 1. */
  scale?: ScaleOption;
  /** Images of different sizes: resample the second to the first's size (FSIM_SPEC.md §8). */
  resize?: AlignMode;
  /** With resize: resample both to [width, height] instead. */
  size?: readonly [number, number];
  /** Regions to ignore: an image of the first image's size, black where ignored. */
  mask?: ImageSource;
  /** Write a full-size diff image (PNG) here: the first image dimmed, the differences in heat colours. */
  diffPath?: string;
  /**
   * With diffPath: write it 'always' (default), or only for the verdict a caller reports on —
   * 'dissimilar' or 'similar' (the test-suite matchers: their failing side).
   */
  diffWhen?: 'always' | 'dissimilar' | 'similar';
  /** Also return the diff image's PNG bytes (result.diffImage), whether or not it is written. */
  diffImage?: boolean;
  /** Also return the maps (as compare's `maps: true`). */
  maps?: boolean;
  /** Find the regions that differ most (also done with diffPath or maps). */
  regions?: boolean;
}

export interface CompareImagesResult extends FsimResult {
  /**
   * The regions that differ most, largest share first, in the first image's pixels (with
   * regions, diffPath or maps: they need the maps, which cost time on small images).
   */
  regions?: DiffRegion[];
  /** Where the diff image was written. */
  diffPath?: string;
  /** With diffImage: the diff image, PNG-encoded. */
  diffImage?: Uint8Array;
  /** This package's version. */
  version: string;
}

/** compareImages' options resolved by an entry point (src/optionTable.ts), frozen. */
export interface ResolvedCompareImages {
  readonly engine: ResolvedEngine;
  readonly minScore: number;
  readonly scale: ScaleOption;
  readonly align?: AlignOption;
  readonly mask?: ImageSource;
  readonly diffPath?: string;
  readonly diffWhen: 'always' | 'dissimilar' | 'similar';
  readonly diffImage?: boolean;
  readonly maps?: boolean;
  readonly regions?: boolean;
}

/** compareImages' options checked against the option table, once (`spelling`: as the caller wrote them). */
export function resolveCompareImagesOptions(
  options: object | undefined,
  what = 'compareImages',
  spelling: 'api' | 'flag' = 'api',
): ResolvedCompareImages {
  const o = resolveOptions(COMPARE_IMAGES_SPECS, options, what, spelling);
  return Object.freeze({
    engine: Object.freeze({ backend: o.backend, threads: o.threads, limits: o.limits }),
    minScore: o.minScore,
    scale: o.scale,
    align: alignOf(o, spelling),
    mask: o.mask as ImageSource | undefined,
    diffPath: o.diffPath,
    diffWhen: o.diffWhen,
    diffImage: o.diffImage,
    maps: o.maps,
    regions: o.regions,
  });
}

/** A decoded image from any source; `name` labels errors. */
export async function loadImage(source: ImageSource, name: string): Promise<RasterImage> {
  if (typeof source === 'string') return decodeFile(source);
  if (source instanceof Uint8Array) return decodeImage(source, name);
  if (source !== null && typeof source === 'object' && 'data' in source) return source;
  throw new FsimError('INPUT', `${name}: expected a file path, the encoded bytes (Buffer, Uint8Array) or a decoded image`);
}

export async function compareImages(a: ImageSource, b: ImageSource, options?: CompareImagesOptions): Promise<CompareImagesResult> {
  return compareImagesWith(a, b, resolveCompareImagesOptions(options));
}

/**
 * compareImages() for options resolved already (resolveCompareImagesOptions); `engine`: an
 * engine to run on instead of the shared one for options.engine.
 */
export async function compareImagesWith(
  a: ImageSource,
  b: ImageSource,
  options: ResolvedCompareImages,
  engine?: Fsim,
): Promise<CompareImagesResult> {
  const { align, diffWhen } = options;
  // A diff image that could not be written fails before any work; its folder is made.
  if (options.diffPath !== undefined) await prepareOutputFile(options.diffPath, 'diff image');
  const [first, second, mask] = await Promise.all([
    loadImage(a, typeof a === 'string' ? a : 'first image'),
    loadImage(b, typeof b === 'string' ? b : 'second image'),
    options.mask === undefined ? undefined : loadImage(options.mask, typeof options.mask === 'string' ? options.mask : 'mask'),
  ]);
  const wantMaps = options.maps === true || options.regions === true || options.diffPath !== undefined || options.diffImage === true;
  // Checked here, so that errors name the files.
  validateImage(first, typeof a === 'string' ? printable(a) : 'first image');
  validateImage(second, typeof b === 'string' ? printable(b) : 'second image');
  if (mask) validateImage(mask, typeof options.mask === 'string' ? printable(options.mask) : 'mask');
  const fsim = engine ?? (await sharedEngine(options.engine));
  const result = await fsim.compareWith(first, second, { scale: options.scale, minScore: options.minScore, align, mask, maps: wantMaps });
  const version = packageVersion();
  if (!wantMaps) return { ...result, version };
  const [rows, cols] = result.downsampled;
  const diff = differenceMap(result.maps!);
  const regions = diffRegions(diff, rows, cols, result.size, result.scale);
  let diffPath: string | undefined;
  let png: Uint8Array | undefined;
  const writeIt = options.diffPath !== undefined && (diffWhen === 'always' || (diffWhen === 'similar') === result.similar);
  if (writeIt || options.diffImage) {
    // The first image as compared (aligned only when it was resampled).
    const shown = result.resized?.reference ? alignImage(first, result.size, align!.mode).image : first;
    png = encodePng(result.size[1], result.size[0], 3, diffImage(shown, diff, rows, cols, result.scale));
  }
  if (writeIt && options.diffPath !== undefined) {
    try {
      await writeFile(options.diffPath, png!);
    } catch (error) {
      throw new FsimError(
        'INPUT',
        `${printable(options.diffPath)}: cannot write the diff image (${(error as Error).message.split('\n')[0]})`,
      );
    }
    diffPath = options.diffPath;
  }
  const { maps, ...rest } = result;
  return {
    ...rest,
    ...(options.maps ? { maps } : {}),
    regions,
    ...(diffPath ? { diffPath } : {}),
    ...(options.diffImage ? { diffImage: png } : {}),
    version,
  };
}
