/**
 * What every backend shares about pooling (FSIM_SPEC.md §5, §6): the checks on the two prepared
 * images, and how the per-pixel sums become the two scores — including the flat-image policy.
 * The backends differ only in how they compute the sums.
 */
import type { Pooling, PreparedImage } from './backend.js';
import { FsimError } from './errors.js';

/** Σ over every pixel, in this order on every backend (the GPU's partial sums too). */
export interface PooledSums {
  /** Σ S_L·PCm */
  weighted: number;
  /** Σ S_L·S_C·PCm */
  weightedC: number;
  /** Σ PCm */
  weights: number;
  /** Σ S_L */
  plain: number;
  /** Σ S_L·S_C */
  plainC: number;
}

/**
 * FSIM = Σ S_L·PCm / Σ PCm and FSIMc likewise. When both PC maps are all zero (flat images)
 * the reference divides 0 by 0; here every pixel is weighted equally instead, so the score
 * still reflects gradient and chroma agreement, and the result says so.
 */
export function finishScores(sums: PooledSums, n: number, chroma: boolean): { fsim: number; fsimc: number; pooling: Pooling } {
  if (sums.weights > 0) {
    const fsim = sums.weighted / sums.weights;
    return { fsim, fsimc: chroma ? sums.weightedC / sums.weights : fsim, pooling: 'phase-congruency' };
  }
  const fsim = sums.plain / n;
  return { fsim, fsimc: chroma ? sums.plainC / n : fsim, pooling: 'uniform' };
}

/** The two images as this backend's own, unreleased and of one downsampled size — or a clear error. */
export function checkPoolable<T extends PreparedImage>(
  a: PreparedImage,
  b: PreparedImage,
  isOwn: (x: PreparedImage) => x is T,
  isReleased: (x: T) => boolean,
): [T, T] {
  if (!isOwn(a) || !isOwn(b)) throw new FsimError('BACKEND', 'prepared images come from another backend');
  if (isReleased(a) || isReleased(b)) throw new FsimError('USAGE', 'a prepared image was used after release()');
  if (a.downsampled[0] !== b.downsampled[0] || a.downsampled[1] !== b.downsampled[1]) {
    throw new FsimError('SIZE', `prepared images differ in size: ${a.downsampled.join('×')} vs ${b.downsampled.join('×')}`);
  }
  return [a, b];
}
