/**
 * The WebAssembly SIMD FFT kernels (src/cpu/wasm) against the scalar float64 kernels: the same
 * operations in the same order, so the same results bit for bit, on every radix, width and
 * direction; and the transforms that use them against a direct DFT.
 */
import { describe, expect, it } from 'vitest';
import { Fft1D } from '../src/cpu/fft.js';
import { medianInPlace } from '../src/cpu/median.js';
import { Fft2D } from '../src/cpu/fft2d.js';
import { columnPass, pcMaps, rowPass } from '../src/cpu/phaseCongruency.js';
import { filterBank } from '../src/bank.js';
import { PC } from '../src/constants.js';
import { stageModule, WASM_RADICES } from '../src/cpu/wasm/stages.js';
import {
  energyKernelOn,
  filterKernelOn,
  heapScratch,
  medianScansOn,
  heapScratchBytes,
  runHeapColumns,
  WasmHeap,
} from '../src/cpu/wasm/heap.js';
import { wasmRunsPlan, wasmSimdAvailable } from '../src/cpu/wasm/kernels.js';
import { WasmTransform } from '../src/cpu/wasm/transform.js';
import { fftPlan, type StockhamPlan } from '../src/fft/plan.js';

function random(n: number): Float64Array {
  return Float64Array.from({ length: n }, () => Math.random() * 2 - 1);
}

