/** The FFT plans and CPU kernels against a direct float64 DFT, including awkward sizes. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fft1D } from '../src/cpu/fft.js';
import { Fft2D } from '../src/cpu/fft2d.js';
import { fftPlan, radixSequence, smoothLengthAtLeast } from '../src/fft/plan.js';
import { angularMap, filterBank, radialMap } from '../src/bank.js';
import { PC, THETA_SIGMA } from '../src/constants.js';

/** Direct DFT with exactly reduced angles: X_k = Σ_j x_j·exp(−2πi·(jk mod n)/n). */
function directDft(re: Float64Array, im: Float64Array, sign = -1): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n),
    outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0,
      si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a),
        s = Math.sin(a);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function random(n: number): Float64Array {
  return Float64Array.from({ length: n }, () => Math.random() * 2 - 1);
}

function relativeError(re: Float64Array, im: Float64Array, refRe: Float64Array, refIm: Float64Array): number {
  let err = 0,
    norm = 0;
  for (let k = 0; k < re.length; k++) {
    err = Math.max(err, Math.hypot(re[k] - refRe[k], im[k] - refIm[k]));
    norm = Math.max(norm, Math.hypot(refRe[k], refIm[k]));
  }
  return err / norm;
}

describe('plans', () => {
  it('factor lengths into radices and pick Bluestein for large primes', () => {
    expect(radixSequence(1000)).toEqual([4, 2, 5, 5, 5]);
    expect(radixSequence(3640)).toEqual([4, 2, 5, 7, 13]);
    expect(fftPlan(1000).kind).toBe('stockham');
    expect(fftPlan(17).kind).toBe('bluestein');
    expect(fftPlan(383).kind).toBe('bluestein');
    expect(fftPlan(511).kind).toBe('bluestein'); // 7 · 73
    expect(smoothLengthAtLeast(765)).toBe(768);
    expect(smoothLengthAtLeast(1021)).toBe(1024);
  });

  it('give the GPU larger power-of-two radices (fewer passes) over the same factorisation', () => {
    expect(radixSequence(1920, 16)).toEqual([16, 8, 3, 5]);
    expect(radixSequence(2048, 16)).toEqual([16, 16, 8]);
    expect(radixSequence(3640, 16)).toEqual([8, 5, 7, 13]);
    expect(radixSequence(1080, 16)).toEqual([8, 3, 3, 3, 5]);
    const gpu = fftPlan(1920, 16);
    expect(gpu.kind === 'stockham' && gpu.stages.map((s) => s.stride)).toEqual([1, 16, 128, 384]);
    expect(fftPlan(1920)).not.toBe(gpu); // cached per radix limit
  });
});

describe('1-D transforms against a direct DFT', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 11, 13, 17, 23, 77, 96, 143, 255, 383, 511, 1000, 1001, 1080, 3640])('n = %i', (n) => {
    const fft = new Fft1D(n);
    const re = random(n),
      im = random(n);
    const [refRe, refIm] = directDft(re, im);
    const outRe = Float64Array.from(re),
      outIm = Float64Array.from(im);
    fft.forward(outRe, outIm);
    expect(relativeError(outRe, outIm, refRe, refIm)).toBeLessThan(1e-12);
    // The unnormalised inverse brings n·x back.
    fft.inverse(outRe, outIm);
    const scaledRe = re.map((v) => v * n),
      scaledIm = im.map((v) => v * n);
    expect(relativeError(outRe, outIm, scaledRe, scaledIm)).toBeLessThan(1e-12);
  });
});

describe('2-D transform of a real image', () => {
  it.each([
    [5, 7],
    [6, 8],
    [17, 23],
    [16, 9],
    [77, 26],
    [13, 22],
  ])('%i × %i', (rows, cols) => {
    const n = rows * cols;
    const src = random(n);
    const fft = new Fft2D(rows, cols);
    const half = fft.halfCols;
    expect(half).toBe(Math.floor(cols / 2) + 1);
    const re = new Float64Array(rows * half),
      im = new Float64Array(rows * half);
    fft.forwardReal(src, re, im);
    // Reference: direct DFT of every row, then of every column.
    const tRe = new Float64Array(n),
      tIm = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      const [a, b] = directDft(src.slice(r * cols, (r + 1) * cols), new Float64Array(cols));
      tRe.set(a, r * cols);
      tIm.set(b, r * cols);
    }
    // The kept columns 0…⌊cols/2⌋ (the rest are their conjugate mirrors).
    const refRe = new Float64Array(rows * half),
      refIm = new Float64Array(rows * half);
    for (let c = 0; c < half; c++) {
      const colRe = new Float64Array(rows),
        colIm = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        colRe[r] = tRe[r * cols + c];
        colIm[r] = tIm[r * cols + c];
      }
      const [a, b] = directDft(colRe, colIm);
      for (let r = 0; r < rows; r++) {
        refRe[r * half + c] = a[r];
        refIm[r * half + c] = b[r];
      }
    }
    expect(relativeError(re, im, refRe, refIm)).toBeLessThan(1e-12);
  });
});

