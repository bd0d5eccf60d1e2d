/**
 * Phase congruency on the CPU (FSIM_SPEC.md §3, steps 1–4) as tasks over shared maps, so that
 * every thread works on the same orientation and the memory is one set of maps, whatever the
 * thread count. Per orientation o the backend runs, in order:
 *   columns:   EO_so = IDFT over columns of (IM · G_s · S_o), the filter in one streaming pass,
 *              then a block of adjacent columns at a time (its passes between the first and
 *              the last stay in cache); scales 0–2 and the largest scale as separate steps;
 *   rows:      the inverse DFT over each row of the four scales, then the row's energy,
 *              amplitude sum and smallest-scale energy (consumed while in cache), written over
 *              the largest scale's response, which is done with by then;
 *   (median:   the exact median of the smallest-scale energy gives the noise threshold T_o,
 *              while the threads run the next orientation's columns of scales 0–2);
 *   threshold: Σ_o max(Energy_o − T_o, 0) accumulated in orientation order; then the next
 *              orientation's largest-scale columns may overwrite the energy.
 * Each step covers a range of columns or rows, so threads can share it (tasks.ts); the steps
 * run unchanged on the calling thread, in a Node worker or in a Web Worker.
 */
import type { FilterBank } from '../bank.js';
import { angularRow, mirrorIndex, sharedFloat64 } from '../bank.js';
import { PC } from '../constants.js';
import type { Fft2D, HeapPart } from './fft2d.js';
import { energyKernelOn, filterKernelOn, runHeapRows } from './wasm/heap.js';

