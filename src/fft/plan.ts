/**
 * FFT plans: the factorisation of a length and its float64 twiddle tables.
 *
 * One plan per length, shared by the CPU kernels (which run it in float64) and the
 * WebGPU kernels (which upload the same tables as float32). WGSL's sin/cos are only
 * ~2^-11 accurate, so every trigonometric value is computed here, once, in float64.
 *
 * Algorithm: Stockham autosort, decimation in time. Stage t has radix R and stride
 * Ns = R_0·…·R_{t-1}; butterfly j (0 ≤ j < N/R) reads x[j + r·N/R], multiplies by
 * w^(r·(j mod Ns)) with w = exp(−2πi/(Ns·R)), takes an R-point DFT and writes
 * y[(j div Ns)·Ns·R + (j mod Ns) + q·Ns]. Lengths with a prime factor above
 * MAX_DIRECT_RADIX go through Bluestein's chirp-z algorithm on a smooth length.
 */

/** Largest prime radix done as a direct butterfly; larger primes use Bluestein. */
export const MAX_DIRECT_RADIX = 13;

export interface StockhamStage {
  readonly radix: number;
  /** Product of the radices of the earlier stages. */
  readonly stride: number;
  /** exp(−2πi·r·k/(stride·radix)) for k < stride, r = 1..radix−1, at [(k·(radix−1) + r−1)·2]. */
  readonly twiddles: Float64Array;
}

export interface StockhamPlan {
  readonly kind: 'stockham';
  readonly n: number;
  readonly stages: readonly StockhamStage[];
}

export interface BluesteinPlan {
  readonly kind: 'bluestein';
  readonly n: number;
  /** Smooth length m ≥ 2n − 1 of the circular convolution. */
  readonly m: number;
  readonly inner: StockhamPlan;
  /** chirp[k] = exp(−iπk²/n), interleaved re/im, k < n. */
  readonly chirp: Float64Array;
  /** Forward DFT (length m) of the conjugate chirp wrapped circularly, interleaved re/im. */
  readonly kernelSpectrum: Float64Array;
}

export type FftPlan = StockhamPlan | BluesteinPlan;

/**
 * Radices of the stages: powers of two first, as large as `maxPowerOfTwoRadix` allows
 * (the CPU kernels take 4 and 2; the GPU kernels up to 16, since every stage is a pass
 * through memory), then the odd primes ascending.
 */
export function radixSequence(n: number, maxPowerOfTwoRadix = 4): number[] {
  const radices: number[] = [];
  let rest = n;
  while (rest % maxPowerOfTwoRadix === 0 && maxPowerOfTwoRadix > 1) {
    radices.push(maxPowerOfTwoRadix);
    rest /= maxPowerOfTwoRadix;
  }
  let twos = 1;
  while (rest % 2 === 0) {
    twos *= 2;
    rest /= 2;
  }
  if (twos > 1) radices.push(twos);
  for (let p = 3; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  if (rest > 1) radices.push(rest);
  return radices;
}

function isDirect(n: number): boolean {
  return radixSequence(n).every((r) => r <= MAX_DIRECT_RADIX);
}

/** Smallest length ≥ min whose prime factors are 2, 3 and 5 only. */
export function smoothLengthAtLeast(min: number): number {
  let best = Infinity;
  for (let p5 = 1; p5 < 2 * min; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * min; p35 *= 3) {
      let m = p35;
      while (m < min) m *= 2;
      if (m < best) best = m;
    }
  }
  return best;
}

/** exp(−2πi·num/den) with the angle reduced exactly in integers first. */
function unitRoot(num: number, den: number, out: Float64Array, at: number): void {
  const k = ((num % den) + den) % den;
  const angle = (-2 * Math.PI * k) / den;
  out[at] = Math.cos(angle);
  out[at + 1] = Math.sin(angle);
}

function stockhamPlan(n: number, maxPowerOfTwoRadix: number): StockhamPlan {
  const stages: StockhamStage[] = [];
  let stride = 1;
  for (const radix of radixSequence(n, maxPowerOfTwoRadix)) {
    const twiddles = new Float64Array(stride * (radix - 1) * 2);
    for (let k = 0; k < stride; k++) {
      for (let r = 1; r < radix; r++) unitRoot(r * k, stride * radix, twiddles, (k * (radix - 1) + r - 1) * 2);
    }
    stages.push({ radix, stride, twiddles });
    stride *= radix;
  }
  return { kind: 'stockham', n, stages };
}

function bluesteinPlan(n: number, maxPowerOfTwoRadix: number): BluesteinPlan {
  const m = smoothLengthAtLeast(2 * n - 1);
  const inner = stockhamPlan(m, maxPowerOfTwoRadix);
  const chirp = new Float64Array(2 * n);
  // k² mod 2n keeps the angle small and exact: exp(−iπk²/n) = exp(−2πi·(k² mod 2n)/(2n)).
  for (let k = 0; k < n; k++) unitRoot((k * k) % (2 * n), 2 * n, chirp, 2 * k);
  const kernel = new Float64Array(2 * m);
  for (let k = 0; k < n; k++) {
    kernel[2 * k] = chirp[2 * k];
    kernel[2 * k + 1] = -chirp[2 * k + 1];
    if (k > 0) {
      kernel[2 * (m - k)] = chirp[2 * k];
      kernel[2 * (m - k) + 1] = -chirp[2 * k + 1];
    }
  }
  const kernelSpectrum = directStockhamInterleaved(inner, kernel);
  return { kind: 'bluestein', n, m, inner, chirp, kernelSpectrum };
}

/** Plain float64 run of a Stockham plan on interleaved data (used once, to build Bluestein kernels). */
function directStockhamInterleaved(plan: StockhamPlan, data: Float64Array): Float64Array {
  const n = plan.n;
  let x = Float64Array.from(data);
  let y = new Float64Array(2 * n);
  for (const { radix, stride, twiddles } of plan.stages) {
    const groups = n / radix;
    for (let j = 0; j < groups; j++) {
      const k = j % stride;
      const base = (j - k) * radix + k;
      for (let q = 0; q < radix; q++) {
        let sr = 0;
        let si = 0;
        for (let r = 0; r < radix; r++) {
          let ar = x[2 * (j + r * groups)];
          let ai = x[2 * (j + r * groups) + 1];
          if (r > 0) {
            const t = (k * (radix - 1) + r - 1) * 2;
            const wr = twiddles[t];
            const wi = twiddles[t + 1];
            const tr = ar * wr - ai * wi;
            ai = ar * wi + ai * wr;
            ar = tr;
          }
          const angle = (-2 * Math.PI * ((r * q) % radix)) / radix;
          const c = Math.cos(angle);
          const s = Math.sin(angle);
          sr += ar * c - ai * s;
          si += ar * s + ai * c;
        }
        y[2 * (base + q * stride)] = sr;
        y[2 * (base + q * stride) + 1] = si;
      }
    }
    [x, y] = [y, x];
  }
  return x;
}

const planCache = new Map<string, FftPlan>();

/**
 * The plan for length n (cached: plans are immutable). Both paths build theirs here; they
 * differ only in the largest power-of-two radix their kernels take (see radixSequence).
 */
export function fftPlan(n: number, maxPowerOfTwoRadix = 4): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  const key = `${n}/${maxPowerOfTwoRadix}`;
  let plan = planCache.get(key);
  if (!plan) {
    plan = isDirect(n) ? stockhamPlan(n, maxPowerOfTwoRadix) : bluesteinPlan(n, maxPowerOfTwoRadix);
    planCache.set(key, plan);
  }
  return plan;
}