describe('angular spread, stored by its mirror symmetries', () => {
  // phasecong2's own formula on its own grid (FSIM_SPEC.md §3), at every frequency.
  function referenceSpread(rows: number, cols: number, o: number): Float64Array {
    const axis = (n: number) => {
      const half = Math.floor(n / 2),
        d = n % 2 === 0 ? n : n - 1;
      return Float64Array.from({ length: n }, (_, k) => (((k + half) % n) - half) / d);
    };
    const u = axis(cols),
      v = axis(rows);
    const angle = (o * Math.PI) / PC.norient;
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const theta = Math.atan2(-v[r], u[c]);
        const ds = Math.sin(theta) * Math.cos(angle) - Math.cos(theta) * Math.sin(angle);
        const dc = Math.cos(theta) * Math.cos(angle) + Math.sin(theta) * Math.sin(angle);
        const d = Math.abs(Math.atan2(ds, dc));
        out[r * cols + c] = Math.exp(-(d * d) / (2 * THETA_SIGMA * THETA_SIGMA));
      }
    return out;
  }

  it.each([
    [8, 12],
    [9, 13],
    [10, 7],
    [7, 10],
  ])('%i × %i: every orientation expands to the reference map', (rows, cols) => {
    const bank = filterBank(rows, cols);
    for (let o = 0; o < PC.norient; o++) {
      const map = angularMap(bank, o);
      const expected = referenceSpread(rows, cols, o);
      for (let i = 0; i < map.length; i++) expect(Math.abs(map[i] - expected[i])).toBeLessThan(1e-15);
      // The GPU paths' float32 upload: the same map, rounded once.
      expect(angularMap(bank, o, Float32Array)).toEqual(Float32Array.from(map));
    }
    // About two full maps for the four orientations, not four.
    const stored = bank.angular.reduce((sum, a) => sum + a.length, 0);
    expect(stored).toBeLessThanOrEqual(2 * rows * cols + 3 * rows + cols);
  });
});

describe('noise sums by Parseval against the spatial filters', () => {
  it.each([
    [9, 12],
    [17, 23],
    [10, 7],
  ])('%i × %i', (rows, cols) => {
    const n = rows * cols;
    const bank = filterBank(rows, cols);
    for (let o = 0; o < PC.norient; o++) {
      const spread = angularMap(bank, o);
      // f_s = Re(IDFT2(F_so))·√n, by a direct 2-D inverse DFT.
      const spatial: Float64Array[] = [];
      for (let s = 0; s < PC.nscale; s++) {
        const g = radialMap(bank, s);
        const f = new Float64Array(n);
        for (let y = 0; y < rows; y++)
          for (let x = 0; x < cols; x++) {
            let sum = 0;
            for (let v = 0; v < rows; v++)
              for (let u = 0; u < cols; u++) {
                const i = v * cols + u;
                const angle = 2 * Math.PI * (((y * v) % rows) / rows + ((x * u) % cols) / cols);
                sum += g[i] * spread[i] * Math.cos(angle);
              }
            f[y * cols + x] = (sum / n) * Math.sqrt(n);
          }
        spatial.push(f);
      }
      const g0 = radialMap(bank, 0);
      let sumAn2 = 0,
        sumAiAj = 0,
        em = 0;
      for (let p = 0; p < n; p++) {
        for (let a = 0; a < PC.nscale; a++) {
          sumAn2 += spatial[a][p] ** 2;
          for (let b = a + 1; b < PC.nscale; b++) sumAiAj += spatial[a][p] * spatial[b][p];
        }
        em += (g0[p] * angularMap(bank, o)[p]) ** 2;
      }
      const noise = bank.noise[o];
      expect(Math.abs(noise.sumAn2 - sumAn2) / sumAn2).toBeLessThan(1e-12);
      expect(Math.abs(noise.sumAiAj - sumAiAj) / Math.abs(sumAiAj)).toBeLessThan(1e-10);
      expect(noise.energyOfSmallestFilter).toBeCloseTo(em, 12);
    }
  });
});

describe('column blocks of a map, in place', () => {
  // One pass (5, 13), several (96, 3640 = 4·2·5·7·13), Bluestein (17, 383).
  it.each([5, 13, 17, 96, 383, 3640].flatMap((n) => [[n, false] as const, [n, true] as const]))('length %i, inverse %s', (n, inverse) => {
    const ld = 11,
      width = 4,
      offset = 5;
    const re = random(n * ld),
      im = random(n * ld);
    const outRe = Float64Array.from(re),
      outIm = Float64Array.from(im);
    new Fft1D(n, width).columns(outRe, outIm, offset, ld, inverse);
    for (let c = 0; c < ld; c++) {
      const colRe = new Float64Array(n),
        colIm = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        colRe[t] = re[t * ld + c];
        colIm[t] = im[t * ld + c];
      }
      const gotRe = new Float64Array(n),
        gotIm = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        gotRe[t] = outRe[t * ld + c];
        gotIm[t] = outIm[t * ld + c];
      }
      if (c < offset || c >= offset + width) {
        // Columns outside the block are untouched.
        expect(gotRe).toEqual(colRe);
        expect(gotIm).toEqual(colIm);
      } else if (inverse) {
        // The unnormalised inverse DFT: conj(DFT(conj(x))).
        const [dRe, dIm] = directDft(
          colRe,
          colIm.map((v) => -v),
        );
        expect(
          relativeError(
            gotRe,
            gotIm,
            dRe,
            dIm.map((v) => -v),
          ),
        ).toBeLessThan(1e-12);
      } else {
        const [dRe, dIm] = directDft(colRe, colIm);
        expect(relativeError(gotRe, gotIm, dRe, dIm)).toBeLessThan(1e-12);
      }
    }
  });
});

describe('the unrolled odd radices', () => {
  it('are what scripts/oddRadix.ts writes', () => {
    const root = resolve(import.meta.dirname, '..');
    const generated = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/oddRadix.ts'), '7', '11', '13'], {
      encoding: 'utf8',
    });
    const formatted = execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--stdin-file-path=fft.ts'], {
      input: generated,
      encoding: 'utf8',
      cwd: root,
    });
    const source = readFileSync(join(root, 'src/cpu/fft.ts'), 'utf8');
    const committed = source.slice(source.indexOf('const COS7 = '), source.indexOf('/** One Stockham pass from'));
    expect(committed.trim()).toBe(formatted.trim());
  });
});
