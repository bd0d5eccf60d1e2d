/**
 * The FSIM / FSIMc pipeline on any backend, top-down:
 *   decode (caller) → colour → downsample → FFT → log-Gabor bank → phase congruency
 *   → gradients (all in backend.prepare, once per image) → pooling (backend.pool, per pair).
 * Preparing is the expensive part, so an image compared with many others is prepared once.
 */
import type { Backend, Pooling, PreparedImage, Progress, SimilarityMaps, StageTimings } from './backend.js';
import { alignImage, type AlignMode, type AlignOption, type Resized } from './align.js';
import { FsimError } from './errors.js';
import { validateImage, type RasterImage } from './image.js';
import { maskWeights } from './mask.js';
import { alignOf, COMPARE_SPECS, minScore as minScoreSpec, type Resolved, resolveOptions } from './optionTable.js';
import { scaleFactor, type ScaleOption } from './scale.js';

export interface PrepareOptions {
  /** 'auto' (the reference: F = max(1, round(min(H, W)/256))) or a forced integer F ≥ 1. */
  scale?: ScaleOption;
  /**
   * Compare images of different sizes (FSIM_SPEC.md §8): resample to the reference's size (or
   * to `size`), 'stretch'ed or 'cover'ed (cropped to its aspect ratio first). Without it, sizes
   * must match. prepare() aligns only to an explicit `size`.
   */
  resize?: AlignMode;
  /** With resize: both images to [width, height] instead. */
  size?: readonly [number, number];
  /** The older form of resize and size: { mode, size?: [rows, cols] } (still taken). */
  align?: AlignOption;
  /** Called as the work advances (0..1 per image prepared). */
  progress?: Progress;
}

export interface CompareOptions extends PrepareOptions {
  /** Similar when FSIMc ≥ minScore (FSIMc = FSIM for greyscale); default DEFAULT_THRESHOLD. */
  minScore?: number;
  /** The older name of minScore (still taken). */
  threshold?: number;
  /** Also return the maps (PC, GM of each image and S_L·PCm) as Float32Arrays. */
  maps?: boolean;
  /**
   * Ignore regions: an image of the compared size (the reference's, or the alignment's) whose
   * black pixels are left out of both poolings (src/mask.ts says how it is downsampled).
   */
  mask?: RasterImage;
}

/**
 * A comparison's options as an entry point resolved them (src/optionTable.ts), frozen: what
 * Fsim's internals take, without checking again.
 */
export interface ResolvedCompare {
  readonly scale: ScaleOption;
  readonly minScore: number;
  /** The alignment target, internally [rows, cols]; undefined where sizes must match. */
  readonly align?: AlignOption;
  readonly maps?: boolean;
  readonly mask?: RasterImage;
  readonly progress?: Progress;
}

/** Compare (and prepare) options checked against the option table, once. */
export function resolveCompareOptions(options: CompareOptions | undefined, what = 'compare'): ResolvedCompare {
  return toResolvedCompare(resolveOptions(COMPARE_SPECS, options, what));
}

/** The comparison's part of options resolved with COMPARE_SPECS among others: resize and size as one alignment. */
export function toResolvedCompare(o: Resolved<typeof COMPARE_SPECS>): ResolvedCompare {
  return Object.freeze({
    scale: o.scale,
    minScore: o.minScore,
    align: alignOf(o),
    maps: o.maps,
    mask: o.mask as RasterImage | undefined,
    progress: o.progress as Progress | undefined,
  });
}

export interface FsimResult {
  fsim: number;
  fsimc: number;
  /** fsimc ≥ minScore. */
  similar: boolean;
  minScore: number;
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
  /** With `align`: what was resampled, per side (a side left as it was is absent). */
  resized?: { reference?: Resized; distorted?: Resized };
  /** With `mask`: how many downsampled pixels it left out, of how many. */
  masked?: { ignored: number; of: number };
}

export type ImageInput = RasterImage | PreparedImage;

export function isPrepared(x: ImageInput): x is PreparedImage {
  return x !== null && typeof x === 'object' && typeof (x as PreparedImage).release === 'function';
}

