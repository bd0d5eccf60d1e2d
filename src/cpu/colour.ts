/** RGB → YIQ (FSIM_SPEC.md §1) in float64, one plane per channel. */
import type { RasterImage } from '../image.js';

export interface YiqPlanes {
  readonly y: Float64Array;
  /** null for a greyscale image: its chroma is zero and does not need computing. */
  readonly i: Float64Array | null;
  readonly q: Float64Array | null;
}

export function toYiq(image: RasterImage, greyscale: boolean): YiqPlanes {
  const { data, channels } = image;
  const n = image.width * image.height;
  const y = new Float64Array(n);
  if (greyscale) {
    // Y is the grey value itself (not 0.299g + 0.587g + 0.114g, which can be off by an ulp).
    for (let p = 0; p < n; p++) y[p] = data[p * channels];
    return { y, i: null, q: null };
  }
  const i = new Float64Array(n);
  const q = new Float64Array(n);
  for (let p = 0, s = 0; p < n; p++, s += channels) {
    const r = data[s], g = data[s + 1], b = data[s + 2];
    y[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    i[p] = 0.596 * r - 0.274 * g - 0.322 * b;
    q[p] = 0.211 * r - 0.523 * g + 0.312 * b;
  }
  return { y, i, q };
}
