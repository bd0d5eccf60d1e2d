/**
 * 2-D transforms on row-major h×w maps, built from the 1-D kernels: rows in place,
 * columns through a small block of gathered columns (so every 1-D transform runs on
 * contiguous memory and the strided traffic moves BLOCK values per cache line).
 */
import { Fft1D } from './fft.js';

const BLOCK = 8;

export class Fft2D {
  readonly rows: number;
  readonly cols: number;
  readonly rowFft: Fft1D;
  readonly colFft: Fft1D;
  /** Gathered columns: BLOCK × rows. */
  readonly blockRe: Float64Array;
  readonly blockIm: Float64Array;
  private readonly pairRe: Float64Array;
  private readonly pairIm: Float64Array;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    this.rowFft = new Fft1D(cols);
    this.colFft = rows === cols ? this.rowFft : new Fft1D(rows);
    this.blockRe = new Float64Array(BLOCK * rows);
    this.blockIm = new Float64Array(BLOCK * rows);
    this.pairRe = new Float64Array(cols);
    this.pairIm = new Float64Array(cols);
  }

  /**
   * Forward DFT of a real image into (re, im). Rows go two at a time as one complex
   * transform z = a + i·b, split by Hermitian symmetry: A(k) = (Z(k) + Z*(−k))/2,
   * B(k) = (Z(k) − Z*(−k))/(2i).
   */
  forwardReal(src: Float64Array, re: Float64Array, im: Float64Array): void {
    const { rows, cols } = this;
    const zr = this.pairRe, zi = this.pairIm;
    for (let r = 0; r < rows; r += 2) {
      const a = r * cols;
      const hasB = r + 1 < rows;
      zr.set(src.subarray(a, a + cols));
      if (hasB) zi.set(src.subarray(a + cols, a + 2 * cols));
      else zi.fill(0);
      this.rowFft.forward(zr, zi);
      for (let k = 0; k < cols; k++) {
        const m = k === 0 ? 0 : cols - k;
        const pr = zr[k], pi = zi[k], qr = zr[m], qi = zi[m];
        re[a + k] = (pr + qr) / 2;
        im[a + k] = (pi - qi) / 2;
        if (hasB) {
          re[a + cols + k] = (pi + qi) / 2;
          im[a + cols + k] = (qr - pr) / 2;
        }
      }
    }
    this.columns(re, im, false);
  }

  /** Unnormalised inverse DFT of each row of (re, im), in place. */
  inverseRows(re: Float64Array, im: Float64Array): void {
    const { rows, cols } = this;
    for (let r = 0; r < rows; r++) {
      this.rowFft.inverse(re.subarray(r * cols, (r + 1) * cols), im.subarray(r * cols, (r + 1) * cols));
    }
  }

  /**
   * Transforms every column of (re, im) in place. With `load`, the columns are first
   * produced by load(c0, count, blockRe, blockIm) instead of gathered from re/im — the
   * hook that fuses the filter multiply into the inverse transform.
   */
  columns(
    re: Float64Array,
    im: Float64Array,
    inverse: boolean,
    load?: (c0: number, count: number, blockRe: Float64Array, blockIm: Float64Array) => void,
  ): void {
    const { rows, cols, blockRe, blockIm } = this;
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const count = Math.min(BLOCK, cols - c0);
      if (load) load(c0, count, blockRe, blockIm);
      else {
        for (let r = 0; r < rows; r++) {
          const line = r * cols + c0;
          for (let b = 0; b < count; b++) {
            blockRe[b * rows + r] = re[line + b];
            blockIm[b * rows + r] = im[line + b];
          }
        }
      }
      for (let b = 0; b < count; b++) {
        const colRe = blockRe.subarray(b * rows, (b + 1) * rows);
        const colIm = blockIm.subarray(b * rows, (b + 1) * rows);
        if (inverse) this.colFft.inverse(colRe, colIm);
        else this.colFft.forward(colRe, colIm);
      }
      for (let r = 0; r < rows; r++) {
        const line = r * cols + c0;
        for (let b = 0; b < count; b++) {
          re[line + b] = blockRe[b * rows + r];
          im[line + b] = blockIm[b * rows + r];
        }
      }
    }
  }
}

export const COLUMN_BLOCK = BLOCK;
