/**
 * 2-D transforms on row-major rows×cols maps: rows one at a time (contiguous), columns all
 * at once through the width-vectorised kernels (every pass streams whole rows).
 */
import { Fft1D } from './fft.js';

export class Fft2D {
  readonly rows: number;
  readonly cols: number;
  /** One row at a time. */
  readonly rowFft: Fft1D;
  /** Every column of a map at once. */
  readonly columnFft: Fft1D;
  private readonly pairRe: Float64Array;
  private readonly pairIm: Float64Array;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    this.rowFft = new Fft1D(cols);
    this.columnFft = new Fft1D(rows, cols);
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
    const zr = this.pairRe,
      zi = this.pairIm;
    for (let r = 0; r < rows; r += 2) {
      const a = r * cols;
      const hasB = r + 1 < rows;
      zr.set(src.subarray(a, a + cols));
      if (hasB) zi.set(src.subarray(a + cols, a + 2 * cols));
      else zi.fill(0);
      this.rowFft.forward(zr, zi);
      for (let k = 0; k < cols; k++) {
        const m = k === 0 ? 0 : cols - k;
        const pr = zr[k],
          pi = zi[k],
          qr = zr[m],
          qi = zi[m];
        re[a + k] = (pr + qr) / 2;
        im[a + k] = (pi - qi) / 2;
        if (hasB) {
          re[a + cols + k] = (pi + qi) / 2;
          im[a + cols + k] = (qr - pr) / 2;
        }
      }
    }
    this.columnFft.forward(re, im);
  }

  /** Unnormalised inverse DFT of every column of (re, im), in place. */
  inverseColumns(re: Float64Array, im: Float64Array): void {
    this.columnFft.inverse(re, im);
  }

  /** Unnormalised inverse DFT of row r of (re, im), in place. */
  inverseRow(re: Float64Array, im: Float64Array, r: number): void {
    const from = r * this.cols,
      to = from + this.cols;
    this.rowFft.inverse(re.subarray(from, to), im.subarray(from, to));
  }
}
