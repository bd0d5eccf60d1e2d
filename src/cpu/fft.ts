/**
 * Float64 FFT kernels for the CPU path. They execute the plans of `../fft/plan.ts` on
 * split real/imaginary arrays holding `width` independent transforms interleaved
 * element-wise: element t of transform c sits at t·width + c. width = 1 is one contiguous
 * transform (a row); width = cols transforms every column of a row-major map at once, so
 * column passes stream whole rows instead of striding (one twiddle serves the row).
 * The inverse uses IDFT(x) = swap(DFT(swap(x)))/n, which with split arrays is DFT(im, re).
 */
import { fftPlan, type BluesteinPlan, type FftPlan, type StockhamPlan } from '../fft/plan.js';

type Arr = Float64Array;

function stage2(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number): void {
  const g = n / 2;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const wr = tw[2 * k],
        wi = tw[2 * k + 1];
      const i0 = (j0 + k) * w,
        i1 = i0 + g * w;
      const o0 = (j0 * 2 + k) * w,
        o1 = o0 + s * w;
      for (let c = 0; c < w; c++) {
        const br = xr[i1 + c],
          bi = xi[i1 + c];
        const b1r = br * wr - bi * wi,
          b1i = br * wi + bi * wr;
        const ar = xr[i0 + c],
          ai = xi[i0 + c];
        yr[o0 + c] = ar + b1r;
        yi[o0 + c] = ai + b1i;
        yr[o1 + c] = ar - b1r;
        yi[o1 + c] = ai - b1i;
      }
    }
  }
}

function stage4(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number): void {
  const g = n / 4;
  const gw = g * w,
    sw = s * w;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 6 * k;
      const w1r = tw[t],
        w1i = tw[t + 1],
        w2r = tw[t + 2],
        w2i = tw[t + 3],
        w3r = tw[t + 4],
        w3i = tw[t + 5];
      const i0 = (j0 + k) * w;
      const o0 = (j0 * 4 + k) * w;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c,
          p1 = p0 + gw,
          p2 = p1 + gw,
          p3 = p2 + gw;
        const a0r = xr[p0],
          a0i = xi[p0];
        let pr = xr[p1],
          pi = xi[p1];
        const a1r = pr * w1r - pi * w1i,
          a1i = pr * w1i + pi * w1r;
        pr = xr[p2];
        pi = xi[p2];
        const a2r = pr * w2r - pi * w2i,
          a2i = pr * w2i + pi * w2r;
        pr = xr[p3];
        pi = xi[p3];
        const a3r = pr * w3r - pi * w3i,
          a3i = pr * w3i + pi * w3r;
        const t0r = a0r + a2r,
          t0i = a0i + a2i;
        const t1r = a0r - a2r,
          t1i = a0i - a2i;
        const t2r = a1r + a3r,
          t2i = a1i + a3i;
        // (a1 − a3)·(−i)
        const t3r = a1i - a3i,
          t3i = a3r - a1r;
        const q0 = o0 + c,
          q1 = q0 + sw,
          q2 = q1 + sw,
          q3 = q2 + sw;
        yr[q0] = t0r + t2r;
        yi[q0] = t0i + t2i;
        yr[q1] = t1r + t3r;
        yi[q1] = t1i + t3i;
        yr[q2] = t0r - t2r;
        yi[q2] = t0i - t2i;
        yr[q3] = t1r - t3r;
        yi[q3] = t1i - t3i;
      }
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function stage3(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number): void {
  const g = n / 3;
  const gw = g * w,
    sw = s * w;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 4 * k;
      const w1r = tw[t],
        w1i = tw[t + 1],
        w2r = tw[t + 2],
        w2i = tw[t + 3];
      const i0 = (j0 + k) * w;
      const o0 = (j0 * 3 + k) * w;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c,
          p1 = p0 + gw,
          p2 = p1 + gw;
        const a0r = xr[p0],
          a0i = xi[p0];
        let pr = xr[p1],
          pi = xi[p1];
        const a1r = pr * w1r - pi * w1i,
          a1i = pr * w1i + pi * w1r;
        pr = xr[p2];
        pi = xi[p2];
        const a2r = pr * w2r - pi * w2i,
          a2i = pr * w2i + pi * w2r;
        const sr = a1r + a2r,
          si = a1i + a2i;
        const dr = a1r - a2r,
          di = a1i - a2i;
        const mr = a0r - 0.5 * sr,
          mi = a0i - 0.5 * si;
        const q0 = o0 + c,
          q1 = q0 + sw,
          q2 = q1 + sw;
        yr[q0] = a0r + sr;
        yi[q0] = a0i + si;
        // ∓i·(√3/2)·d
        yr[q1] = mr + SIN_60 * di;
        yi[q1] = mi - SIN_60 * dr;
        yr[q2] = mr - SIN_60 * di;
        yi[q2] = mi + SIN_60 * dr;
      }
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5),
  C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5),
  S2 = Math.sin((4 * Math.PI) / 5);

