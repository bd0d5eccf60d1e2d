/** RGB → YIQ (FSIM_SPEC.md §1) in float64, one plane at a time. */
import { YIQ } from '../constants.js';
import { sampleDivisor, type RasterImage } from '../image.js';

export type YiqPlane = 'y' | 'i' | 'q';

/**
 * One plane of YIQ at full resolution. A greyscale image's Y is its grey value itself (not
 * 0.299g + 0.587g + 0.114g, which can be off by an ulp); its chroma is zero and never asked for.
 */
export function yiqPlane(image: RasterImage, plane: YiqPlane, greyscale: boolean): Float64Array {
  const { data, channels } = image;
  const n = image.width * image.height;
  const divisor = sampleDivisor(data);
  const out = new Float64Array(n);
  if (greyscale) {
    for (let p = 0; p < n; p++) out[p] = data[p * channels] / divisor;
    return out;
  }
  const [kr, kg, kb] = YIQ[plane === 'y' ? 0 : plane === 'i' ? 1 : 2];
  for (let p = 0, s = 0; p < n; p++, s += channels) {
    out[p] = kr * (data[s] / divisor) + kg * (data[s + 1] / divisor) + kb * (data[s + 2] / divisor);
  }
  return out;
}
