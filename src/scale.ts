/** The downsampling factor F (FSIM_SPEC.md §2) and the size it produces. */
import { FsimError } from './errors.js';
import { MIN_SIDE } from './constants.js';

export type ScaleOption = 'auto' | number;

/** F = max(1, round(min(H, W)/256)) with round-half-away-from-zero, or a forced integer ≥ 1. */
export function scaleFactor(rows: number, cols: number, scale: ScaleOption = 'auto'): number {
  if (scale === 'auto') return Math.max(1, Math.round(Math.min(rows, cols) / 256));
  if (!Number.isInteger(scale) || scale < 1) {
    throw new FsimError('USAGE', `scale must be 'auto' or an integer ≥ 1, got ${String(scale)}`);
  }
  const [h, w] = downsampledSize(rows, cols, scale);
  if (h < MIN_SIDE || w < MIN_SIDE) {
    throw new FsimError('SIZE', `scale ${scale} leaves ${h}×${w} of a ${rows}×${cols} image, under the ${MIN_SIDE}×${MIN_SIDE} minimum`);
  }
  return scale;
}

export function downsampledSize(rows: number, cols: number, factor: number): [number, number] {
  return [Math.ceil(rows / factor), Math.ceil(cols / factor)];
}