function stage5(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number): void {
  const g = n / 5;
  const gw = g * w,
    sw = s * w;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 8 * k;
      const w1r = tw[t],
        w1i = tw[t + 1],
        w2r = tw[t + 2],
        w2i = tw[t + 3];
      const w3r = tw[t + 4],
        w3i = tw[t + 5],
        w4r = tw[t + 6],
        w4i = tw[t + 7];
      const i0 = (j0 + k) * w;
      const o0 = (j0 * 5 + k) * w;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c,
          p1 = p0 + gw,
          p2 = p1 + gw,
          p3 = p2 + gw,
          p4 = p3 + gw;
        const a0r = xr[p0],
          a0i = xi[p0];
        let pr = xr[p1],
          pi = xi[p1];
        const a1r = pr * w1r - pi * w1i,
          a1i = pr * w1i + pi * w1r;
        pr = xr[p2];
        pi = xi[p2];
        const a2r = pr * w2r - pi * w2i,
          a2i = pr * w2i + pi * w2r;
        pr = xr[p3];
        pi = xi[p3];
        const a3r = pr * w3r - pi * w3i,
          a3i = pr * w3i + pi * w3r;
        pr = xr[p4];
        pi = xi[p4];
        const a4r = pr * w4r - pi * w4i,
          a4i = pr * w4i + pi * w4r;
        const t1r = a1r + a4r,
          t1i = a1i + a4i;
        const t2r = a2r + a3r,
          t2i = a2i + a3i;
        const t3r = a1r - a4r,
          t3i = a1i - a4i;
        const t4r = a2r - a3r,
          t4i = a2i - a3i;
        const b1r = a0r + C1 * t1r + C2 * t2r,
          b1i = a0i + C1 * t1i + C2 * t2i;
        const b2r = a0r + C2 * t1r + C1 * t2r,
          b2i = a0i + C2 * t1i + C1 * t2i;
        const u1r = S1 * t3r + S2 * t4r,
          u1i = S1 * t3i + S2 * t4i;
        const u2r = S2 * t3r - S1 * t4r,
          u2i = S2 * t3i - S1 * t4i;
        const q0 = o0 + c,
          q1 = q0 + sw,
          q2 = q1 + sw,
          q3 = q2 + sw,
          q4 = q3 + sw;
        yr[q0] = a0r + t1r + t2r;
        yi[q0] = a0i + t1i + t2i;
        // y1 = b1 − i·u1, y4 = b1 + i·u1, y2 = b2 − i·u2, y3 = b2 + i·u2
        yr[q1] = b1r + u1i;
        yi[q1] = b1i - u1r;
        yr[q4] = b1r - u1i;
        yi[q4] = b1i + u1r;
        yr[q2] = b2r + u2i;
        yi[q2] = b2i - u2r;
        yr[q3] = b2r - u2i;
        yi[q3] = b2i + u2r;
      }
    }
  }
}

/**
 * Any odd radix R as a direct DFT folded over the pairs (r, R−r):
 * y_q = a_0 + Σ_{r ≤ (R−1)/2} [cos(2πrq/R)·(a_r + a_{R−r}) − i·sin(2πrq/R)·(a_r − a_{R−r})],
 * half the multiplications of the plain sum.
 */
function stageOdd(xr: Arr, xi: Arr, yr: Arr, yi: Arr, n: number, s: number, tw: Arr, w: number, radix: number): void {
  const g = n / radix;
  const half = (radix - 1) / 2;
  const cosTable = new Float64Array(radix * (half + 1)),
    sinTable = new Float64Array(radix * (half + 1));
  for (let q = 0; q < radix; q++) {
    for (let r = 1; r <= half; r++) {
      const angle = (2 * Math.PI * ((r * q) % radix)) / radix;
      cosTable[q * (half + 1) + r] = Math.cos(angle);
      sinTable[q * (half + 1) + r] = Math.sin(angle);
    }
  }
  const ar = new Float64Array(radix),
    ai = new Float64Array(radix);
  const sumR = new Float64Array(half + 1),
    sumI = new Float64Array(half + 1);
  const difR = new Float64Array(half + 1),
    difI = new Float64Array(half + 1);
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const i0 = (j0 + k) * w;
      const o0 = (j0 * radix + k) * w;
      for (let c = 0; c < w; c++) {
        ar[0] = xr[i0 + c];
        ai[0] = xi[i0 + c];
        for (let r = 1; r < radix; r++) {
          const t = (k * (radix - 1) + r - 1) * 2;
          const p = i0 + r * g * w + c;
          const pr = xr[p],
            pi = xi[p];
          ar[r] = pr * tw[t] - pi * tw[t + 1];
          ai[r] = pr * tw[t + 1] + pi * tw[t];
        }
        let y0r = ar[0],
          y0i = ai[0];
        for (let r = 1; r <= half; r++) {
          sumR[r] = ar[r] + ar[radix - r];
          sumI[r] = ai[r] + ai[radix - r];
          difR[r] = ar[r] - ar[radix - r];
          difI[r] = ai[r] - ai[radix - r];
          y0r += sumR[r];
          y0i += sumI[r];
        }
        yr[o0 + c] = y0r;
        yi[o0 + c] = y0i;
        for (let q = 1; q < radix; q++) {
          let er = ar[0],
            ei = ai[0],
            or = 0,
            oi = 0;
          const row = q * (half + 1);
          for (let r = 1; r <= half; r++) {
            const cs = cosTable[row + r],
              sn = sinTable[row + r];
            er += cs * sumR[r];
            ei += cs * sumI[r];
            or += sn * difR[r];
            oi += sn * difI[r];
          }
          // − i·(or + i·oi) = oi − i·or
          const q0 = o0 + q * s * w + c;
          yr[q0] = er + oi;
          yi[q0] = ei - or;
        }
      }
    }
  }
}

