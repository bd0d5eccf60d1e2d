/** RGB → YIQ (FSIM_SPEC.md §1) in float64, on the downsampled channel means (downsample.ts). */
import { YIQ } from '../constants.js';
import { type RasterImage, sampleDivisor } from '../image.js';

export interface YiqPlanes {
  y: Float64Array;
  /** null for a greyscale image: its chroma is zero and never computed. */
  i: Float64Array | null;
  q: Float64Array | null;
}

/**
 * Y, I, Q from the R, G, B planes, in place (the three arrays become Y, I, Q). A greyscale
 * image's Y is its grey plane itself (not 0.299g + 0.587g + 0.114g, which can be off by an ulp).
 */
export function toYiq(rgb: Float64Array[], greyscale: boolean): YiqPlanes {
  if (greyscale) return { y: rgb[0], i: null, q: null };
  const [r, g, b] = rgb;
  const [[yr, yg, yb], [ir, ig, ib], [qr, qg, qb]] = YIQ;
  for (let p = 0; p < r.length; p++) {
    const red = r[p],
      green = g[p],
      blue = b[p];
    r[p] = yr * red + yg * green + yb * blue;
    g[p] = ir * red + ig * green + ib * blue;
    b[p] = qr * red + qg * green + qb * blue;
  }
  return { y: r, i: g, q: b };
}

/**
 * Y alone at F = 1 from the interleaved samples of a colour image, into `y` (width × height):
 * toYiq's arithmetic on the samples on the 0..255 scale, the same bit for bit, without the
 * I and Q planes.
 */
export function luminance(image: RasterImage, y: Float64Array): Float64Array {
  const { data, channels: stride } = image;
  const divisor = sampleDivisor(data);
  const [yr, yg, yb] = YIQ[0];
  for (let p = 0, at = 0; p < y.length; p++, at += stride) {
    y[p] = yr * (data[at] / divisor) + yg * (data[at + 1] / divisor) + yb * (data[at + 2] / divisor);
  }
  return y;
}
