/**
 * 2-D transforms on row-major rows×cols maps, by ranges so that threads can share one map:
 * rows one at a time (contiguous), columns a block of COLUMN_BLOCK adjacent ones at a time
 * through the width-vectorised kernels (the block's passes stay in cache; no scratch the size
 * of the map). Scratch is per instance: one Fft2D per thread.
 */
import { Fft1D } from './fft.js';
import { type HeapScratch, runHeapColumns } from './wasm/heap.js';

/** The kernels' scratch on the workspace's heap, and which part of it a task uses. */
export interface HeapPart {
  readonly scratch: HeapScratch;
  readonly part: number;
}

/** Columns per block of a column pass. */
export const COLUMN_BLOCK = 16;

export class Fft2D {
  readonly rows: number;
  readonly cols: number;
  /**
   * Columns 0…⌊cols/2⌋: the part of a real image's spectrum that is kept. The rest is its
   * mirror, X(r, c) = conj X((rows − r) mod rows, cols − c), exactly so after the row pass.
   */
  readonly halfCols: number;
  /** One row at a time. */
  private readonly rowFft: Fft1D;
  /** inverseRows(): row r of several maps at once, by their count. */
  private readonly rowsFfts = new Map<number, Fft1D>();
  /** A block of columns at a time, by block width (the last block of a range may be narrower). */
  private readonly blockFfts = new Map<number, Fft1D>();
  private readonly pairRe: Float64Array;
  private readonly pairIm: Float64Array;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    this.halfCols = (cols >> 1) + 1;
    this.rowFft = new Fft1D(cols);
    this.pairRe = new Float64Array(cols);
    this.pairIm = new Float64Array(cols);
  }

  /** Forward DFT of a real image into (re, im), rows × halfCols: every row, then the kept columns. */
  forwardReal(src: Float64Array, re: Float64Array, im: Float64Array): void {
    this.forwardRealRows(src, re, im, 0, this.rows);
    this.columns(re, im, 0, this.halfCols, false, this.halfCols);
  }

  /**
   * Row DFTs of rows [from, to) (from even) of a real image, columns 0…⌊cols/2⌋ of each into
   * (re, im) of width halfCols. Rows go two at a time as one complex transform z = a + i·b,
   * split by Hermitian symmetry: A(k) = (Z(k) + Z*(−k))/2, B(k) = (Z(k) − Z*(−k))/(2i).
   */
  forwardRealRows(src: Float64Array, re: Float64Array, im: Float64Array, from: number, to: number): void {
    const { cols, halfCols } = this;
    let r = from;
    // Two pairs of rows at a time, interleaved, where the SIMD kernels run.
    const pairs = this.rowsTransform(2);
    if (pairs.kernels === 'wasm-simd') {
      for (; r + 3 < to; r += 4) {
        const a = r * cols;
        const rowsOf = (first: number) => [src.subarray(a + first * cols), src.subarray(a + (first + 2) * cols)];
        const z = pairs.interleaved(rowsOf(0), rowsOf(1), 0, false);
        splitPair(z.re, z.im, 2, 0, re, im, r * halfCols, cols, halfCols, true);
        splitPair(z.re, z.im, 2, 1, re, im, (r + 2) * halfCols, cols, halfCols, true);
      }
    }
    const zr = this.pairRe,
      zi = this.pairIm;
    for (; r < to; r += 2) {
      const a = r * cols;
      const hasB = r + 1 < to;
      zr.set(src.subarray(a, a + cols));
      if (hasB) zi.set(src.subarray(a + cols, a + 2 * cols));
      else zi.fill(0);
      this.rowFft.forward(zr, zi);
      splitPair(zr, zi, 1, 0, re, im, r * halfCols, cols, halfCols, hasB);
    }
  }

  /**
   * Unnormalised DFT (or inverse) of columns [from, to) of a map `width` wide (cols or
   * halfCols), in place. With `heap` (the map lives in its memory), blocks of an even width
   * run there in place with that part's scratch; the others on a copy.
   */
  columns(re: Float64Array, im: Float64Array, from: number, to: number, inverse: boolean, width = this.cols, heap?: HeapPart): void {
    for (let c0 = from; c0 < to; c0 += COLUMN_BLOCK) {
      const block = Math.min(COLUMN_BLOCK, to - c0);
      if (heap && block % 2 === 0) runHeapColumns(heap.scratch, heap.part, re, im, c0, block, width, inverse);
      else this.blockFft(block).columns(re, im, c0, width, inverse);
    }
  }

  /**
   * Unnormalised inverse DFTs of row r of every map (re[k], im[k]), run interleaved: the
   * results are returned interleaved (column c of map k at c·count + k), the maps left as
   * they were. Valid until the next call.
   */
  inverseRows(re: readonly Float64Array[], im: readonly Float64Array[], r: number): { re: Float64Array; im: Float64Array } {
    return this.rowsTransform(re.length).interleaved(re, im, r * this.cols, true);
  }

  /** Row-length transforms, `count` interleaved. */
  private rowsTransform(count: number): Fft1D {
    let fft = this.rowsFfts.get(count);
    if (!fft) {
      fft = new Fft1D(this.cols, count);
      this.rowsFfts.set(count, fft);
    }
    return fft;
  }

  /** 'wasm-simd' or 'scalar': the kernels of the column passes. */
  get kernels(): string {
    return this.blockFft(COLUMN_BLOCK).kernels;
  }

  private blockFft(width: number): Fft1D {
    let fft = this.blockFfts.get(width);
    if (!fft) {
      fft = new Fft1D(this.rows, width);
      this.blockFfts.set(width, fft);
    }
    return fft;
  }
}

/**
 * Columns 0 … width − 1 of the spectra of two rows (the second if hasB) from their joint
 * transform z (lane `lane` of transforms interleaved `stride` wide), at a and a + width.
 */
function splitPair(
  zr: Float64Array,
  zi: Float64Array,
  stride: number,
  lane: number,
  re: Float64Array,
  im: Float64Array,
  a: number,
  cols: number,
  width: number,
  hasB: boolean,
): void {
  for (let k = 0; k < width; k++) {
    const m = k === 0 ? 0 : cols - k;
    const pr = zr[k * stride + lane],
      pi = zi[k * stride + lane],
      qr = zr[m * stride + lane],
      qi = zi[m * stride + lane];
    re[a + k] = (pr + qr) / 2;
    im[a + k] = (pi - qi) / 2;
    if (hasB) {
      re[a + width + k] = (pi + qi) / 2;
      im[a + width + k] = (qr - pr) / 2;
    }
  }
}
