/** RGB → YIQ (FSIM_SPEC.md §1) in float64, on the downsampled channel means (downsample.ts). */
import { YIQ } from '../constants.js';

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
