/**
 * Phase congruency of one orientation on the CPU (FSIM_SPEC.md §3, steps 1–4): the four
 * filtered inverse transforms, the energy sums, the exact-median noise threshold.
 * Runs unchanged on the main thread, in a Node worker or in a Web Worker.
 */
import { PC } from '../constants.js';
import { noiseThreshold, type FilterBank } from '../bank.js';
import { Fft2D } from './fft2d.js';
import { medianInPlace } from './median.js';

export interface Spectrum {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Scratch memory for one size, reused across orientations and images (11 maps of n doubles). */
export class OrientationKernel {
  readonly rows: number;
  readonly cols: number;
  private readonly fft: Fft2D;
  private readonly responseRe: Float64Array[];
  private readonly responseIm: Float64Array[];
  private readonly smallestScaleEnergy: Float64Array;

  constructor(rows: number, cols: number) {
    this.rows = rows;
    this.cols = cols;
    this.fft = new Fft2D(rows, cols);
    const n = rows * cols;
    this.responseRe = Array.from({ length: PC.nscale }, () => new Float64Array(n));
    this.responseIm = Array.from({ length: PC.nscale }, () => new Float64Array(n));
    this.smallestScaleEnergy = new Float64Array(n);
  }

  /**
   * Writes the thresholded energy max(Energy_o − T, 0) and the amplitude sum sumAn_o of
   * orientation o into `energy` and `amplitude`; returns the threshold T.
   */
  run(bank: FilterBank, spectrum: Spectrum, o: number, energy: Float64Array, amplitude: Float64Array): number {
    const { rows, cols, fft, responseRe, responseIm } = this;
    const spread = bank.angular[o];
    // EO_so = IDFT2(IM · G_s · S_o): filter, then all columns, …
    for (let s = 0; s < PC.nscale; s++) {
      filterSpectrum(spectrum, bank.radial[s], spread, responseRe[s], responseIm[s]);
      fft.inverseColumns(responseRe[s], responseIm[s]);
    }
    // … then each row of the four responses, consumed while it is in cache.
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < PC.nscale; s++) fft.inverseRow(responseRe[s], responseIm[s], r);
      energyRow(responseRe, responseIm, r * cols, (r + 1) * cols, 1 / (rows * cols), energy, amplitude, this.smallestScaleEnergy);
    }
    const threshold = noiseThreshold(bank.noise[o], medianInPlace(this.smallestScaleEnergy));
    subtractThreshold(energy, threshold);
    return threshold;
  }
}

// Each loop is its own small function: V8 optimises them one by one as they get hot, where
// one long function would be optimised on its first loop and then deoptimised at the next
// (a cold start's largest cost at small sizes).

/** response = spectrum · radial · spread (the filter is real). */
function filterSpectrum(spectrum: Spectrum, radial: Float64Array, spread: Float64Array, re: Float64Array, im: Float64Array): void {
  const { re: sre, im: sim } = spectrum;
  for (let i = 0; i < re.length; i++) {
    const filter = radial[i] * spread[i];
    re[i] = sre[i] * filter;
    im[i] = sim[i] * filter;
  }
}

/**
 * Energy and amplitude sum of pixels [from, to) from the four scales' responses (still
 * unscaled by the inverse transform's 1/n), and the smallest scale's squared amplitude.
 */
function energyRow(
  responseRe: Float64Array[],
  responseIm: Float64Array[],
  from: number,
  to: number,
  inv: number,
  energy: Float64Array,
  amplitude: Float64Array,
  a0sq: Float64Array,
): void {
  const [e0, e1, e2, e3] = responseRe;
  const [o0, o1, o2, o3] = responseIm;
  const eps = PC.epsilon;
  for (let i = from; i < to; i++) {
    const er0 = e0[i] * inv,
      oi0 = o0[i] * inv;
    const er1 = e1[i] * inv,
      oi1 = o1[i] * inv;
    const er2 = e2[i] * inv,
      oi2 = o2[i] * inv;
    const er3 = e3[i] * inv,
      oi3 = o3[i] * inv;
    const sumE = er0 + er1 + er2 + er3;
    const sumO = oi0 + oi1 + oi2 + oi3;
    const sq0 = er0 * er0 + oi0 * oi0;
    amplitude[i] = Math.sqrt(sq0) + Math.sqrt(er1 * er1 + oi1 * oi1) + Math.sqrt(er2 * er2 + oi2 * oi2) + Math.sqrt(er3 * er3 + oi3 * oi3);
    a0sq[i] = sq0;
    const x = Math.sqrt(sumE * sumE + sumO * sumO) + eps;
    const mE = sumE / x,
      mO = sumO / x;
    energy[i] =
      er0 * mE +
      oi0 * mO -
      Math.abs(er0 * mO - oi0 * mE) +
      (er1 * mE + oi1 * mO - Math.abs(er1 * mO - oi1 * mE)) +
      (er2 * mE + oi2 * mO - Math.abs(er2 * mO - oi2 * mE)) +
      (er3 * mE + oi3 * mO - Math.abs(er3 * mO - oi3 * mE));
  }
}

/** energy = max(energy − T, 0). */
function subtractThreshold(energy: Float64Array, threshold: number): void {
  for (let i = 0; i < energy.length; i++) energy[i] = Math.max(energy[i] - threshold, 0);
}
