/** Scharr gradient magnitude (FSIM_SPEC.md §4): 3×3 convolution, zero padding, same size. */
import { SCHARR_X, SCHARR_Y } from '../constants.js';

export function gradientMagnitude(y: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let gx = 0,
        gy = 0;
      // True convolution: kernel tap (a, b) meets pixel (r + 1 − a, c + 1 − b).
      for (let a = 0; a < 3; a++) {
        const rr = r + 1 - a;
        if (rr < 0 || rr >= rows) continue;
        for (let b = 0; b < 3; b++) {
          const cc = c + 1 - b;
          if (cc < 0 || cc >= cols) continue;
          const v = y[rr * cols + cc];
          gx += SCHARR_X[a * 3 + b] * v;
          gy += SCHARR_Y[a * 3 + b] * v;
        }
      }
      out[r * cols + c] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}
