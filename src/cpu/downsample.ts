/**
 * The reference's downsampling (FSIM_SPEC.md §2): an F×F box of weight 1/F² with zero
 * padding, "same"-size correlation, sampled at rows and columns 0, F, 2F, …. Output pixel
 * (i, j) covers input rows i·F − ⌊(F−1)/2⌋ … + F−1 (likewise columns); outside pixels count
 * as 0 but the divisor stays F².
 *
 * It runs on the raster's channels, straight from the interleaved samples: the colour
 * transform that follows (colour.ts) is linear, so box-averaging R, G, B and then converting
 * equals converting and then averaging, up to float64 rounding (~1e-14), without ever
 * holding a full-resolution float64 plane per YIQ component.
 */
import { sharedFloat64 } from '../bank.js';
import { sampleDivisor, type RasterImage } from '../image.js';

/** The F×F box means of the first `channels` channels of `image`, each ⌈H/F⌉ × ⌈W/F⌉, on the 0..255 scale. */
export function boxMeans(image: RasterImage, factor: number, channels: 1 | 3): Float64Array[] {
  const { width: cols, height: rows, data, channels: stride } = image;
  const divisor = sampleDivisor(data);
  const outRows = Math.ceil(rows / factor);
  const outCols = Math.ceil(cols / factor);
  // Shared: the luminance plane goes to the worker threads.
  const out = Array.from({ length: channels }, () => sharedFloat64(outRows * outCols));
  if (factor === 1) {
    for (let c = 0; c < channels; c++) copyChannel(data, stride, c, divisor, out[c]);
    return out;
  }
  const lead = Math.floor((factor - 1) / 2);
  const rowSums = Array.from({ length: channels }, () => new Float64Array(rows * outCols));
  horizontalSums(data, rows, cols, stride, channels, factor, lead, rowSums);
  for (let c = 0; c < channels; c++) verticalMeans(rowSums[c], rows, outRows, outCols, factor, lead, factor * factor * divisor, out[c]);
  return out;
}

// The two passes are separate functions so that V8 optimises each as it gets hot (one long
// function is optimised on its first loop and deoptimised at the second).

/** Pass 1: horizontal box sums at the sampled columns, for every input row: the first channel, or the first three in one sweep. */
function horizontalSums(
  data: RasterImage['data'],
  rows: number,
  cols: number,
  stride: number,
  channels: 1 | 3,
  factor: number,
  lead: number,
  rowSums: Float64Array[],
): void {
  const outCols = Math.ceil(cols / factor);
  const [sums0, sums1, sums2] = rowSums;
  for (let r = 0; r < rows; r++) {
    const line = r * cols,
      out = r * outCols;
    for (let j = 0; j < outCols; j++) {
      const c0 = Math.max(0, j * factor - lead);
      const c1 = Math.min(cols, j * factor - lead + factor);
      let s0 = 0,
        s1 = 0,
        s2 = 0;
      for (let at = (line + c0) * stride, end = (line + c1) * stride; at < end; at += stride) {
        s0 += data[at];
        if (channels === 3) {
          s1 += data[at + 1];
          s2 += data[at + 2];
        }
      }
      sums0[out + j] = s0;
      if (channels === 3) {
        sums1[out + j] = s1;
        sums2[out + j] = s2;
      }
    }
  }
}

/** Pass 2: vertical box sums at the sampled rows, divided by the box's area. */
function verticalMeans(
  sums: Float64Array,
  rows: number,
  outRows: number,
  outCols: number,
  factor: number,
  lead: number,
  area: number,
  plane: Float64Array,
): void {
  for (let i = 0; i < outRows; i++) {
    const r0 = Math.max(0, i * factor - lead);
    const r1 = Math.min(rows, i * factor - lead + factor);
    for (let j = 0; j < outCols; j++) {
      let sum = 0;
      for (let r = r0; r < r1; r++) sum += sums[r * outCols + j];
      plane[i * outCols + j] = sum / area;
    }
  }
}

/** F = 1: channel c of the interleaved samples on the 0..255 scale. */
function copyChannel(data: RasterImage['data'], stride: number, c: number, divisor: number, plane: Float64Array): void {
  for (let p = 0, at = c; p < plane.length; p++, at += stride) plane[p] = data[at] / divisor;
}
