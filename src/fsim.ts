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

function isPrepared(x: ImageInput): x is PreparedImage {
  return typeof (x as PreparedImage).release === 'function';
}

export function checkThreshold(threshold: number): number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new FsimError('USAGE', `threshold must be a number in [0, 1], got ${String(threshold)}`);
  }
  return threshold;
}

export class Fsim {
  constructor(readonly backend: Backend) {}

  /** Everything about one image that does not depend on the other: reuse it across comparisons. */
  async prepare(image: RasterImage, options: PrepareOptions = {}, name = 'image'): Promise<PreparedImage> {
    validateImage(image, name);
    return this.prepareValid(image, options);
  }

  private prepareValid(image: RasterImage, options: PrepareOptions): Promise<PreparedImage> {
    const factor = scaleFactor(image.height, image.width, options.scale ?? 'auto');
    return this.backend.prepare(image, factor, options.progress);
  }

  async compare(ref: ImageInput, dist: ImageInput, options: CompareOptions = {}): Promise<FsimResult> {
    const threshold = checkThreshold(options.threshold ?? DEFAULT_THRESHOLD);
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

  dispose(): Promise<void> {
    return this.backend.dispose();
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