/** The first index where two arrays differ in any bit (NaN-safe), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (x[i] !== y[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

describe('WebAssembly SIMD kernels', () => {
  it('are available in this Node (CI checks them, not the fallback)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it.each(WASM_RADICES)('radix %i: the generated module is valid', (radix) => {
    expect(WebAssembly.validate(stageModule(radix))).toBe(true);
  });

  // Every radix, alone and mixed, powers of two, the widths the CPU path uses (2, 4 scales, 16-column blocks).
  const lengths = [2, 3, 4, 5, 7, 11, 13, 8, 6, 12, 60, 77, 143, 91, 1001, 192, 256, 270, 480, 1080, 1820, 1920];
  it.each(lengths)('n = %i: bit for bit the scalar kernels, widths 2, 4 and 16, both directions', (n) => {
    const plan = fftPlan(n) as StockhamPlan;
    expect(plan.kind).toBe('stockham');
    expect(wasmRunsPlan(plan)).toBe(true);
    for (const width of [2, 4, 16]) {
      const wasm = WasmTransform.create(plan, width)!;
      const scalar = new Fft1D(n, width, 'scalar');
      expect(scalar.kernels).toBe('scalar');
      for (const inverse of [false, true]) {
        const re = random(n * width),
          im = random(n * width);
        const [sr, si] = [re.slice(), im.slice()];
        if (inverse) scalar.inverse(sr, si);
        else scalar.forward(sr, si);
        wasm.re.set(re);
        wasm.im.set(im);
        if (inverse) wasm.inverse();
        else wasm.forward();
        expect(firstDifference(wasm.re, sr)).toBe(-1);
        expect(firstDifference(wasm.im, si)).toBe(-1);
      }
    }
  });

  it('a transform against a direct DFT (n = 60, width 2)', () => {
    const n = 60,
      width = 2;
    const fft = new Fft1D(n, width);
    expect(fft.kernels).toBe('wasm-simd');
    const re = random(n * width),
      im = random(n * width);
    const [xr, xi] = [re.slice(), im.slice()];
    fft.forward(xr, xi);
    for (let c = 0; c < width; c++) {
      for (let k = 0; k < n; k++) {
        let sr = 0,
          si = 0;
        for (let t = 0; t < n; t++) {
          const a = (-2 * Math.PI * ((t * k) % n)) / n;
          const [vr, vi] = [re[t * width + c], im[t * width + c]];
          sr += vr * Math.cos(a) - vi * Math.sin(a);
          si += vr * Math.sin(a) + vi * Math.cos(a);
        }
        expect(Math.abs(xr[k * width + c] - sr)).toBeLessThan(1e-12);
        expect(Math.abs(xi[k * width + c] - si)).toBeLessThan(1e-12);
      }
    }
  });

  it('column blocks and interleaved rows of a map give the scalar results, bit for bit', () => {
    const rows = 30,
      cols = 40;
    const fft = new Fft2D(rows, cols);
    expect(fft.kernels).toBe('wasm-simd');
    const maps = Array.from({ length: 4 }, () => [random(rows * cols), random(rows * cols)]);
    // Columns 3…19 of the first map: one block of 16, in place, as the phase-congruency column pass runs them.
    const [re, im] = maps[0].map((m) => m.slice());
    fft.columns(re, im, 3, 19, true);
    const [er, ei] = maps[0].map((m) => m.slice());
    new Fft1D(rows, 16, 'scalar').columns(er, ei, 3, cols, true);
    expect(firstDifference(re, er)).toBe(-1);
    expect(firstDifference(im, ei)).toBe(-1);
    // Row 7 of four maps at once, interleaved, against four scalar row transforms.
    const out = fft.inverseRows(
      maps.map((m) => m[0]),
      maps.map((m) => m[1]),
      7,
    );
    const single = new Fft1D(cols, 1, 'scalar');
    maps.forEach(([mr, mi], k) => {
      const [r, i] = [mr.slice(7 * cols, 8 * cols), mi.slice(7 * cols, 8 * cols)];
      single.inverse(r, i);
      const lane = (a: Float64Array) => Float64Array.from({ length: cols }, (_, c) => a[c * 4 + k]);
      expect(firstDifference(lane(out.re), r)).toBe(-1);
      expect(firstDifference(lane(out.im), i)).toBe(-1);
    });
  });

  it('column blocks in place on a shared heap: the scalar results, bit for bit, both directions', () => {
    const rows = 60,
      cols = 37;
    const plan = fftPlan(rows) as StockhamPlan;
    const heap = WasmHeap.create(2 * WasmHeap.bytes(rows * cols) + heapScratchBytes(plan, 16, 2, { cols, quadrantCols: 1, scales: 1 }));
    expect(heap).not.toBeNull();
    expect(heap!.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const re = heap!.float64(rows * cols),
      im = heap!.float64(rows * cols);
    const columns = heapScratch(heap!, plan, 16, 2, { cols, quadrantCols: 1, scales: 1 })!;
    expect(columns).not.toBeNull();
    for (const inverse of [false, true]) {
      const [xr, xi] = [random(rows * cols), random(rows * cols)];
      re.set(xr);
      im.set(xi);
      // Columns 4…19 with part 1's scratch, as a thread's share of a column pass runs them.
      runHeapColumns(columns, 1, re, im, 4, 16, cols, inverse);
      new Fft1D(rows, 16, 'scalar').columns(xr, xi, 4, cols, inverse);
      expect(firstDifference(re, xr)).toBe(-1);
      expect(firstDifference(im, xi)).toBe(-1);
    }
  });

  it('a one-pass length on the heap (n = 4) writes back through its scratch', () => {
    const rows = 4,
      cols = 6;
    const plan = fftPlan(rows) as StockhamPlan;
    expect(plan.stages).toHaveLength(1);
    const heap = WasmHeap.create(2 * WasmHeap.bytes(rows * cols) + heapScratchBytes(plan, 16, 1, { cols, quadrantCols: 1, scales: 1 }))!;
    const re = heap.float64(rows * cols),
      im = heap.float64(rows * cols);
    const [xr, xi] = [random(rows * cols), random(rows * cols)];
    re.set(xr);
    im.set(xi);
    runHeapColumns(heapScratch(heap, plan, 16, 1, { cols, quadrantCols: 1, scales: 1 })!, 0, re, im, 2, 4, cols, false);
    new Fft1D(rows, 4, 'scalar').columns(xr, xi, 2, cols, false);
    expect(firstDifference(re, xr)).toBe(-1);
    expect(firstDifference(im, xi)).toBe(-1);
  });

  it.each([
    [24, 40],
    [30, 37],
  ])('%i × %i: the column pass on the heap (SIMD filter and transforms) gives the scalar pass, bit for bit', (rows, cols) => {
    const bank = filterBank(rows, cols);
    const half = (cols >> 1) + 1;
    const spectrumValues = [random(rows * half), random(rows * half)];
    const plan = fftPlan(rows) as StockhamPlan;
    const sizes = { cols, quadrantCols: half, scales: PC.nscale };
    const heap = WasmHeap.create(2 * WasmHeap.bytes(rows * half) + 9 * WasmHeap.bytes(rows * cols) + heapScratchBytes(plan, 16, 2, sizes))!;
    const onHeap = { re: heap.float64(rows * half), im: heap.float64(rows * half) };
    onHeap.re.set(spectrumValues[0]);
    onHeap.im.set(spectrumValues[1]);
    const heapMaps = pcMaps(rows, cols, (n) => heap.float64(n));
    const columns = heapScratch(heap, plan, 16, 2, sizes)!;
    expect(filterKernelOn(heap.memory)).not.toBeNull();
    const plainMaps = pcMaps(rows, cols);
    const plain = { re: spectrumValues[0], im: spectrumValues[1] };
    const fft = new Fft2D(rows, cols);
    for (const o of [0, 1, 2, 3]) {
      // Two parts of the columns, the second crossing the middle (the mirrored half).
      for (const [part, from, to] of [
        [0, 0, 16],
        [1, 16, cols],
      ] as const) {
        columnPass(fft, bank, onHeap, o, heapMaps, [0, PC.nscale], from, to, { scratch: columns, part });
        columnPass(fft, bank, plain, o, plainMaps, [0, PC.nscale], from, to);
      }
      for (let s = 0; s < PC.nscale; s++) {
        expect(firstDifference(heapMaps.responseRe[s], plainMaps.responseRe[s])).toBe(-1);
        expect(firstDifference(heapMaps.responseIm[s], plainMaps.responseIm[s])).toBe(-1);
      }
    }
  });

  // An even and an odd width (the energy kernel's last pixel in scalar code).
  it.each([
    [12, 40],
    [9, 35],
  ])('%i × %i: the row pass on the heap (SIMD transforms and energy) gives the scalar pass, bit for bit', (rows, cols) => {
    const plan = fftPlan(rows) as StockhamPlan;
    const sizes = { cols, quadrantCols: (cols >> 1) + 1, scales: PC.nscale };
    const heap = WasmHeap.create(9 * WasmHeap.bytes(rows * cols) + heapScratchBytes(plan, 16, 2, sizes))!;
    const heapMaps = pcMaps(rows, cols, (n) => heap.float64(n));
    const columns = heapScratch(heap, plan, 16, 2, sizes)!;
    expect(columns.rows).not.toBeNull();
    expect(energyKernelOn(heap.memory)).not.toBeNull();
    const plainMaps = pcMaps(rows, cols);
    const fft = new Fft2D(rows, cols);
    for (const first of [true, false]) {
      for (let s = 0; s < PC.nscale; s++) {
        const [re, im] = [random(rows * cols), random(rows * cols)];
        heapMaps.responseRe[s].set(re);
        heapMaps.responseIm[s].set(im);
        plainMaps.responseRe[s].set(re);
        plainMaps.responseIm[s].set(im);
      }
      rowPass(fft, heapMaps, first, 0, 5, { scratch: columns, part: 0 });
      rowPass(fft, heapMaps, first, 5, rows, { scratch: columns, part: 1 });
      rowPass(fft, plainMaps, first, 0, rows);
      for (const map of ['energy', 'smallestScaleEnergy', 'amplitude'] as const) {
        expect(firstDifference(heapMaps[map], plainMaps[map])).toBe(-1);
      }
    }
  });

  it("the exact median with its passes as WebAssembly kernels on the heap: the JavaScript passes' result", () => {
    const n = 20001;
    const plan = fftPlan(8) as StockhamPlan;
    const sizes = { cols: 8, quadrantCols: 5, scales: PC.nscale };
    const heap = WasmHeap.create(WasmHeap.bytes(n) + heapScratchBytes(plan, 16, 1, sizes))!;
    const columns = heapScratch(heap, plan, 16, 1, sizes)!;
    const scans = medianScansOn(columns);
    expect(scans).not.toBeNull();
    const values = heap.float64(n);
    for (const make of [() => Math.random() ** 4, () => (Math.random() - 0.5) * 1e3, () => Math.floor(Math.random() * 5)]) {
      for (const count of [n, n - 1]) {
        const data = Float64Array.from({ length: count }, make);
        const view = values.subarray(0, count);
        view.set(data);
        expect(medianInPlace(view, scans!)).toBe(medianInPlace(Float64Array.from(data)));
      }
    }
  });

  it('odd widths and Bluestein lengths keep the scalar kernels', () => {
    expect(new Fft1D(60, 15).kernels).toBe('scalar');
    expect(new Fft1D(60, 1).kernels).toBe('scalar');
    // 17 is prime above 13: Bluestein, whose inner smooth-length transform runs on SIMD at an even width.
    expect(fftPlan(17).kind).toBe('bluestein');
    expect(new Fft1D(17, 2).kernels).toBe('wasm-simd');
  });
});
