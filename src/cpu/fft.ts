/**
 * Float64 FFT kernels for the CPU path. They execute the plans of `../fft/plan.ts` on
 * split real/imaginary arrays holding `width` independent transforms interleaved
 * element-wise: element t of transform c sits at t·width + c. width = 1 is one contiguous
 * transform (a row); width = cols transforms every column of a row-major map at once, so
 * column passes stream whole rows instead of striding (one twiddle serves the row).
 * The inverse uses IDFT(x) = swap(DFT(swap(x)))/n, which with split arrays is DFT(im, re).
 */
import { fftPlan, type BluesteinPlan, type FftPlan, type StockhamPlan } from '../fft/plan.js';
import { copyColumns, interleave } from './copies.js';
import { wasmRunsPlan } from './wasm/kernels.js';
import { WasmTransform } from './wasm/transform.js';

type Arr = Float64Array;

function stage2(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 2;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const wr = tw[2 * k],
        wi = tw[2 * k + 1];
      const i0 = xo + (j0 + k) * xl,
        i1 = i0 + g * xl;
      const o0 = yo + (j0 * 2 + k) * yl,
        o1 = o0 + s * yl;
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

function stage4(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 4;
  const gw = g * xl,
    sw = s * yl;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 6 * k;
      const w1r = tw[t],
        w1i = tw[t + 1],
        w2r = tw[t + 2],
        w2i = tw[t + 3],
        w3r = tw[t + 4],
        w3i = tw[t + 5];
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 4 + k) * yl;
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

function stage3(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 3;
  const gw = g * xl,
    sw = s * yl;
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 4 * k;
      const w1r = tw[t],
        w1i = tw[t + 1],
        w2r = tw[t + 2],
        w2i = tw[t + 3];
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 3 + k) * yl;
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

function stage5(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 5;
  const gw = g * xl,
    sw = s * yl;
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
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 5 + k) * yl;
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

// Radices 7, 11 and 13 (3640 = 2³·5·7·13 is a common width; MAX_DIRECT_RADIX = 13), each a
// direct DFT folded over the pairs (r, R−r):
//   y_q = a_0 + Σ_{r ≤ (R−1)/2} [cos(2πrq/R)·(a_r + a_{R−r}) − i·sin(2πrq/R)·(a_r − a_{R−r})],
// and y_{R−q} shares the cosine part with the sine part negated, so each sum serves two
// outputs. Unrolled with every value in a local (written by scripts/oddRadix.ts, not by hand): 6×
// faster than one loop-based kernel for every odd radix over scratch arrays.

const COS7 = [Math.cos((2 * Math.PI * 1) / 7), Math.cos((2 * Math.PI * 2) / 7), Math.cos((2 * Math.PI * 3) / 7)];
const SIN7 = [Math.sin((2 * Math.PI * 1) / 7), Math.sin((2 * Math.PI * 2) / 7), Math.sin((2 * Math.PI * 3) / 7)];

/** Radix 7. */
function stage7(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 7;
  const gw = g * xl,
    sw = s * yl;
  const c1 = COS7[0],
    s1 = SIN7[0],
    c2 = COS7[1],
    s2 = SIN7[1],
    c3 = COS7[2],
    s3 = SIN7[2];
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 12 * k;
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 7 + k) * yl;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c;
        const a0r = xr[p0],
          a0i = xi[p0];
        let p = p0,
          pr = 0,
          pi = 0,
          wr = 0,
          wi = 0;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 0];
        wi = tw[t + 1];
        const a1r = pr * wr - pi * wi,
          a1i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 2];
        wi = tw[t + 3];
        const a2r = pr * wr - pi * wi,
          a2i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 4];
        wi = tw[t + 5];
        const a3r = pr * wr - pi * wi,
          a3i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 6];
        wi = tw[t + 7];
        const a4r = pr * wr - pi * wi,
          a4i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 8];
        wi = tw[t + 9];
        const a5r = pr * wr - pi * wi,
          a5i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 10];
        wi = tw[t + 11];
        const a6r = pr * wr - pi * wi,
          a6i = pr * wi + pi * wr;
        const u1r = a1r + a6r,
          u1i = a1i + a6i,
          v1r = a1r - a6r,
          v1i = a1i - a6i;
        const u2r = a2r + a5r,
          u2i = a2i + a5i,
          v2r = a2r - a5r,
          v2i = a2i - a5i;
        const u3r = a3r + a4r,
          u3i = a3i + a4i,
          v3r = a3r - a4r,
          v3i = a3i - a4i;
        const q0 = o0 + c;
        yr[q0] = a0r + u1r + u2r + u3r;
        yi[q0] = a0i + u1i + u2i + u3i;
        const e1r = a0r + c1 * u1r + c2 * u2r + c3 * u3r,
          e1i = a0i + c1 * u1i + c2 * u2i + c3 * u3i;
        const f1r = s1 * v1r + s2 * v2r + s3 * v3r,
          f1i = s1 * v1i + s2 * v2i + s3 * v3i;
        yr[q0 + 1 * sw] = e1r + f1i;
        yi[q0 + 1 * sw] = e1i - f1r;
        yr[q0 + 6 * sw] = e1r - f1i;
        yi[q0 + 6 * sw] = e1i + f1r;
        const e2r = a0r + c2 * u1r + c3 * u2r + c1 * u3r,
          e2i = a0i + c2 * u1i + c3 * u2i + c1 * u3i;
        const f2r = s2 * v1r - s3 * v2r - s1 * v3r,
          f2i = s2 * v1i - s3 * v2i - s1 * v3i;
        yr[q0 + 2 * sw] = e2r + f2i;
        yi[q0 + 2 * sw] = e2i - f2r;
        yr[q0 + 5 * sw] = e2r - f2i;
        yi[q0 + 5 * sw] = e2i + f2r;
        const e3r = a0r + c3 * u1r + c1 * u2r + c2 * u3r,
          e3i = a0i + c3 * u1i + c1 * u2i + c2 * u3i;
        const f3r = s3 * v1r - s1 * v2r + s2 * v3r,
          f3i = s3 * v1i - s1 * v2i + s2 * v3i;
        yr[q0 + 3 * sw] = e3r + f3i;
        yi[q0 + 3 * sw] = e3i - f3r;
        yr[q0 + 4 * sw] = e3r - f3i;
        yi[q0 + 4 * sw] = e3i + f3r;
      }
    }
  }
}

