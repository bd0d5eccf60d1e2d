/**
 * compareImages(a, b, options): one call from any two inputs — file paths, encoded bytes
 * (Buffer, Uint8Array) or decoded images — to the scores, the regions that differ most, and
 * (with diffPath) a full-size diff image. It owns its engine: created, used once, disposed.
 * The matchers (src/testing/) and `fsim compare --diff` are built on it.
 */
import { writeFile } from 'node:fs/promises';
import { type DiffRegion, diffImage, differenceMap, diffRegions } from '../diff.js';
import { FsimError, printable } from '../errors.js';
import { checkThreshold, type FsimResult } from '../fsim.js';
import { alignImage, checkAlign } from '../align.js';
import { type RasterImage, validateImage } from '../image.js';
import { checkBoolean, checkOneOf, checkOptions } from '../options.js';
import { decodeFile, decodeImage } from './decode.js';
import { checkEngineOptions, createFsim, ENGINE_OPTIONS, type EngineOptions } from './engine.js';
import { encodePng } from './png.js';
import { packageVersion } from './version.js';
import type { ScaleOption } from '../scale.js';

/** A file path, the encoded bytes of an image, or a decoded image. */
export type ImageSource = string | Uint8Array | RasterImage;

export interface CompareImagesOptions extends EngineOptions {
  /** The verdict: similar when FSIMc ≥ minScore (default 0.66; FSIMc = FSIM for greyscale). */
  minScore?: number;
  /** Downsampling: 'auto' (the reference's rule) or a forced F ≥ 1. */
  scale?: ScaleOption;
  /** Images of different sizes: resample the second to the first's size (FSIM_SPEC.md §8). */
  resize?: 'stretch' | 'cover';
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
  /** Also return the maps (as compare's `maps: true`). */
  maps?: boolean;
  /** Find the regions that differ most (also done with diffPath or maps). */
  regions?: boolean;
}

export interface CompareImagesResult extends FsimResult {
  /** The options' minScore (the verdict's threshold). */
  minScore: number;
  /**
   * The regions that differ most, largest share first, in the first image's pixels (with
   * regions, diffPath or maps: they need the maps, which cost time on small images).
   */
  regions?: DiffRegion[];
  /** Where the diff image was written. */
  diffPath?: string;
  /** This package's version. */
  version: string;
}

const OPTIONS = [...ENGINE_OPTIONS, 'minScore', 'scale', 'resize', 'size', 'mask', 'diffPath', 'diffWhen', 'maps', 'regions'] as const;

/** A decoded image from any source; `name` labels errors. */
export async function loadImage(source: ImageSource, name: string): Promise<RasterImage> {
  if (typeof source === 'string') return decodeFile(source);
  if (source instanceof Uint8Array) return decodeImage(source, name);
  if (source !== null && typeof source === 'object' && 'data' in source) return source;
  throw new FsimError('INPUT', `${name}: expected a file path, the encoded bytes (Buffer, Uint8Array) or a decoded image`);
}

export async function compareImages(a: ImageSource, b: ImageSource, options?: CompareImagesOptions): Promise<CompareImagesResult> {
  const checked = checkOptions(options, OPTIONS, 'compareImages');
  const { backend, threads, limits } = checkEngineOptions(
    { backend: checked.backend, threads: checked.threads, limits: checked.limits },
    'compareImages',
  );
  const minScore = checked.minScore === undefined ? undefined : checkThreshold(checked.minScore);
  if (checked.resize !== undefined) checkOneOf('resize', checked.resize, ['stretch', 'cover'] as const);
  if (checked.size !== undefined && checked.resize === undefined) throw new FsimError('USAGE', 'size goes with resize');
  const align = checked.resize
    ? { mode: checked.resize, ...(checked.size ? { size: [checked.size[1], checked.size[0]] as [number, number] } : {}) }
    : undefined;
  if (align) checkAlign(align);
  if (checked.diffPath !== undefined && (typeof checked.diffPath !== 'string' || checked.diffPath === '')) {
    throw new FsimError('USAGE', 'diffPath must be a file path');
  }
  const diffWhen =
    checked.diffWhen === undefined ? 'always' : checkOneOf('diffWhen', checked.diffWhen, ['always', 'dissimilar', 'similar'] as const);
  const [first, second, mask] = await Promise.all([
    loadImage(a, typeof a === 'string' ? a : 'first image'),
    loadImage(b, typeof b === 'string' ? b : 'second image'),
    checked.mask === undefined ? undefined : loadImage(checked.mask, typeof checked.mask === 'string' ? checked.mask : 'mask'),
  ]);
  if (checked.maps !== undefined) checkBoolean('maps', checked.maps);
  if (checked.regions !== undefined) checkBoolean('regions', checked.regions);
  const wantMaps = checked.maps === true || checked.regions === true || checked.diffPath !== undefined;
  // Checked here, so that errors name the files.
  validateImage(first, typeof a === 'string' ? printable(a) : 'first image');
  validateImage(second, typeof b === 'string' ? printable(b) : 'second image');
  const engine = await createFsim({ backend, threads, limits });
  let result: FsimResult;
  try {
    result = await engine.compare(first, second, {
      scale: checked.scale,
      threshold: minScore,
      align,
      mask,
      maps: wantMaps,
    });
  } finally {
    await engine.dispose();
  }
  const version = packageVersion();
  if (!wantMaps) return { ...result, minScore: result.threshold, version };
  const [rows, cols] = result.downsampled;
  const diff = differenceMap(result.maps!);
  const regions = diffRegions(diff, rows, cols, result.size, result.scale);
  let diffPath: string | undefined;
  if (checked.diffPath !== undefined && (diffWhen === 'always' || (diffWhen === 'similar') === result.similar)) {
    // The first image as compared (aligned only when it was resampled).
    const shown = result.resized?.reference ? alignImage(first, result.size, align!.mode).image : first;
    const pixels = diffImage(shown, diff, rows, cols, result.scale);
    try {
      await writeFile(checked.diffPath, encodePng(result.size[1], result.size[0], 3, pixels));
    } catch (error) {
      throw new FsimError(
        'INPUT',
        `${printable(checked.diffPath)}: cannot write the diff image (${(error as Error).message.split('\n')[0]})`,
      );
    }
    diffPath = checked.diffPath;
  }
  const { maps, ...rest } = result;
  return {
    ...rest,
    ...(checked.maps ? { maps } : {}),
    minScore: result.threshold,
    regions,
    ...(diffPath ? { diffPath } : {}),
    version,
  };
}