/** A verdict threshold checked (the option table's minScore check). */
export function checkThreshold(threshold: unknown): number {
  return minScoreSpec.check(threshold, 'minScore');
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
    const resolved = resolveCompareOptions(options, 'prepare');
    validateImage(image, name);
    return this.prepareWith(image, resolved);
  }

  /** prepare() for options resolved already (resolveCompareOptions), on a valid image. */
  async prepareWith(image: RasterImage, options: ResolvedCompare): Promise<PreparedImage> {
    const size = options.align?.size;
    const aligned = size ? alignImage(image, size, options.align!.mode) : { image };
    const factor = scaleFactor(aligned.image.height, aligned.image.width, options.scale);
    const prepared = await this.backend.prepare(aligned.image, factor, options.progress);
    if (aligned.resized) prepared.resized = aligned.resized;
    return prepared;
  }

  async compare(ref: ImageInput, dist: ImageInput, options?: CompareOptions): Promise<FsimResult> {
    this.checkLive();
    return this.compareWith(ref, dist, resolveCompareOptions(options));
  }

  /** compare() for options resolved already (resolveCompareOptions). */
  async compareWith(ref: ImageInput, dist: ImageInput, options: ResolvedCompare): Promise<FsimResult> {
    this.checkLive();
    const { minScore } = options;
    const started = performance.now();
    if (!isPrepared(ref)) validateImage(ref, 'reference');
    if (!isPrepared(dist)) validateImage(dist, 'distorted');
    if (options.mask) validateImage(options.mask, 'mask');
    // The one size check of every comparison (ranking relies on it), before any preparing:
    // equal sizes, or both sides aligned to one target (§8).
    const sizeOf = (x: ImageInput): readonly [number, number] => (isPrepared(x) ? x.size : [x.height, x.width]);
    const [rs, ds] = [sizeOf(ref), sizeOf(dist)];
    const align = options.align;
    const target = align?.size ?? rs;
    if (!align && (rs[0] !== ds[0] || rs[1] !== ds[1])) {
      throw new FsimError(
        'SIZE_MISMATCH',
        `size ${ds[1]}×${ds[0]} differs from the reference ${rs[1]}×${rs[0]} (to compare them anyway, align them: option resize 'cover' or 'stretch', --resize in the CLI)`,
      );
    }
    for (const [side, x] of [
      ['reference', ref],
      ['distorted', dist],
    ] as const) {
      if (isPrepared(x) && (x.size[0] !== target[0] || x.size[1] !== target[1])) {
        throw new FsimError(
          'SIZE_MISMATCH',
          `the prepared ${side} image is ${x.size[1]}×${x.size[0]}, not the alignment target ${target[1]}×${target[0]}; prepare it with the same resize and size`,
        );
      }
    }
    // Raw sides are aligned to the target (a no-op at equal size); the result says what moved.
    const aligned = (x: RasterImage) => (align ? alignImage(x, target, align.mode) : { image: x, resized: undefined });
    const alignStarted = performance.now();
    const [refSide, distSide] = [ref, dist].map((x) => (isPrepared(x) ? { image: x, resized: x.resized } : aligned(x)));
    const alignTime = performance.now() - alignStarted;
    // Images prepared here are released here (their GPU maps go back to the pool); prepared
    // inputs stay the caller's. Their alignment is done: prepare them without it.
    const plain: ResolvedCompare = { ...options, align: undefined };
    const settled = await Promise.allSettled([
      isPrepared(refSide.image) ? refSide.image : this.prepareWith(refSide.image, plain),
      isPrepared(distSide.image) ? distSide.image : this.prepareWith(distSide.image, plain),
    ]);
    const owned = settled.flatMap((s, k) => (s.status === 'fulfilled' && !isPrepared(k === 0 ? ref : dist) ? [s.value] : []));
    try {
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<PreparedImage>).value);
      if (a.factor !== b.factor) throw new FsimError('USAGE', `images prepared at different scales (${a.factor} and ${b.factor})`);
      const mask = options.mask ? maskWeights(options.mask, a.size, a.factor) : undefined;
      const pooled = await this.backend.pool(a, b, options.maps ?? false, mask);
      const timings = sumTimings(isPrepared(ref) ? undefined : a.timings, isPrepared(dist) ? undefined : b.timings, pooled.timings);
      if (align) timings.align = alignTime;
      timings.total = performance.now() - started;
      if (!Number.isFinite(pooled.fsim) || !Number.isFinite(pooled.fsimc)) {
        throw new Error(`internal error: non-finite score (fsim ${pooled.fsim}, fsimc ${pooled.fsimc})`);
      }
      return {
        fsim: pooled.fsim,
        fsimc: pooled.fsimc,
        similar: pooled.fsimc >= minScore,
        minScore,
        scale: a.factor,
        size: [a.size[0], a.size[1]],
        downsampled: [a.downsampled[0], a.downsampled[1]],
        // The backend that prepared them ('auto' in Node chooses by size: src/autoBackend.ts).
        backend: a.backend,
        pooling: pooled.pooling,
        colour: a.colour || b.colour,
        timings,
        ...(pooled.maps ? { maps: pooled.maps } : {}),
        ...(mask ? { masked: { ignored: mask.weights.length - mask.kept, of: mask.weights.length } } : {}),
        ...(align
          ? {
              resized: {
                ...(refSide.resized ? { reference: refSide.resized } : {}),
                ...(distSide.resized ? { distorted: distSide.resized } : {}),
              },
            }
          : {}),
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
    for (const [k, v] of Object.entries(part) as [keyof StageTimings, number | Record<string, number>][]) {
      if (typeof v === 'number')
        out[k as Exclude<keyof StageTimings, 'kernels'>] = (out[k as Exclude<keyof StageTimings, 'kernels'>] ?? 0) + v;
      else {
        out.kernels ??= {};
        for (const [kernel, ms] of Object.entries(v)) out.kernels[kernel] = (out.kernels[kernel] ?? 0) + ms;
      }
    }
  }
  return out;
}
