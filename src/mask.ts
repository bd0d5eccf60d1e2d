/**
 * Masks: regions of the reference that a comparison ignores (dates, ads, carets in
 * screenshots). A mask is an image of the compared size; its black pixels (every channel 0)
 * are ignored. Downsampled with F like the images (FSIM_SPEC.md §2's F×F boxes, the same
 * placement), a downsampled pixel is kept only when every image pixel of its box is kept, so
 * nothing of an ignored region leaks into the score. Kept pixels weigh 1, ignored ones 0 in
 * both poolings (and in the pixel count of the uniform one, §6).
 */
import { FsimError } from './errors.js';
import { type RasterImage, validateImage } from './image.js';
import { downsampledSize } from './scale.js';

export interface MaskWeights {
  /** 1 kept, 0 ignored, one per downsampled pixel (row-major). */
  readonly weights: Uint8Array;
  /** How many are kept. */
  readonly kept: number;
}

/** The mask's downsampled weights for an image of `size` [rows, cols] compared at factor F. */
export function maskWeights(mask: RasterImage, size: readonly [number, number], factor: number): MaskWeights {
  validateImage(mask, 'mask');
  const [rows, cols] = size;
  if (mask.height !== rows || mask.width !== cols) {
    throw new FsimError('SIZE', `the mask is ${mask.width}×${mask.height}, not the compared size ${cols}×${rows}`);
  }
  const { data, channels } = mask;
  // 1 where the image pixel is kept (any channel above 0), per image row.
  const keptPixel = new Uint8Array(rows * cols);
  for (let p = 0; p < rows * cols; p++) {
    for (let c = 0; c < channels; c++) {
      if (channels === 4 && c === 3) break; // alpha says nothing about black
      if (data[p * channels + c] > 0) {
        keptPixel[p] = 1;
        break;
      }
    }
  }
  const [h, w] = downsampledSize(rows, cols, factor);
  const lead = Math.floor((factor - 1) / 2);
  const weights = new Uint8Array(h * w);
  let kept = 0;
  for (let i = 0; i < h; i++) {
    const r0 = Math.max(0, i * factor - lead),
      r1 = Math.min(rows, i * factor - lead + factor);
    for (let j = 0; j < w; j++) {
      const c0 = Math.max(0, j * factor - lead),
        c1 = Math.min(cols, j * factor - lead + factor);
      let all = 1;
      for (let r = r0; r < r1 && all; r++) for (let c = c0; c < c1; c++) if (!keptPixel[r * cols + c]) all = 0;
      weights[i * w + j] = all;
      kept += all;
    }
  }
  if (kept === 0) throw new FsimError('INPUT', 'the mask ignores every pixel (black is ignored, any other colour kept)');
  return { weights, kept };
}
