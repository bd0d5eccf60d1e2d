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
    const { rows, cols, fft } = this;
    const n = rows * cols;
    const spread = bank.angular[o];
    // EO_so = IDFT2(IM · G_s · S_o): filter, then all columns, …
    for (let s = 0; s < PC.nscale; s++) {
      const radial = bank.radial[s];
      const re = this.responseRe[s],
        im = this.responseIm[s];
      for (let i = 0; i < n; i++) {
        const filter = radial[i] * spread[i];
        re[i] = spectrum.re[i] * filter;
        im[i] = spectrum.im[i] * filter;
      }
      fft.inverseColumns(re, im);
    }
    // … then each row of the four responses, consumed while it is in cache.
    const inv = 1 / n;
    const [e0, e1, e2, e3] = this.responseRe;
    const [o0, o1, o2, o3] = this.responseIm;
    const a0sq = this.smallestScaleEnergy;
    const eps = PC.epsilon;
    for (let r = 0; r < rows; r++) {
      const from = r * cols,
        to = from + cols;
      for (let s = 0; s < PC.nscale; s++) fft.inverseRow(this.responseRe[s], this.responseIm[s], r);
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
        amplitude[i] =
          Math.sqrt(sq0) + Math.sqrt(er1 * er1 + oi1 * oi1) + Math.sqrt(er2 * er2 + oi2 * oi2) + Math.sqrt(er3 * er3 + oi3 * oi3);
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
    const threshold = noiseThreshold(bank.noise[o], medianInPlace(a0sq));
    for (let i = 0; i < n; i++) {
      const e = energy[i] - threshold;
      energy[i] = Math.max(e, 0);
    }
    return threshold;
  }
}