const COS11 = [
  Math.cos((2 * Math.PI * 1) / 11),
  Math.cos((2 * Math.PI * 2) / 11),
  Math.cos((2 * Math.PI * 3) / 11),
  Math.cos((2 * Math.PI * 4) / 11),
  Math.cos((2 * Math.PI * 5) / 11),
];
const SIN11 = [
  Math.sin((2 * Math.PI * 1) / 11),
  Math.sin((2 * Math.PI * 2) / 11),
  Math.sin((2 * Math.PI * 3) / 11),
  Math.sin((2 * Math.PI * 4) / 11),
  Math.sin((2 * Math.PI * 5) / 11),
];

/** Radix 11. */
function stage11(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 11;
  const gw = g * xl,
    sw = s * yl;
  const c1 = COS11[0],
    s1 = SIN11[0],
    c2 = COS11[1],
    s2 = SIN11[1],
    c3 = COS11[2],
    s3 = SIN11[2],
    c4 = COS11[3],
    s4 = SIN11[3],
    c5 = COS11[4],
    s5 = SIN11[4];
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 20 * k;
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 11 + k) * yl;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c;
        const a0r = xr[p0],
          a0i = xi[p0];
        let p = p0,
          pr = 0,
          pi = 0,
          wr = 0,
          wi = 0;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 0];
        wi = tw[t + 1];
        const a1r = pr * wr - pi * wi,
          a1i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 2];
        wi = tw[t + 3];
        const a2r = pr * wr - pi * wi,
          a2i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 4];
        wi = tw[t + 5];
        const a3r = pr * wr - pi * wi,
          a3i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 6];
        wi = tw[t + 7];
        const a4r = pr * wr - pi * wi,
          a4i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 8];
        wi = tw[t + 9];
        const a5r = pr * wr - pi * wi,
          a5i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 10];
        wi = tw[t + 11];
        const a6r = pr * wr - pi * wi,
          a6i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 12];
        wi = tw[t + 13];
        const a7r = pr * wr - pi * wi,
          a7i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 14];
        wi = tw[t + 15];
        const a8r = pr * wr - pi * wi,
          a8i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 16];
        wi = tw[t + 17];
        const a9r = pr * wr - pi * wi,
          a9i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 18];
        wi = tw[t + 19];
        const a10r = pr * wr - pi * wi,
          a10i = pr * wi + pi * wr;
        const u1r = a1r + a10r,
          u1i = a1i + a10i,
          v1r = a1r - a10r,
          v1i = a1i - a10i;
        const u2r = a2r + a9r,
          u2i = a2i + a9i,
          v2r = a2r - a9r,
          v2i = a2i - a9i;
        const u3r = a3r + a8r,
          u3i = a3i + a8i,
          v3r = a3r - a8r,
          v3i = a3i - a8i;
        const u4r = a4r + a7r,
          u4i = a4i + a7i,
          v4r = a4r - a7r,
          v4i = a4i - a7i;
        const u5r = a5r + a6r,
          u5i = a5i + a6i,
          v5r = a5r - a6r,
          v5i = a5i - a6i;
        const q0 = o0 + c;
        yr[q0] = a0r + u1r + u2r + u3r + u4r + u5r;
        yi[q0] = a0i + u1i + u2i + u3i + u4i + u5i;
        const e1r = a0r + c1 * u1r + c2 * u2r + c3 * u3r + c4 * u4r + c5 * u5r,
          e1i = a0i + c1 * u1i + c2 * u2i + c3 * u3i + c4 * u4i + c5 * u5i;
        const f1r = s1 * v1r + s2 * v2r + s3 * v3r + s4 * v4r + s5 * v5r,
          f1i = s1 * v1i + s2 * v2i + s3 * v3i + s4 * v4i + s5 * v5i;
        yr[q0 + 1 * sw] = e1r + f1i;
        yi[q0 + 1 * sw] = e1i - f1r;
        yr[q0 + 10 * sw] = e1r - f1i;
        yi[q0 + 10 * sw] = e1i + f1r;
        const e2r = a0r + c2 * u1r + c4 * u2r + c5 * u3r + c3 * u4r + c1 * u5r,
          e2i = a0i + c2 * u1i + c4 * u2i + c5 * u3i + c3 * u4i + c1 * u5i;
        const f2r = s2 * v1r + s4 * v2r - s5 * v3r - s3 * v4r - s1 * v5r,
          f2i = s2 * v1i + s4 * v2i - s5 * v3i - s3 * v4i - s1 * v5i;
        yr[q0 + 2 * sw] = e2r + f2i;
        yi[q0 + 2 * sw] = e2i - f2r;
        yr[q0 + 9 * sw] = e2r - f2i;
        yi[q0 + 9 * sw] = e2i + f2r;
        const e3r = a0r + c3 * u1r + c5 * u2r + c2 * u3r + c1 * u4r + c4 * u5r,
          e3i = a0i + c3 * u1i + c5 * u2i + c2 * u3i + c1 * u4i + c4 * u5i;
        const f3r = s3 * v1r - s5 * v2r - s2 * v3r + s1 * v4r + s4 * v5r,
          f3i = s3 * v1i - s5 * v2i - s2 * v3i + s1 * v4i + s4 * v5i;
        yr[q0 + 3 * sw] = e3r + f3i;
        yi[q0 + 3 * sw] = e3i - f3r;
        yr[q0 + 8 * sw] = e3r - f3i;
        yi[q0 + 8 * sw] = e3i + f3r;
        const e4r = a0r + c4 * u1r + c3 * u2r + c1 * u3r + c5 * u4r + c2 * u5r,
          e4i = a0i + c4 * u1i + c3 * u2i + c1 * u3i + c5 * u4i + c2 * u5i;
        const f4r = s4 * v1r - s3 * v2r + s1 * v3r + s5 * v4r - s2 * v5r,
          f4i = s4 * v1i - s3 * v2i + s1 * v3i + s5 * v4i - s2 * v5i;
        yr[q0 + 4 * sw] = e4r + f4i;
        yi[q0 + 4 * sw] = e4i - f4r;
        yr[q0 + 7 * sw] = e4r - f4i;
        yi[q0 + 7 * sw] = e4i + f4r;
        const e5r = a0r + c5 * u1r + c1 * u2r + c4 * u3r + c2 * u4r + c3 * u5r,
          e5i = a0i + c5 * u1i + c1 * u2i + c4 * u3i + c2 * u4i + c3 * u5i;
        const f5r = s5 * v1r - s1 * v2r + s4 * v3r - s2 * v4r + s3 * v5r,
          f5i = s5 * v1i - s1 * v2i + s4 * v3i - s2 * v4i + s3 * v5i;
        yr[q0 + 5 * sw] = e5r + f5i;
        yi[q0 + 5 * sw] = e5i - f5r;
        yr[q0 + 6 * sw] = e5r - f5i;
        yi[q0 + 6 * sw] = e5i + f5r;
      }
    }
  }
}

