/**
 * The frequency grid, the log-Gabor × angular filter bank and the per-size noise sums of
 * phase congruency (FSIM_SPEC.md §3). Built once per (rows, cols) in float64 and cached;
 * the CPU kernels read it directly and the GPU path uploads it. All maps are row-major in
 * DFT order (zero frequency at index 0), like the spectra they multiply.
 */
import { PC, THETA_SIGMA } from './constants.js';

export interface OrientationNoise {
  /** Σ over frequencies of the smallest-scale filter squared (EM_n). */
  readonly energyOfSmallestFilter: number;
  /** Σ_pixels Σ_s f_s², f_s = Re(IDFT2(F_so))·√n. */
  readonly sumAn2: number;
  /** Σ_pixels Σ_{i<j} f_i·f_j. */
  readonly sumAiAj: number;
}

export interface FilterBank {
  readonly rows: number;
  readonly cols: number;
  /** G_s: radial log-Gabor × low-pass, zero at DC; one map per scale. */
  readonly radial: readonly Float64Array[];
  /** S_o: angular spread; one map per orientation. The filter F_so is radial[s]·angular[o]. */
  readonly angular: readonly Float64Array[];
  readonly noise: readonly OrientationNoise[];
}

/** Allocates a Float64Array that worker threads can share where the platform allows it. */
export function sharedFloat64(length: number): Float64Array {
  const bytes = length * Float64Array.BYTES_PER_ELEMENT;
  return typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(bytes))
    : new Float64Array(bytes / Float64Array.BYTES_PER_ELEMENT);
}

/**
 * Frequencies of one axis in DFT order, as phasecong2 builds them: centred
 * (−n/2 … n/2−1)/n for even n, (−(n−1)/2 … (n−1)/2)/(n−1) for odd n, then ifftshift-ed.
 */
export function axisFrequencies(n: number): Float64Array {
  const half = Math.floor(n / 2);
  const denominator = n % 2 === 0 ? n : n - 1;
  const f = new Float64Array(n);
  for (let k = 0; k < n; k++) f[k] = (((k + half) % n) - half) / denominator;
  return f;
}

function buildBank(rows: number, cols: number): FilterBank {
  const n = rows * cols;
  const u = axisFrequencies(cols);
  const v = axisFrequencies(rows);
  const radius = new Float64Array(n);
  const sinTheta = new Float64Array(n);
  const cosTheta = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      radius[i] = Math.sqrt(u[c] * u[c] + v[r] * v[r]);
      const theta = Math.atan2(-v[r], u[c]);
      sinTheta[i] = Math.sin(theta);
      cosTheta[i] = Math.cos(theta);
    }
  }
  radius[0] = 1;

  const logSigma2 = 2 * Math.log(PC.sigmaOnf) ** 2;
  const radial: Float64Array[] = [];
  for (let s = 0; s < PC.nscale; s++) {
    const fo = 1 / (PC.minWaveLength * PC.mult ** s);
    const g = sharedFloat64(n);
    for (let i = 0; i < n; i++) {
      const lowpass = 1 / (1 + (radius[i] / PC.lowpassCutoff) ** (2 * PC.lowpassOrder));
      const l = Math.log(radius[i] / fo);
      g[i] = Math.exp(-(l * l) / logSigma2) * lowpass;
    }
    g[0] = 0;
    radial.push(g);
  }

  const angular: Float64Array[] = [];
  const spreadDenominator = 2 * THETA_SIGMA * THETA_SIGMA;
  for (let o = 0; o < PC.norient; o++) {
    const angle = (o * Math.PI) / PC.norient;
    const ca = Math.cos(angle);
    const sa = Math.sin(angle);
    const spread = sharedFloat64(n);
    for (let i = 0; i < n; i++) {
      const ds = sinTheta[i] * ca - cosTheta[i] * sa;
      const dc = cosTheta[i] * ca + sinTheta[i] * sa;
      const dTheta = Math.abs(Math.atan2(ds, dc));
      spread[i] = Math.exp(-(dTheta * dTheta) / spreadDenominator);
    }
    angular.push(spread);
  }

  return { rows, cols, radial, angular, noise: angular.map((s) => orientationNoise(rows, cols, radial, s)) };
}

/**
 * The noise sums by Parseval's theorem instead of 4 inverse FFTs per orientation:
 * Re(IDFT2(F)) is the IDFT2 of the even part F_e(k) = (F(k) + F(−k))/2 (F is real), so
 * Σ_x f_i(x)·f_j(x) = n·(1/n)·Σ_k F_e,i(k)·F_e,j(k).
 */
function orientationNoise(rows: number, cols: number, radial: readonly Float64Array[], spread: Float64Array): OrientationNoise {
  const even = new Float64Array(PC.nscale);
  let energyOfSmallestFilter = 0;
  let sumAn2 = 0;
  let sumAiAj = 0;
  for (let r = 0; r < rows; r++) {
    const rm = r === 0 ? 0 : rows - r;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const mirror = rm * cols + (c === 0 ? 0 : cols - c);
      for (let s = 0; s < PC.nscale; s++) {
        even[s] = (radial[s][i] * spread[i] + radial[s][mirror] * spread[mirror]) / 2;
      }
      const f0 = radial[0][i] * spread[i];
      energyOfSmallestFilter += f0 * f0;
      for (let a = 0; a < PC.nscale; a++) {
        sumAn2 += even[a] * even[a];
        for (let b = a + 1; b < PC.nscale; b++) sumAiAj += even[a] * even[b];
      }
    }
  }
  return { energyOfSmallestFilter, sumAn2, sumAiAj };
}

const bankCache = new Map<string, FilterBank>();
const BANK_CACHE_LIMIT = 4;

/** The filter bank for a rows × cols spectrum (least-recently-used cache of a few sizes). */
export function filterBank(rows: number, cols: number): FilterBank {
  const key = `${rows}x${cols}`;
  let bank = bankCache.get(key);
  if (bank) {
    bankCache.delete(key);
  } else {
    bank = buildBank(rows, cols);
    if (bankCache.size >= BANK_CACHE_LIMIT) bankCache.delete(bankCache.keys().next().value!);
  }
  bankCache.set(key, bank);
  return bank;
}

/** The noise threshold T of one orientation from the median of |EO_0o|² (FSIM_SPEC.md §3 step 4). */
export function noiseThreshold(noise: OrientationNoise, medianOfSmallestScaleEnergy: number): number {
  const meanE2n = -medianOfSmallestScaleEnergy / Math.log(0.5);
  const noisePower = meanE2n / noise.energyOfSmallestFilter;
  const estNoiseEnergy2 = 2 * noisePower * noise.sumAn2 + 4 * noisePower * noise.sumAiAj;
  const tau = Math.sqrt(estNoiseEnergy2 / 2);
  const estNoiseEnergy = tau * Math.sqrt(Math.PI / 2);
  const estNoiseEnergySigma = Math.sqrt((2 - Math.PI / 2) * tau * tau);
  return (estNoiseEnergy + PC.k * estNoiseEnergySigma) / PC.noiseFudge;
}
