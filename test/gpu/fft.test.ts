/** The WebGPU FFT plans against the float64 CPU kernels (themselves tested against a direct DFT). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fft1D } from '../../src/cpu/fft.js';
import { BufferPool, uniformData } from '../../src/gpu/buffers.js';
import { DeviceManager } from '../../src/gpu/device.js';
import {
  forwardColumnsBindings,
  forwardColumnsShader,
  forwardRowsBindings,
  forwardRowsShader,
} from '../../shaders/fusedPhaseCongruency.js';
import type { Exchange } from '../../shaders/registerFft.js';
import { fftPlan } from '../../src/fft/plan.js';
import { GPU_MAX_POWER_OF_TWO_RADIX, GpuFftAxis } from '../../src/gpu/fft.js';
import { registerShape } from '../../src/gpu/fusedPhaseCongruency.js';
import { declaredProgram, dispatch, ProgramCache } from '../../src/gpu/programs.js';
import { nodeGpu } from '../../src/node/webgpu.js';

let manager: DeviceManager;
let device: GPUDevice;
beforeAll(async () => {
  manager = new DeviceManager(nodeGpu, { limits: 'default' });
  device = (await manager.acquire()).device;
});
afterAll(() => manager.destroy());

async function readBack(buffer: GPUBuffer, count: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: count * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}

/**
 * The largest |GPU − float64 CPU| over every row or column transform of the rows × cols map
 * (re, im), relative to the largest CPU output; `got(p)` is the GPU's value at pixel p.
 */
function relativeError(
  axis: 'rows' | 'columns',
  rows: number,
  cols: number,
  re: Float32Array,
  im: Float32Array,
  inverse: boolean,
  got: (p: number) => [number, number],
): number {
  const length = axis === 'rows' ? cols : rows;
  const lines = axis === 'rows' ? rows : cols;
  const cpu = new Fft1D(length);
  let err = 0,
    norm = 0;
  for (let b = 0; b < lines; b++) {
    const at = (t: number) => (axis === 'rows' ? b * cols + t : t * cols + b);
    const xr = Float64Array.from({ length }, (_, t) => re[at(t)]);
    const xi = Float64Array.from({ length }, (_, t) => im[at(t)]);
    if (inverse) cpu.inverse(xr, xi);
    else cpu.forward(xr, xi);
    for (let t = 0; t < length; t++) {
      const [gr, gi] = got(at(t));
      err = Math.max(err, Math.hypot(gr - xr[t], gi - xi[t]));
      norm = Math.max(norm, Math.hypot(xr[t], xi[t]));
    }
  }
  return err / norm;
}

describe('GPU FFT along rows and columns against the CPU FFT', () => {
  // Lengths up to 2048 run fused in workgroup memory under default limits; 3000 and the
  // one-pass-per-stage variants cover the global-memory kernels.
  it.each([
    [8, 16],
    [12, 30],
    [17, 23],
    [64, 96],
    [383, 20],
    [6, 511],
    [35, 91],
    [26, 13 * 4],
    [4, 2048],
    [3000, 3],
  ])('%i × %i', async (rows, cols) => {
    const programs = new ProgramCache(device);
    const pool = new BufferPool(device);
    const n = rows * cols;
    const re = Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
    const im = Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
    const planes = () => ({ re: pool.map(n, 're'), im: pool.map(n, 'im') });
    const src = planes(),
      dst = planes(),
      tmp = planes();
    device.queue.writeBuffer(src.re, 0, re);
    device.queue.writeBuffer(src.im, 0, im);
    for (const [axis, fused] of [
      ['rows', true],
      ['columns', true],
      ['rows', false],
      ['columns', false],
    ] as const) {
      for (const inverse of [false, true]) {
        const plan = new GpuFftAxis(programs, pool, rows, cols, axis, fused);
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        plan.record(pass, src, dst, tmp, inverse);
        pass.end();
        device.queue.submit([encoder.finish()]);
        const [gotRe, gotIm] = await Promise.all([readBack(dst.re, n), readBack(dst.im, n)]);
        // Reference: the float64 CPU transform of each row / column.
        const error = relativeError(axis, rows, cols, re, im, inverse, (p) => [gotRe[p], gotIm[p]]);
        expect(error, `${axis} ${inverse ? 'inverse' : 'forward'} ${fused ? 'fused' : 'per stage'}`).toBeLessThan(2e-6);
        plan.release();
      }
    }
  });
});

