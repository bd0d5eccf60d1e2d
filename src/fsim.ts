/**
 * The FSIM / FSIMc pipeline on any backend, top-down:
 *   decode (caller) → colour → downsample → FFT → log-Gabor bank → phase congruency
 *   → gradients (all in backend.prepare, once per image) → pooling (backend.pool, per pair).
 * Preparing is the expensive part, so an image compared with many others is prepared once.
 */
import type { Backend, Pooling, PreparedImage, Progress, SimilarityMaps, StageTimings } from './backend.js';
import { DEFAULT_THRESHOLD } from './constants.js';
import { FsimError } from './errors.js';
import { validateImage, type RasterImage } from './image.js';
import { checkBoolean, checkFraction, checkFunction, checkInteger, checkOptions } from './options.js';
import { scaleFactor, type ScaleOption } from './scale.js';

export interface PrepareOptions {
  /** 'auto' (the reference: F = max(1, round(min(H, W)/256))) or a forced integer F ≥ 1. */
  scale?: ScaleOption;
  /** Called as the work advances (0..1 per image prepared). */
  progress?: Progress;
}

export interface CompareOptions extends PrepareOptions {
  /** Verdict threshold on FSIMc (equal to FSIM for greyscale); default DEFAULT_THRESHOLD. */
  threshold?: number;
  /** Also return the maps (PC, GM of each image and S_L·PCm) as Float32Arrays. */
  maps?: boolean;
}

export interface FsimResult {
  fsim: number;
  fsimc: number;
  /** fsimc ≥ threshold. */
  similar: boolean;
  threshold: number;
  /** The downsampling factor F used. */
  scale: number;
  size: [number, number];
  downsampled: [number, number];
  backend: string;
  /** 'uniform' when neither image has any phase congruency (flat images): see README. */
  pooling: Pooling;
  /** Whether either image has colour (otherwise FSIMc = FSIM). */
  colour: boolean;
  timings: StageTimings;
  maps?: SimilarityMaps;
}

export type ImageInput = RasterImage | PreparedImage;

export function isPrepared(x: ImageInput): x is PreparedImage {
  return x !== null && typeof x === 'object' && typeof (x as PreparedImage).release === 'function';
}

export function checkThreshold(threshold: unknown): number {
  return checkFraction('threshold', threshold);
}

const PREPARE_OPTIONS = ['scale', 'progress'] as const;
export const COMPARE_OPTIONS = [...PREPARE_OPTIONS, 'threshold', 'maps'] as const;

/** Every prepare option checked, by name; `what` names the call in messages. */
export function checkPrepareOptions(options: PrepareOptions | undefined, what = 'prepare', allowed: readonly string[] = PREPARE_OPTIONS): PrepareOptions {
  const checked = checkOptions(options, allowed, what);
  if (checked.scale !== undefined && checked.scale !== 'auto') checkInteger('scale', checked.scale, 1, Number.MAX_SAFE_INTEGER);
  if (checked.progress !== undefined) checkFunction('progress', checked.progress);
  return checked;
}

export function checkCompareOptions(options: CompareOptions | undefined, what = 'compare', allowed: readonly string[] = COMPARE_OPTIONS): CompareOptions {
  const checked: CompareOptions = checkPrepareOptions(options, what, allowed);
  if (checked.threshold !== undefined) checkThreshold(checked.threshold);
  if (checked.maps !== undefined) checkBoolean('maps', checked.maps);
  return checked;
}

export class Fsim {
  private disposed = false;

  constructor(readonly backend: Backend) {}

  private checkLive(): void {
    if (this.disposed) throw new FsimError('USAGE', 'the engine was disposed; create a new one');
  }

  /** Everything about one image that does not depend on the other: reuse it across comparisons. */
  async prepare(image: RasterImage, options?: PrepareOptions, name = 'image'): Promise<PreparedImage> {
    this.checkLive();
    // Compare options are accepted (and checked) too: a CompareOptions object is a PrepareOptions.
    const checked = checkCompareOptions(options, 'prepare');
    validateImage(image, name);
    return this.prepareValid(image, checked);
  }

  private prepareValid(image: RasterImage, options: PrepareOptions): Promise<PreparedImage> {
    const factor = scaleFactor(image.height, image.width, options.scale ?? 'auto');
    return this.backend.prepare(image, factor, options.progress);
  }

  async compare(ref: ImageInput, dist: ImageInput, options?: CompareOptions): Promise<FsimResult> {
    this.checkLive();
    options = checkCompareOptions(options);
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    const started = performance.now();
    if (!isPrepared(ref)) validateImage(ref, 'reference');
    if (!isPrepared(dist)) validateImage(dist, 'distorted');
    // The one size check of every comparison (ranking relies on it), before any preparing.
    const sizeOf = (x: ImageInput): readonly [number, number] => (isPrepared(x) ? x.size : [x.height, x.width]);
    const [rs, ds] = [sizeOf(ref), sizeOf(dist)];
    if (rs[0] !== ds[0] || rs[1] !== ds[1]) {
      throw new FsimError('SIZE', `size ${ds[1]}×${ds[0]} differs from the reference ${rs[1]}×${rs[0]}`);
    }
    // Images prepared here are released here (their GPU maps go back to the pool); prepared
    // inputs stay the caller's.
    const settled = await Promise.allSettled([
      isPrepared(ref) ? ref : this.prepareValid(ref, options),
      isPrepared(dist) ? dist : this.prepareValid(dist, options),
    ]);
    const owned = settled.flatMap((s, k) => (s.status === 'fulfilled' && !isPrepared(k === 0 ? ref : dist) ? [s.value] : []));
    try {
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<PreparedImage>).value);
      if (a.factor !== b.factor) throw new FsimError('USAGE', `images prepared at different scales (${a.factor} and ${b.factor})`);
      const pooled = await this.backend.pool(a, b, options.maps ?? false);
      const timings = sumTimings(isPrepared(ref) ? undefined : a.timings, isPrepared(dist) ? undefined : b.timings, pooled.timings);
      timings.total = performance.now() - started;
      if (!Number.isFinite(pooled.fsim) || !Number.isFinite(pooled.fsimc)) {
        throw new Error(`internal error: non-finite score (fsim ${pooled.fsim}, fsimc ${pooled.fsimc})`);
      }
      return {
        fsim: pooled.fsim,
        fsimc: pooled.fsimc,
        similar: pooled.fsimc >= threshold,
        threshold,
        scale: a.factor,
        size: [a.size[0], a.size[1]],
        downsampled: [a.downsampled[0], a.downsampled[1]],
        backend: this.backend.name,
        pooling: pooled.pooling,
        colour: a.colour || b.colour,
        timings,
        ...(pooled.maps ? { maps: pooled.maps } : {}),
      };
    } finally {
      for (const image of owned) image.release();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.backend.dispose();
  }
}

function sumTimings(...parts: (StageTimings | undefined)[]): StageTimings {
  const out: StageTimings = {};
  for (const part of parts) {
    if (!part) continue;
    for (const [k, v] of Object.entries(part) as [keyof StageTimings, number][]) out[k] = (out[k] ?? 0) + v;
  }
  return out;
}