const COS13 = [
  Math.cos((2 * Math.PI * 1) / 13),
  Math.cos((2 * Math.PI * 2) / 13),
  Math.cos((2 * Math.PI * 3) / 13),
  Math.cos((2 * Math.PI * 4) / 13),
  Math.cos((2 * Math.PI * 5) / 13),
  Math.cos((2 * Math.PI * 6) / 13),
];
const SIN13 = [
  Math.sin((2 * Math.PI * 1) / 13),
  Math.sin((2 * Math.PI * 2) / 13),
  Math.sin((2 * Math.PI * 3) / 13),
  Math.sin((2 * Math.PI * 4) / 13),
  Math.sin((2 * Math.PI * 5) / 13),
  Math.sin((2 * Math.PI * 6) / 13),
];

/** Radix 13. */
function stage13(
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  const g = n / 13;
  const gw = g * xl,
    sw = s * yl;
  const c1 = COS13[0],
    s1 = SIN13[0],
    c2 = COS13[1],
    s2 = SIN13[1],
    c3 = COS13[2],
    s3 = SIN13[2],
    c4 = COS13[3],
    s4 = SIN13[3],
    c5 = COS13[4],
    s5 = SIN13[4],
    c6 = COS13[5],
    s6 = SIN13[5];
  for (let j0 = 0; j0 < g; j0 += s) {
    for (let k = 0; k < s; k++) {
      const t = 24 * k;
      const i0 = xo + (j0 + k) * xl;
      const o0 = yo + (j0 * 13 + k) * yl;
      for (let c = 0; c < w; c++) {
        const p0 = i0 + c;
        const a0r = xr[p0],
          a0i = xi[p0];
        let p = p0,
          pr = 0,
          pi = 0,
          wr = 0,
          wi = 0;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 0];
        wi = tw[t + 1];
        const a1r = pr * wr - pi * wi,
          a1i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 2];
        wi = tw[t + 3];
        const a2r = pr * wr - pi * wi,
          a2i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 4];
        wi = tw[t + 5];
        const a3r = pr * wr - pi * wi,
          a3i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 6];
        wi = tw[t + 7];
        const a4r = pr * wr - pi * wi,
          a4i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 8];
        wi = tw[t + 9];
        const a5r = pr * wr - pi * wi,
          a5i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 10];
        wi = tw[t + 11];
        const a6r = pr * wr - pi * wi,
          a6i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 12];
        wi = tw[t + 13];
        const a7r = pr * wr - pi * wi,
          a7i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 14];
        wi = tw[t + 15];
        const a8r = pr * wr - pi * wi,
          a8i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 16];
        wi = tw[t + 17];
        const a9r = pr * wr - pi * wi,
          a9i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 18];
        wi = tw[t + 19];
        const a10r = pr * wr - pi * wi,
          a10i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 20];
        wi = tw[t + 21];
        const a11r = pr * wr - pi * wi,
          a11i = pr * wi + pi * wr;
        p += gw;
        pr = xr[p];
        pi = xi[p];
        wr = tw[t + 22];
        wi = tw[t + 23];
        const a12r = pr * wr - pi * wi,
          a12i = pr * wi + pi * wr;
        const u1r = a1r + a12r,
          u1i = a1i + a12i,
          v1r = a1r - a12r,
          v1i = a1i - a12i;
        const u2r = a2r + a11r,
          u2i = a2i + a11i,
          v2r = a2r - a11r,
          v2i = a2i - a11i;
        const u3r = a3r + a10r,
          u3i = a3i + a10i,
          v3r = a3r - a10r,
          v3i = a3i - a10i;
        const u4r = a4r + a9r,
          u4i = a4i + a9i,
          v4r = a4r - a9r,
          v4i = a4i - a9i;
        const u5r = a5r + a8r,
          u5i = a5i + a8i,
          v5r = a5r - a8r,
          v5i = a5i - a8i;
        const u6r = a6r + a7r,
          u6i = a6i + a7i,
          v6r = a6r - a7r,
          v6i = a6i - a7i;
        const q0 = o0 + c;
        yr[q0] = a0r + u1r + u2r + u3r + u4r + u5r + u6r;
        yi[q0] = a0i + u1i + u2i + u3i + u4i + u5i + u6i;
        const e1r = a0r + c1 * u1r + c2 * u2r + c3 * u3r + c4 * u4r + c5 * u5r + c6 * u6r,
          e1i = a0i + c1 * u1i + c2 * u2i + c3 * u3i + c4 * u4i + c5 * u5i + c6 * u6i;
        const f1r = s1 * v1r + s2 * v2r + s3 * v3r + s4 * v4r + s5 * v5r + s6 * v6r,
          f1i = s1 * v1i + s2 * v2i + s3 * v3i + s4 * v4i + s5 * v5i + s6 * v6i;
        yr[q0 + 1 * sw] = e1r + f1i;
        yi[q0 + 1 * sw] = e1i - f1r;
        yr[q0 + 12 * sw] = e1r - f1i;
        yi[q0 + 12 * sw] = e1i + f1r;
        const e2r = a0r + c2 * u1r + c4 * u2r + c6 * u3r + c5 * u4r + c3 * u5r + c1 * u6r,
          e2i = a0i + c2 * u1i + c4 * u2i + c6 * u3i + c5 * u4i + c3 * u5i + c1 * u6i;
        const f2r = s2 * v1r + s4 * v2r + s6 * v3r - s5 * v4r - s3 * v5r - s1 * v6r,
          f2i = s2 * v1i + s4 * v2i + s6 * v3i - s5 * v4i - s3 * v5i - s1 * v6i;
        yr[q0 + 2 * sw] = e2r + f2i;
        yi[q0 + 2 * sw] = e2i - f2r;
        yr[q0 + 11 * sw] = e2r - f2i;
        yi[q0 + 11 * sw] = e2i + f2r;
        const e3r = a0r + c3 * u1r + c6 * u2r + c4 * u3r + c1 * u4r + c2 * u5r + c5 * u6r,
          e3i = a0i + c3 * u1i + c6 * u2i + c4 * u3i + c1 * u4i + c2 * u5i + c5 * u6i;
        const f3r = s3 * v1r + s6 * v2r - s4 * v3r - s1 * v4r + s2 * v5r + s5 * v6r,
          f3i = s3 * v1i + s6 * v2i - s4 * v3i - s1 * v4i + s2 * v5i + s5 * v6i;
        yr[q0 + 3 * sw] = e3r + f3i;
        yi[q0 + 3 * sw] = e3i - f3r;
        yr[q0 + 10 * sw] = e3r - f3i;
        yi[q0 + 10 * sw] = e3i + f3r;
        const e4r = a0r + c4 * u1r + c5 * u2r + c1 * u3r + c3 * u4r + c6 * u5r + c2 * u6r,
          e4i = a0i + c4 * u1i + c5 * u2i + c1 * u3i + c3 * u4i + c6 * u5i + c2 * u6i;
        const f4r = s4 * v1r - s5 * v2r - s1 * v3r + s3 * v4r - s6 * v5r - s2 * v6r,
          f4i = s4 * v1i - s5 * v2i - s1 * v3i + s3 * v4i - s6 * v5i - s2 * v6i;
        yr[q0 + 4 * sw] = e4r + f4i;
        yi[q0 + 4 * sw] = e4i - f4r;
        yr[q0 + 9 * sw] = e4r - f4i;
        yi[q0 + 9 * sw] = e4i + f4r;
        const e5r = a0r + c5 * u1r + c3 * u2r + c2 * u3r + c6 * u4r + c1 * u5r + c4 * u6r,
          e5i = a0i + c5 * u1i + c3 * u2i + c2 * u3i + c6 * u4i + c1 * u5i + c4 * u6i;
        const f5r = s5 * v1r - s3 * v2r + s2 * v3r - s6 * v4r - s1 * v5r + s4 * v6r,
          f5i = s5 * v1i - s3 * v2i + s2 * v3i - s6 * v4i - s1 * v5i + s4 * v6i;
        yr[q0 + 5 * sw] = e5r + f5i;
        yi[q0 + 5 * sw] = e5i - f5r;
        yr[q0 + 8 * sw] = e5r - f5i;
        yi[q0 + 8 * sw] = e5i + f5r;
        const e6r = a0r + c6 * u1r + c1 * u2r + c5 * u3r + c2 * u4r + c4 * u5r + c3 * u6r,
          e6i = a0i + c6 * u1i + c1 * u2i + c5 * u3i + c2 * u4i + c4 * u5i + c3 * u6i;
        const f6r = s6 * v1r - s1 * v2r + s5 * v3r - s2 * v4r + s4 * v5r - s3 * v6r,
          f6i = s6 * v1i - s1 * v2i + s5 * v3i - s2 * v4i + s4 * v5i - s3 * v6i;
        yr[q0 + 6 * sw] = e6r + f6i;
        yi[q0 + 6 * sw] = e6i - f6r;
        yr[q0 + 7 * sw] = e6r - f6i;
        yi[q0 + 7 * sw] = e6i + f6r;
      }
    }
  }
}