describe('register-resident transforms of the fused path (shaders/registerFft.ts) against the CPU FFT', () => {
  const OFFSET = 0.75;
  /** A forward-rows or forward-columns kernel of the fused path on a rows × cols map. */
  async function registerTransform(
    rows: number,
    cols: number,
    axis: 'rows' | 'columns',
    exchange: Exchange,
    maxThreads: number,
    lanes: number,
    re: Float32Array,
    im: Float32Array,
  ): Promise<Float32Array> {
    const plan = fftPlan(axis === 'rows' ? cols : rows, GPU_MAX_POWER_OF_TWO_RADIX);
    const { shape, twiddles: twiddleTable } = registerShape(plan, exchange, maxThreads, lanes);
    const programs = new ProgramCache(device);
    const pool = new BufferPool(device);
    const count = rows * cols;
    const buffer = (bytes: number, label: string) =>
      pool.acquire(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label);
    const twiddles = buffer(twiddleTable.byteLength, 'twiddles');
    device.queue.writeBuffer(twiddles, 0, twiddleTable as Float32Array<ArrayBuffer>);
    const output = buffer(8 * count, 'output');
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    if (axis === 'rows') {
      const program = declaredProgram(`test-rows-${rows}x${cols}-${exchange}-${shape.threads}`, forwardRowsBindings, () =>
        forwardRowsShader(shape, rows, cols),
      );
      // Real input (the fused path's Y), held as re + OFFSET and the offset subtracted in the prologue.
      const y = buffer(4 * count, 'y');
      device.queue.writeBuffer(
        y,
        0,
        re.map((v) => v + OFFSET),
      );
      const offset = pool.uniform(uniformData([['f32', OFFSET]]), 'offset');
      dispatch(pass, programs, { program, bindGroup: programs.bindGroup(program, { y, offset, twiddles, output }), groups: rows });
    } else {
      const program = declaredProgram(`test-columns-${rows}x${cols}-${exchange}-${shape.threads}x${lanes}`, forwardColumnsBindings, () =>
        forwardColumnsShader(shape, cols),
      );
      const input = buffer(8 * count, 'input');
      const interleaved = new Float32Array(2 * count);
      for (let p = 0; p < count; p++) [interleaved[2 * p], interleaved[2 * p + 1]] = [re[p], im[p]];
      device.queue.writeBuffer(input, 0, interleaved);
      dispatch(pass, programs, {
        program,
        bindGroup: programs.bindGroup(program, { input, twiddles, output }),
        groups: Math.ceil(cols / lanes),
      });
    }
    pass.end();
    device.queue.submit([encoder.finish()]);
    return readBack(output, 2 * count);
  }

  // Lengths with every radix (16, 8, 4, 2, 3, 5, 7, 11, 13), one and several stages; both
  // exchanges; few invocations, so that each one owns several butterflies per stage; and
  // columns two or four to a workgroup, where the column count is and is not a multiple of that.
  // Lengths with a prime factor above 13 (17, 23, 34 = 2·17, 61, 427 = 7·61) run Bluestein's
  // algorithm in registers.
  it.each([
    [16, 8],
    [12, 30],
    [35, 91],
    [26, 52],
    [13, 11],
    [6, 240],
    [17, 23],
    [61, 34],
    [5, 427],
  ])('%i × %i', async (rows, cols) => {
    const count = rows * cols;
    const re = Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
    const complexIm = Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
    for (const axis of ['rows', 'columns'] as const) {
      // The row transforms take real input (Y); the column transforms complex.
      const im = axis === 'rows' ? new Float32Array(count) : complexIm;
      for (const [exchange, maxThreads, lanes] of [
        ['joint', 256, 1],
        ['split', 256, 1],
        ['joint', 32, 1],
        ...(axis === 'columns'
          ? ([
              ['joint', 64, 4],
              ['split', 64, 2],
            ] as const)
          : []),
      ] as const) {
        // A Bluestein line (a prime factor above 13) holds its m elements in the joint exchange only.
        const bluestein = fftPlan(axis === 'rows' ? cols : rows, GPU_MAX_POWER_OF_TWO_RADIX).kind === 'bluestein';
        if (bluestein && exchange === 'split') continue;
        const got = await registerTransform(rows, cols, axis, exchange, maxThreads, lanes, re, im);
        const error = relativeError(axis, rows, cols, re, im, false, (p) => [got[2 * p], got[2 * p + 1]]);
        expect(error, `${axis}, ${exchange} exchange, ≤ ${maxThreads} invocations, ${lanes} a workgroup`).toBeLessThan(2e-6);
      }
    }
  });
});
