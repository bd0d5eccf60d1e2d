/**
 * Float64 FFT kernels for the CPU path. They execute the plans of `../fft/plan.ts` on
 * split real/imaginary arrays. The inverse uses the swap identity
 * IDFT(x) = swap(DFT(swap(x)))/n, which with split arrays is just DFT(im, re).
 */
import { fftPlan, type BluesteinPlan, type FftPlan, type StockhamPlan } from '../fft/plan.js';

type Arr = Float64Array;

function stage2(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr): void {
  const g = n / 2;
  for (let j0 = 0; j0 < g; j0 += s) {
    const o0 = j0 * 2;
    for (let k = 0; k < s; k++) {
      const j = j0 + k;
      const wr = tw[2 * k], wi = tw[2 * k + 1];
      const br = xr[j + g], bi = xi[j + g];
      const b1r = br * wr - bi * wi, b1i = br * wi + bi * wr;
      const ar = xr[j], ai = xi[j];
      const o = o0 + k;
      yr[o] = ar + b1r; yi[o] = ai + b1i;
      yr[o + s] = ar - b1r; yi[o + s] = ai - b1i;
    }
  }
}

function stage4(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr): void {
  const g = n / 4;
  for (let j0 = 0; j0 < g; j0 += s) {
    const o0 = j0 * 4;
    for (let k = 0; k < s; k++) {
      const j = j0 + k;
      const t = 6 * k;
      const a0r = xr[j], a0i = xi[j];
      let pr = xr[j + g], pi = xi[j + g];
      const a1r = pr * tw[t] - pi * tw[t + 1], a1i = pr * tw[t + 1] + pi * tw[t];
      pr = xr[j + 2 * g]; pi = xi[j + 2 * g];
      const a2r = pr * tw[t + 2] - pi * tw[t + 3], a2i = pr * tw[t + 3] + pi * tw[t + 2];
      pr = xr[j + 3 * g]; pi = xi[j + 3 * g];
      const a3r = pr * tw[t + 4] - pi * tw[t + 5], a3i = pr * tw[t + 5] + pi * tw[t + 4];
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      // (a1 − a3)·(−i)
      const t3r = a1i - a3i, t3i = a3r - a1r;
      const o = o0 + k;
      yr[o] = t0r + t2r; yi[o] = t0i + t2i;
      yr[o + s] = t1r + t3r; yi[o + s] = t1i + t3i;
      yr[o + 2 * s] = t0r - t2r; yi[o + 2 * s] = t0i - t2i;
      yr[o + 3 * s] = t1r - t3r; yi[o + 3 * s] = t1i - t3i;
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function stage3(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr): void {
  const g = n / 3;
  for (let j0 = 0; j0 < g; j0 += s) {
    const o0 = j0 * 3;
    for (let k = 0; k < s; k++) {
      const j = j0 + k;
      const t = 4 * k;
      const a0r = xr[j], a0i = xi[j];
      let pr = xr[j + g], pi = xi[j + g];
      const a1r = pr * tw[t] - pi * tw[t + 1], a1i = pr * tw[t + 1] + pi * tw[t];
      pr = xr[j + 2 * g]; pi = xi[j + 2 * g];
      const a2r = pr * tw[t + 2] - pi * tw[t + 3], a2i = pr * tw[t + 3] + pi * tw[t + 2];
      const sr = a1r + a2r, si = a1i + a2i;
      const dr = a1r - a2r, di = a1i - a2i;
      const mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
      const o = o0 + k;
      yr[o] = a0r + sr; yi[o] = a0i + si;
      // ∓i·(√3/2)·d
      yr[o + s] = mr + SIN_60 * di; yi[o + s] = mi - SIN_60 * dr;
      yr[o + 2 * s] = mr - SIN_60 * di; yi[o + 2 * s] = mi + SIN_60 * dr;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5), C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5), S2 = Math.sin((4 * Math.PI) / 5);

function stage5(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr): void {
  const g = n / 5;
  for (let j0 = 0; j0 < g; j0 += s) {
    const o0 = j0 * 5;
    for (let k = 0; k < s; k++) {
      const j = j0 + k;
      const t = 8 * k;
      const a0r = xr[j], a0i = xi[j];
      let pr = xr[j + g], pi = xi[j + g];
      const a1r = pr * tw[t] - pi * tw[t + 1], a1i = pr * tw[t + 1] + pi * tw[t];
      pr = xr[j + 2 * g]; pi = xi[j + 2 * g];
      const a2r = pr * tw[t + 2] - pi * tw[t + 3], a2i = pr * tw[t + 3] + pi * tw[t + 2];
      pr = xr[j + 3 * g]; pi = xi[j + 3 * g];
      const a3r = pr * tw[t + 4] - pi * tw[t + 5], a3i = pr * tw[t + 5] + pi * tw[t + 4];
      pr = xr[j + 4 * g]; pi = xi[j + 4 * g];
      const a4r = pr * tw[t + 6] - pi * tw[t + 7], a4i = pr * tw[t + 7] + pi * tw[t + 6];
      const t1r = a1r + a4r, t1i = a1i + a4i;
      const t2r = a2r + a3r, t2i = a2i + a3i;
      const t3r = a1r - a4r, t3i = a1i - a4i;
      const t4r = a2r - a3r, t4i = a2i - a3i;
      const b1r = a0r + C1 * t1r + C2 * t2r, b1i = a0i + C1 * t1i + C2 * t2i;
      const b2r = a0r + C2 * t1r + C1 * t2r, b2i = a0i + C2 * t1i + C1 * t2i;
      const u1r = S1 * t3r + S2 * t4r, u1i = S1 * t3i + S2 * t4i;
      const u2r = S2 * t3r - S1 * t4r, u2i = S2 * t3i - S1 * t4i;
      const o = o0 + k;
      yr[o] = a0r + t1r + t2r; yi[o] = a0i + t1i + t2i;
      // y1 = b1 − i·u1, y4 = b1 + i·u1, y2 = b2 − i·u2, y3 = b2 + i·u2
      yr[o + s] = b1r + u1i; yi[o + s] = b1i - u1r;
      yr[o + 4 * s] = b1r - u1i; yi[o + 4 * s] = b1i + u1r;
      yr[o + 2 * s] = b2r + u2i; yi[o + 2 * s] = b2i - u2r;
      yr[o + 3 * s] = b2r - u2i; yi[o + 3 * s] = b2i + u2r;
    }
  }
}

/** Any radix R: a direct R-point DFT with float64 roots. */
function stageGeneric(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, radix: number): void {
  const g = n / radix;
  const rootR = new Float64Array(radix), rootI = new Float64Array(radix);
  for (let m = 0; m < radix; m++) {
    rootR[m] = Math.cos((-2 * Math.PI * m) / radix);
    rootI[m] = Math.sin((-2 * Math.PI * m) / radix);
  }
  const ar = new Float64Array(radix), ai = new Float64Array(radix);
  for (let j0 = 0; j0 < g; j0 += s) {
    const o0 = j0 * radix;
    for (let k = 0; k < s; k++) {
      const j = j0 + k;
      ar[0] = xr[j]; ai[0] = xi[j];
      for (let r = 1; r < radix; r++) {
        const t = (k * (radix - 1) + r - 1) * 2;
        const pr = xr[j + r * g], pi = xi[j + r * g];
        ar[r] = pr * tw[t] - pi * tw[t + 1];
        ai[r] = pr * tw[t + 1] + pi * tw[t];
      }
      for (let q = 0; q < radix; q++) {
        let sr = 0, si = 0, m = 0;
        for (let r = 0; r < radix; r++) {
          sr += ar[r] * rootR[m] - ai[r] * rootI[m];
          si += ar[r] * rootI[m] + ai[r] * rootR[m];
          m += q;
          if (m >= radix) m -= radix;
        }
        yr[o0 + k + q * s] = sr;
        yi[o0 + k + q * s] = si;
      }
    }
  }
}

function runStockham(plan: StockhamPlan, re: Arr, im: Arr, sr: Arr, si: Arr): void {
  let xr = re, xi = im, yr = sr, yi = si;
  const n = plan.n;
  for (const { radix, stride, twiddles } of plan.stages) {
    switch (radix) {
      case 2: stage2(xr, xi, yr, yi, n, stride, twiddles); break;
      case 3: stage3(xr, xi, yr, yi, n, stride, twiddles); break;
      case 4: stage4(xr, xi, yr, yi, n, stride, twiddles); break;
      case 5: stage5(xr, xi, yr, yi, n, stride, twiddles); break;
      default: stageGeneric(xr, xi, yr, yi, n, stride, twiddles, radix);
    }
    [xr, yr] = [yr, xr];
    [xi, yi] = [yi, xi];
  }
  if (xr !== re) {
    re.set(xr.subarray(0, n));
    im.set(xi.subarray(0, n));
  }
}

/**
 * A 1-D transform of one length with its own scratch memory (not shareable between
 * threads). `forward` is the unnormalised DFT, `inverse` the unnormalised inverse
 * (no 1/n), both in place on the first n entries of re/im.
 */
export class Fft1D {
  readonly n: number;
  private readonly plan: FftPlan;
  private readonly scratchRe: Arr;
  private readonly scratchIm: Arr;
  private readonly inner?: Fft1D;
  private readonly padRe?: Arr;
  private readonly padIm?: Arr;

  constructor(n: number) {
    this.n = n;
    this.plan = fftPlan(n);
    if (this.plan.kind === 'bluestein') {
      this.inner = new Fft1D(this.plan.m);
      this.padRe = new Float64Array(this.plan.m);
      this.padIm = new Float64Array(this.plan.m);
      this.scratchRe = new Float64Array(0);
      this.scratchIm = new Float64Array(0);
    } else {
      this.scratchRe = new Float64Array(n);
      this.scratchIm = new Float64Array(n);
    }
  }

  forward(re: Arr, im: Arr): void {
    if (this.plan.kind === 'stockham') runStockham(this.plan, re, im, this.scratchRe, this.scratchIm);
    else this.bluestein(this.plan, re, im);
  }

  inverse(re: Arr, im: Arr): void {
    this.forward(im, re);
  }

  private bluestein(plan: BluesteinPlan, re: Arr, im: Arr): void {
    const { n, m, chirp, kernelSpectrum: ks } = plan;
    const pr = this.padRe!, pi = this.padIm!;
    for (let k = 0; k < n; k++) {
      const cr = chirp[2 * k], ci = chirp[2 * k + 1];
      pr[k] = re[k] * cr - im[k] * ci;
      pi[k] = re[k] * ci + im[k] * cr;
    }
    pr.fill(0, n);
    pi.fill(0, n);
    this.inner!.forward(pr, pi);
    for (let k = 0; k < m; k++) {
      const kr = ks[2 * k], ki = ks[2 * k + 1];
      const ar = pr[k], ai = pi[k];
      pr[k] = ar * kr - ai * ki;
      pi[k] = ar * ki + ai * kr;
    }
    this.inner!.inverse(pr, pi);
    const scale = 1 / m;
    for (let k = 0; k < n; k++) {
      const cr = chirp[2 * k], ci = chirp[2 * k + 1];
      const ar = pr[k] * scale, ai = pi[k] * scale;
      re[k] = ar * cr - ai * ci;
      im[k] = ar * ci + ai * cr;
    }
  }
}
