/** Scharr gradient magnitude (FSIM_SPEC.md §4): 3×3 convolution, zero padding, same size. */
import { SCHARR_X, SCHARR_Y } from '../constants.js';

/** Rows [from, to) of the gradient magnitude of y into out. */
export function gradientRows(y: Float64Array, rows: number, cols: number, out: Float64Array, from: number, to: number): void {
  for (let r = from; r < to; r++) {
    if (r === 0 || r === rows - 1 || cols < 3) {
      edgeRow(y, rows, cols, out, r, 0, cols);
      continue;
    }
    edgeRow(y, rows, cols, out, r, 0, 1);
    interiorRow(y, cols, out, r);
    edgeRow(y, rows, cols, out, r, cols - 1, cols);
  }
}

/**
 * Columns [c0, c1) of row r, any position: true convolution, kernel tap (a, b) meets pixel
 * (r + 1 − a, c + 1 − b); taps outside the image are skipped (zero padding).
 */
function edgeRow(y: Float64Array, rows: number, cols: number, out: Float64Array, r: number, c0: number, c1: number): void {
  for (let c = c0; c < c1; c++) {
    let gx = 0,
      gy = 0;
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

/** Columns 1 … cols − 2 of an interior row: all nine taps, in edgeRow's order (same rounding). */
function interiorRow(y: Float64Array, cols: number, out: Float64Array, r: number): void {
  const [x0, x1, x2, x3, x4, x5, x6, x7, x8] = SCHARR_X;
  const [y0, y1, y2, y3, y4, y5, y6, y7, y8] = SCHARR_Y;
  const below = (r + 1) * cols,
    here = r * cols,
    above = (r - 1) * cols;
  for (let c = 1; c < cols - 1; c++) {
    const v0 = y[below + c + 1],
      v1 = y[below + c],
      v2 = y[below + c - 1];
    const v3 = y[here + c + 1],
      v4 = y[here + c],
      v5 = y[here + c - 1];
    const v6 = y[above + c + 1],
      v7 = y[above + c],
      v8 = y[above + c - 1];
    let gx = 0,
      gy = 0;
    gx += x0 * v0;
    gx += x1 * v1;
    gx += x2 * v2;
    gx += x3 * v3;
    gx += x4 * v4;
    gx += x5 * v5;
    gx += x6 * v6;
    gx += x7 * v7;
    gx += x8 * v8;
    gy += y0 * v0;
    gy += y1 * v1;
    gy += y2 * v2;
    gy += y3 * v3;
    gy += y4 * v4;
    gy += y5 * v5;
    gy += y6 * v6;
    gy += y7 * v7;
    gy += y8 * v8;
    out[here + c] = Math.sqrt(gx * gx + gy * gy);
  }
}