function runStockham(plan: StockhamPlan, re: Arr, im: Arr, sr: Arr, si: Arr, w: number): void {
  let xr = re,
    xi = im,
    yr = sr,
    yi = si;
  const n = plan.n;
  for (const { radix, stride, twiddles } of plan.stages) {
    switch (radix) {
      case 2:
        stage2(xr, xi, yr, yi, n, stride, twiddles, w);
        break;
      case 3:
        stage3(xr, xi, yr, yi, n, stride, twiddles, w);
        break;
      case 4:
        stage4(xr, xi, yr, yi, n, stride, twiddles, w);
        break;
      case 5:
        stage5(xr, xi, yr, yi, n, stride, twiddles, w);
        break;
      default:
        stageOdd(xr, xi, yr, yi, n, stride, twiddles, w, radix);
    }
    [xr, yr] = [yr, xr];
    [xi, yi] = [yi, xi];
  }
  if (xr !== re) {
    re.set(xr.subarray(0, n * w));
    im.set(xi.subarray(0, n * w));
  }
}

/**
 * Transforms of one length n, `width` at a time (see the module comment), with their own
 * scratch memory (not shareable between threads). `forward` is the unnormalised DFT,
 * `inverse` the unnormalised inverse (no 1/n), both in place on the first n·width entries.
 */
export class Fft1D {
  readonly n: number;
  readonly width: number;
  private readonly plan: FftPlan;
  private readonly scratchRe: Arr;
  private readonly scratchIm: Arr;
  private readonly inner?: Fft1D;
  private readonly padRe?: Arr;
  private readonly padIm?: Arr;

  constructor(n: number, width = 1) {
    this.n = n;
    this.width = width;
    this.plan = fftPlan(n);
    if (this.plan.kind === 'bluestein') {
      this.inner = new Fft1D(this.plan.m, width);
      this.padRe = new Float64Array(this.plan.m * width);
      this.padIm = new Float64Array(this.plan.m * width);
      this.scratchRe = this.scratchIm = new Float64Array(0);
    } else {
      this.scratchRe = new Float64Array(n * width);
      this.scratchIm = new Float64Array(n * width);
    }
  }

  forward(re: Arr, im: Arr): void {
    if (this.plan.kind === 'stockham') runStockham(this.plan, re, im, this.scratchRe, this.scratchIm, this.width);
    else this.bluestein(this.plan, re, im);
  }

  inverse(re: Arr, im: Arr): void {
    this.forward(im, re);
  }

  private bluestein(plan: BluesteinPlan, re: Arr, im: Arr): void {
    const { n, m, chirp, kernelSpectrum: ks } = plan;
    const w = this.width;
    const pr = this.padRe!,
      pi = this.padIm!;
    for (let k = 0; k < n; k++) {
      const cr = chirp[2 * k],
        ci = chirp[2 * k + 1];
      for (let c = k * w; c < (k + 1) * w; c++) {
        pr[c] = re[c] * cr - im[c] * ci;
        pi[c] = re[c] * ci + im[c] * cr;
      }
    }
    pr.fill(0, n * w);
    pi.fill(0, n * w);
    this.inner!.forward(pr, pi);
    for (let k = 0; k < m; k++) {
      const kr = ks[2 * k],
        ki = ks[2 * k + 1];
      for (let c = k * w; c < (k + 1) * w; c++) {
        const ar = pr[c],
          ai = pi[c];
        pr[c] = ar * kr - ai * ki;
        pi[c] = ar * ki + ai * kr;
      }
    }
    this.inner!.inverse(pr, pi);
    const scale = 1 / m;
    for (let k = 0; k < n; k++) {
      const cr = chirp[2 * k] * scale,
        ci = chirp[2 * k + 1] * scale;
      for (let c = k * w; c < (k + 1) * w; c++) {
        const ar = pr[c],
          ai = pi[c];
        re[c] = ar * cr - ai * ci;
        im[c] = ar * ci + ai * cr;
      }
    }
  }
}