/** One Stockham pass from (xr, xi) at offset xo, row stride xl to (yr, yi) at yo, yl. */
function stage(
  radix: number,
  xr: Arr,
  xi: Arr,
  yr: Arr,
  yi: Arr,
  n: number,
  s: number,
  tw: Arr,
  w: number,
  xo: number,
  xl: number,
  yo: number,
  yl: number,
): void {
  switch (radix) {
    case 2:
      stage2(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 3:
      stage3(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 4:
      stage4(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 5:
      stage5(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 7:
      stage7(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 11:
      stage11(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    case 13:
      stage13(xr, xi, yr, yi, n, s, tw, w, xo, xl, yo, yl);
      break;
    default:
      throw new RangeError(`no CPU butterfly for radix ${radix}`);
  }
}

/** In place on the first n·w entries of (re, im), ping-ponging with the scratch (sr, si). */
function runStockham(plan: StockhamPlan, re: Arr, im: Arr, sr: Arr, si: Arr, w: number): void {
  let xr = re,
    xi = im,
    yr = sr,
    yi = si;
  const n = plan.n;
  for (const { radix, stride, twiddles } of plan.stages) {
    stage(radix, xr, xi, yr, yi, n, stride, twiddles, w, 0, w, 0, w);
    const tr = xr,
      ti = xi;
    xr = yr;
    xi = yi;
    yr = tr;
    yi = ti;
  }
  if (xr !== re) {
    re.set(xr.subarray(0, n * w));
    im.set(xi.subarray(0, n * w));
  }
}

/**
 * In place on w adjacent columns of a map: element t of column c at offset + t·ld + c. The
 * first pass reads the map and the last writes it; the passes between run on two compact
 * scratch pairs (n·w each), which stay in cache for a narrow block of columns.
 */
function runStockhamColumns(
  plan: StockhamPlan,
  re: Arr,
  im: Arr,
  offset: number,
  ld: number,
  a: [Arr, Arr],
  b: [Arr, Arr],
  w: number,
): void {
  const { n, stages } = plan;
  const last = stages.length - 1;
  let [xr, xi] = [re, im];
  let xo = offset,
    xl = ld;
  for (let t = 0; t <= last; t++) {
    const { radix, stride, twiddles } = stages[t];
    // The last pass writes back into the map, unless it is also the first (then via a).
    const toMap = t === last && t > 0;
    const [yr, yi] = toMap ? [re, im] : t % 2 === 0 ? a : b;
    const yo = toMap ? offset : 0,
      yl = toMap ? ld : w;
    stage(radix, xr, xi, yr, yi, n, stride, twiddles, w, xo, xl, yo, yl);
    [xr, xi, xo, xl] = [yr, yi, yo, yl];
  }
  if (last === 0) copyColumns(xr, xi, 0, w, re, im, offset, ld, n, w);
}

/** Which kernels a transform runs: WebAssembly SIMD where it can (even widths), or the scalar ones here. */
export type FftKernels = 'auto' | 'scalar';

/**
 * Transforms of one length n, `width` at a time (see the module comment), with their own
 * scratch memory (not shareable between threads). `forward` is the unnormalised DFT,
 * `inverse` the unnormalised inverse (no 1/n), both in place on the first n·width entries.
 * Stockham plans of an even width run on the WebAssembly SIMD kernels (wasm/stages.ts) where
 * the platform has them: the same operations two transforms at a time, the same results bit
 * for bit, about twice as fast and without a JIT warm-up.
 */
export class Fft1D {
  readonly n: number;
  readonly width: number;
  private readonly plan: FftPlan;
  private readonly wasm: WasmTransform | null = null;
  private readonly scratchRe: Arr;
  private readonly scratchIm: Arr;
  /** columns(): the second scratch pair (Stockham) or the compact copy (Bluestein), made on first use. */
  private blockRe?: Arr;
  private blockIm?: Arr;
  private readonly inner?: Fft1D;
  private readonly padRe?: Arr;
  private readonly padIm?: Arr;

  constructor(n: number, width = 1, kernels: FftKernels = 'auto') {
    this.n = n;
    this.width = width;
    this.plan = fftPlan(n);
    if (this.plan.kind === 'bluestein') {
      this.inner = new Fft1D(this.plan.m, width, kernels);
      this.padRe = new Float64Array(this.plan.m * width);
      this.padIm = new Float64Array(this.plan.m * width);
      this.scratchRe = this.scratchIm = new Float64Array(0);
      return;
    }
    // The WebAssembly kernels where they run this plan and a memory can be had; else JavaScript's (the same bits).
    const wasm = kernels === 'auto' && width % 2 === 0 && wasmRunsPlan(this.plan) ? WasmTransform.create(this.plan, width) : null;
    if (wasm) {
      this.wasm = wasm;
      this.scratchRe = this.scratchIm = new Float64Array(0);
    } else {
      this.scratchRe = new Float64Array(n * width);
      this.scratchIm = new Float64Array(n * width);
    }
  }

  /** 'wasm-simd' or 'scalar': the kernels this transform runs. */
  get kernels(): string {
    return this.wasm || this.inner?.wasm ? 'wasm-simd' : 'scalar';
  }

  forward(re: Arr, im: Arr): void {
    if (this.wasm) {
      const count = this.n * this.width;
      this.wasm.re.set(re.subarray(0, count));
      this.wasm.im.set(im.subarray(0, count));
      this.wasm.forward();
      re.set(this.wasm.re);
      im.set(this.wasm.im);
    } else if (this.plan.kind === 'stockham') runStockham(this.plan, re, im, this.scratchRe, this.scratchIm, this.width);
    else this.bluestein(this.plan, re, im);
  }

  inverse(re: Arr, im: Arr): void {
    this.forward(im, re);
  }

  /**
   * Unnormalised DFT (or inverse DFT) of the `width` adjacent columns of a row-major map with
   * row stride ld that start at column `offset`, in place.
   */
  columns(re: Arr, im: Arr, offset: number, ld: number, inverse: boolean): void {
    // The inverse by the swap: DFT(im, re).
    const [xr, xi] = inverse ? [im, re] : [re, im];
    const { n, width: w } = this;
    if (this.wasm) {
      copyColumns(xr, xi, offset, ld, this.wasm.re, this.wasm.im, 0, w, n, w);
      this.wasm.forward();
      copyColumns(this.wasm.re, this.wasm.im, 0, w, xr, xi, offset, ld, n, w);
      return;
    }
    this.blockRe ??= new Float64Array(n * w);
    this.blockIm ??= new Float64Array(n * w);
    if (this.plan.kind === 'stockham') {
      runStockhamColumns(this.plan, xr, xi, offset, ld, [this.scratchRe, this.scratchIm], [this.blockRe, this.blockIm], w);
      return;
    }
    // Bluestein: on a compact copy of the block.
    copyColumns(xr, xi, offset, ld, this.blockRe, this.blockIm, 0, w, n, w);
    this.forward(this.blockRe, this.blockIm);
    copyColumns(this.blockRe, this.blockIm, 0, w, xr, xi, offset, ld, n, w);
  }

  /**
   * One transform per array pair: elements [offset, offset + n) of (re[c], im[c]) for each
   * c < width, run interleaved (on the SIMD kernels where they run). The inputs are left as
   * they were; the results are returned interleaved (element t of transform c at t·width + c)
   * in the transform's own buffers, valid until its next use.
   */
  interleaved(re: readonly Arr[], im: readonly Arr[], offset: number, inverse: boolean): { re: Arr; im: Arr } {
    const { n, width: w } = this;
    const buffers = this.buffers();
    for (let c = 0; c < w; c++) interleave(re[c], im[c], offset, buffers.re, buffers.im, c, n, w);
    this.transformBuffers(inverse);
    return buffers;
  }

  /** The transform's own n·width buffers, for the caller to fill and transformBuffers() to transform in place. */
  buffers(): { re: Arr; im: Arr } {
    if (this.wasm) return { re: this.wasm.re, im: this.wasm.im };
    this.blockRe ??= new Float64Array(this.n * this.width);
    this.blockIm ??= new Float64Array(this.n * this.width);
    return { re: this.blockRe, im: this.blockIm };
  }

  /** Unnormalised DFT (or inverse) of the buffers(), in place. */
  transformBuffers(inverse: boolean): void {
    if (this.wasm) {
      if (inverse) this.wasm.inverse();
      else this.wasm.forward();
      return;
    }
    const { re, im } = this.buffers();
    if (inverse) this.inverse(re, im);
    else this.forward(re, im);
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
