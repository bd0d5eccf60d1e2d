/** The WebGPU FFT plans against the float64 CPU kernels (themselves tested against a direct DFT). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fft1D } from '../../src/cpu/fft.js';
import { BufferPool } from '../../src/gpu/buffers.js';
import { DeviceManager } from '../../src/gpu/device.js';
import { GpuFftAxis } from '../../src/gpu/fft.js';
import { ProgramCache } from '../../src/gpu/programs.js';
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
        const length = axis === 'rows' ? cols : rows;
        const count = axis === 'rows' ? rows : cols;
        const cpu = new Fft1D(length);
        let err = 0,
          norm = 0;
        for (let b = 0; b < count; b++) {
          const at = (t: number) => (axis === 'rows' ? b * cols + t : t * cols + b);
          const xr = Float64Array.from({ length }, (_, t) => re[at(t)]);
          const xi = Float64Array.from({ length }, (_, t) => im[at(t)]);
          if (inverse) cpu.inverse(xr, xi);
          else cpu.forward(xr, xi);
          for (let t = 0; t < length; t++) {
            err = Math.max(err, Math.hypot(gotRe[at(t)] - xr[t], gotIm[at(t)] - xi[t]));
            norm = Math.max(norm, Math.hypot(xr[t], xi[t]));
          }
        }
        expect(err / norm, `${axis} ${inverse ? 'inverse' : 'forward'} ${fused ? 'fused' : 'per stage'}`).toBeLessThan(2e-6);
        plan.release();
      }
    }
  });
});