/** A real image's spectrum: columns 0…⌊cols/2⌋ of each row (rows × halfCols; fft2d.ts), the rest its mirror. */
export interface Spectrum {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** The maps one orientation's tasks share (shareable between threads): 72 bytes a pixel. */
export interface PcMaps {
  readonly rows: number;
  readonly cols: number;
  /** The four scales' responses EO_so: real (even) and imaginary (odd) parts, unnormalised. */
  readonly responseRe: readonly Float64Array[];
  readonly responseIm: readonly Float64Array[];
  /** Energy_o before the noise threshold: after the row pass, in the largest scale's real part. */
  readonly energy: Float64Array;
  /**
   * |EO_0o|², whose median gives the threshold (reordered by the median): after the row pass,
   * in the largest scale's imaginary part.
   */
  readonly smallestScaleEnergy: Float64Array;
  /** Σ_o Σ_s |EO_so|, accumulated over the orientations. */
  readonly amplitude: Float64Array;
}

/** The maps of a rows × cols image, from `allocate` (shareable arrays, or the workspace's heap). */
export function pcMaps(rows: number, cols: number, allocate: (length: number) => Float64Array = sharedFloat64): PcMaps {
  const n = rows * cols;
  const maps = () => Array.from({ length: PC.nscale }, () => allocate(n));
  const responseRe = maps(),
    responseIm = maps();
  return {
    rows,
    cols,
    responseRe,
    responseIm,
    energy: responseRe[PC.nscale - 1],
    smallestScaleEnergy: responseIm[PC.nscale - 1],
    amplitude: allocate(n),
  };
}

/** Columns [from, to) of the responses of orientation o, scales [scaleFrom, scaleTo). */
export function columnPass(
  fft: Fft2D,
  bank: FilterBank,
  spectrum: Spectrum,
  o: number,
  maps: PcMaps,
  scales: readonly [number, number],
  from: number,
  to: number,
  heap?: HeapPart,
): void {
  filterColumns(spectrum, bank, o, maps, scales, from, to, heap);
  for (let s = scales[0]; s < scales[1]; s++) fft.columns(maps.responseRe[s], maps.responseIm[s], from, to, true, maps.cols, heap);
}

/**
 * Rows [from, to): the four scales' inverse row transforms, interleaved, then energy and
 * amplitude (summed over orientations unless `first`) straight from the transforms' output.
 */
export function rowPass(fft: Fft2D, maps: PcMaps, first: boolean, from: number, to: number, heap?: HeapPart): void {
  const { rows, cols } = maps;
  const inv = 1 / (rows * cols);
  const energy = heap?.scratch.rows && energyKernelOn(heap.scratch.memory);
  if (heap && energy) {
    // On the heap: the same transforms and energy as below, as WebAssembly kernels.
    const line = 8 * cols;
    for (let r = from; r < to; r++) {
      const out = runHeapRows(heap.scratch, heap.part, maps.responseRe, maps.responseIm, r);
      const at = r * line;
      energy(
        out.re,
        out.im,
        maps.energy.byteOffset + at,
        maps.smallestScaleEnergy.byteOffset + at,
        maps.amplitude.byteOffset + at,
        cols,
        inv,
        first ? 1 : 0,
      );
    }
    return;
  }
  for (let r = from; r < to; r++) {
    const responses = fft.inverseRows(maps.responseRe, maps.responseIm, r);
    energyRow(maps, responses.re, responses.im, r * cols, cols, inv, first);
  }
}

// Each loop is its own small function: V8 optimises them one by one as they get hot, where
// one long function would be optimised on its first loop and then deoptimised at the next.

/**
 * response_s = spectrum · G_s · S_o over columns [from, to) of every row, for each scale s of
 * `scales` (the filter is real), one row at a time: S_o's row is expanded once (angularRow)
 * and the spectrum's row read while in cache. Columns up to the middle read the kept half of
 * the spectrum and G_s's quadrant directly; those past it read their mirrors (the spectrum
 * conjugated). On the workspace heap each row goes through the SIMD filter kernel
 * (wasm/filter.ts, the same operations), S_o's row and the radial quadrant row copied into the
 * part's scratch rows there first.
 */
function filterColumns(
  spectrum: Spectrum,
  bank: FilterBank,
  o: number,
  maps: PcMaps,
  scales: readonly [number, number],
  from: number,
  to: number,
  heap?: HeapPart,
): void {
  const { rows, cols, quadrantCols } = bank;
  const kernel = heap ? filterKernelOn(heap.scratch.memory) : null;
  const scratch = heap && kernel ? heap.scratch.filterRows[heap.part] : null;
  const spread = scratch ? scratch.spread : new Float64Array(to - from);
  const middle = (cols >> 1) + 1;
  for (let r = 0; r < rows; r++) {
    angularRow(bank, o, r, from, to, spread);
    const q = mirrorIndex(r, rows) * quadrantCols;
    const mirrorRow = r === 0 ? 0 : rows - r;
    for (let s = scales[0]; s < scales[1]; s++) {
      const re = maps.responseRe[s],
        im = maps.responseIm[s];
      if (!kernel || !scratch) {
        filterRow(spectrum, bank.radial[s], q, spread, r, mirrorRow, cols, from, to, re, im);
        continue;
      }
      const radial = scratch.radial[s];
      radial.set(bank.radial[s].subarray(q, q + quadrantCols));
      const kept = 8 * r * middle,
        mirrored = 8 * mirrorRow * middle,
        line = 8 * r * cols;
      const specRe = spectrum.re.byteOffset,
        specIm = spectrum.im.byteOffset;
      kernel(
        specRe + kept,
        specIm + kept,
        specRe + mirrored,
        specIm + mirrored,
        radial.byteOffset,
        spread.byteOffset,
        re.byteOffset + line,
        im.byteOffset + line,
        from,
        to,
        middle,
        cols,
      );
    }
  }
}

function filterRow(
  spectrum: Spectrum,
  radial: Float64Array,
  q: number,
  spread: Float64Array,
  r: number,
  mirrorRow: number,
  cols: number,
  from: number,
  to: number,
  re: Float64Array,
  im: Float64Array,
): void {
  const { re: sre, im: sim } = spectrum;
  // The spectrum's width is the middle: columns 0…⌊cols/2⌋.
  const middle = (cols >> 1) + 1;
  const line = r * cols,
    kept = r * middle,
    mirrored = mirrorRow * middle;
  for (let c = from, end = Math.min(to, middle); c < end; c++) {
    const filter = radial[q + c] * spread[c - from];
    re[line + c] = sre[kept + c] * filter;
    im[line + c] = sim[kept + c] * filter;
  }
  for (let c = Math.max(from, middle); c < to; c++) {
    const filter = radial[q + cols - c] * spread[c - from];
    re[line + c] = sre[mirrored + cols - c] * filter;
    im[line + c] = -sim[mirrored + cols - c] * filter;
  }
}

/**
 * Energy, amplitude (added to the earlier orientations' unless `first`) and the smallest
 * scale's squared amplitude of the row of pixels [start, start + cols), from the four
 * scales' responses interleaved (re[4x + s], im[4x + s]; still unscaled by the inverse
 * transform's 1/n). Energy and squared amplitude go to the largest scale's response maps,
 * which are done with by then.
 */
function energyRow(maps: PcMaps, re: Float64Array, im: Float64Array, start: number, cols: number, inv: number, first: boolean): void {
  const { energy, amplitude, smallestScaleEnergy: a0sq } = maps;
  const eps = PC.epsilon;
  for (let x = 0, b = 0; x < cols; x++, b += 4) {
    const i = start + x;
    const er0 = re[b] * inv,
      oi0 = im[b] * inv;
    const er1 = re[b + 1] * inv,
      oi1 = im[b + 1] * inv;
    const er2 = re[b + 2] * inv,
      oi2 = im[b + 2] * inv;
    const er3 = re[b + 3] * inv,
      oi3 = im[b + 3] * inv;
    const sumE = er0 + er1 + er2 + er3;
    const sumO = oi0 + oi1 + oi2 + oi3;
    const sq0 = er0 * er0 + oi0 * oi0;
    const sumAn = Math.sqrt(sq0) + Math.sqrt(er1 * er1 + oi1 * oi1) + Math.sqrt(er2 * er2 + oi2 * oi2) + Math.sqrt(er3 * er3 + oi3 * oi3);
    amplitude[i] = first ? sumAn : amplitude[i] + sumAn;
    a0sq[i] = sq0;
    const x2 = Math.sqrt(sumE * sumE + sumO * sumO) + eps;
    const mE = sumE / x2,
      mO = sumO / x2;
    energy[i] =
      er0 * mE +
      oi0 * mO -
      Math.abs(er0 * mO - oi0 * mE) +
      (er1 * mE + oi1 * mO - Math.abs(er1 * mO - oi1 * mE)) +
      (er2 * mE + oi2 * mO - Math.abs(er2 * mO - oi2 * mE)) +
      (er3 * mE + oi3 * mO - Math.abs(er3 * mO - oi3 * mE));
  }
}

/** total (=, or += unless first) max(energy − T, 0) over pixels [from, to). */
export function addThresholded(
  total: Float64Array,
  energy: Float64Array,
  threshold: number,
  first: boolean,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) {
    const e = Math.max(energy[i] - threshold, 0);
    total[i] = first ? e : total[i] + e;
  }
}
