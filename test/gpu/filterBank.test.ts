/**
 * The GPU-built filter bank (src/gpu/filterBank.ts) against the float64 bank of src/bank.ts,
 * map by map, and its noise sums; the f32 elementary functions it is built from against
 * Math.log, Math.exp and Math.atan2. On whatever adapter Dawn finds (SwiftShader in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingLines, read, write } from '../../shaders/bindings.js';
import { mathFunctions } from '../../shaders/math.js';
import { angularMap, filterBank } from '../../src/bank.js';
import { PC } from '../../src/constants.js';
import { BufferPool } from '../../src/gpu/buffers.js';
import { DeviceManager } from '../../src/gpu/device.js';
import { GpuFilterBank } from '../../src/gpu/filterBank.js';
import { declaredProgram, dispatch, ProgramCache } from '../../src/gpu/programs.js';
import { nodeGpu } from '../../src/node/webgpu.js';

let manager: DeviceManager;
let device: GPUDevice;
let cache: ProgramCache;
let pool: BufferPool;
beforeAll(async () => {
  manager = new DeviceManager(nodeGpu, { limits: 'default' });
  device = (await manager.acquire()).device;
  cache = new ProgramCache(device);
  pool = new BufferPool(device);
});
afterAll(() => manager.destroy());

async function readBack(buffer: GPUBuffer, bytes = buffer.size): Promise<Float32Array> {
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return out;
}

/**
 * The largest |got − want| / (|want|·relative + absolute), and where: at most 1 passes. The
 * bank's f32 error is relative (the inputs u, v are rounded once; the low-pass raises r² to
 * the 15th power, so its transition carries ~15 ULP), and values near 0 get an absolute floor.
 */
function worstError(got: ArrayLike<number>, want: ArrayLike<number>, relative: number, absolute: number): { error: number; at: number } {
  let error = 0,
    at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (Math.abs(want[i]) * relative + absolute);
    if (!(e <= error)) {
      error = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  return { error, at };
}

describe('f32 elementary functions (shaders/math.ts)', () => {
  const bindings = [read('x'), read('y'), write('out')];
  const program = declaredProgram(
    'test-math',
    bindings,
    () => /* wgsl */ `
${bindingLines(bindings)}
${mathFunctions}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&x)) { return; }
  out[3u * i] = lnF32(x[i]);
  out[3u * i + 1u] = expF32(-x[i] * y[i]);
  out[3u * i + 2u] = absAtan2(y[i] - 0.5, x[i] - 0.5);
}`,
  );

  it('lnF32, expF32 and absAtan2 stay within 2 ULP of float64 (rounded) over their ranges', async () => {
    const count = 1 << 16;
    // x over (0, 1.5] on a log scale (the bank's r² runs from ~1e-8 to 0.5), y over [0, 1).
    const x = Float32Array.from({ length: count }, (_, i) => 1.5 * 2 ** (-28 * (i / count) ** 0.5));
    const y = Float32Array.from({ length: count }, (_, i) => ((i * 7919) % count) / count);
    const upload = (values: Float32Array<ArrayBuffer>, label: string) => {
      const buffer = pool.map(values.length, label);
      device.queue.writeBuffer(buffer, 0, values);
      return buffer;
    };
    const out = pool.map(3 * count, 'out');
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    dispatch(pass, cache, {
      program,
      bindGroup: cache.bindGroup(program, { x: upload(x, 'x'), y: upload(y, 'y'), out }),
      groups: count / 64,
    });
    pass.end();
    device.queue.submit([encoder.finish()]);
    const got = await readBack(out);
    const ulp = (v: number) => {
      const f = Math.fround(Math.abs(v));
      return f === 0 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(f)) - 23);
    };
    let ln = 0,
      exp = 0,
      atan = 0;
    for (let i = 0; i < count; i++) {
      const wantLn = Math.log(x[i]);
      const wantExp = Math.exp(-Math.fround(x[i] * y[i]) * 1);
      const wantAtan = Math.abs(Math.atan2(Math.fround(y[i] - 0.5), Math.fround(x[i] - 0.5)));
      ln = Math.max(ln, Math.abs(got[3 * i] - wantLn) / ulp(wantLn));
      if (wantExp > 1e-37) exp = Math.max(exp, Math.abs(got[3 * i + 1] - wantExp) / ulp(wantExp));
      atan = Math.max(atan, Math.abs(got[3 * i + 2] - wantAtan) / ulp(wantAtan));
    }
    expect(ln, 'lnF32, ULP').toBeLessThanOrEqual(2);
    expect(exp, 'expF32, ULP').toBeLessThanOrEqual(2);
    expect(atan, 'absAtan2, ULP').toBeLessThanOrEqual(2);
  });
});

describe('the filter bank built on the GPU, against the float64 bank', () => {
  // Even and odd sides (the odd grid's frequencies are k/(n − 1)), one side of 3.
  it.each([
    [24, 32],
    [17, 23],
    [3, 40],
    [96, 65],
    [192, 256],
  ])('%i × %i: radial quadrant, angular maps and noise sums', async (rows, cols) => {
    const bank = filterBank(rows, cols);
    const gpu = new GpuFilterBank(cache, pool, rows, cols);
    gpu.build();
    try {
      const radial = await readBack(gpu.radial);
      const quadrant = bank.quadrantRows * bank.quadrantCols;
      for (let s = 0; s < PC.nscale; s++) {
        const got = Float32Array.from({ length: quadrant }, (_, q) => radial[4 * q + s]);
        // Measured: up to 5e-6 of the value (1080p), 3e-7 absolute; G_s ≤ 1.
        const { error, at } = worstError(got, bank.radial[s], 1e-5, 1e-11);
        expect(error, `G_${s} at quadrant entry ${at}`).toBeLessThanOrEqual(1);
      }
      for (let o = 0; o < PC.norient; o++) {
        const got = await readBack(gpu.angular[o], rows * cols * 4);
        const { error, at } = worstError(got, angularMap(bank, o), 1e-5, 1e-11);
        expect(error, `S_${o} at ${at}`).toBeLessThanOrEqual(1);
      }
      const noise = await readBack(gpu.noise);
      for (let o = 0; o < PC.norient; o++) {
        const { energyOfSmallestFilter, sumAn2, sumAiAj } = bank.noise[o];
        const want = [energyOfSmallestFilter, sumAn2, sumAiAj];
        for (let k = 0; k < 3; k++) {
          // Measured: within 1e-7 (fixed-order f32 sums of up to 2M terms).
          expect(Math.abs(noise[4 * o + k] - want[k]) / want[k], `orientation ${o}, sum ${k}`).toBeLessThan(1e-6);
        }
      }
    } finally {
      gpu.release();
    }
  });

  it('gives the same bits on every build', async () => {
    const builds = [];
    for (let k = 0; k < 2; k++) {
      // A pool of its own each time: fresh buffers, so a build that wrote nothing cannot pass.
      const gpu = new GpuFilterBank(cache, new BufferPool(device), 96, 65);
      gpu.build();
      builds.push([await readBack(gpu.radial), await readBack(gpu.angular[1], 96 * 65 * 4), await readBack(gpu.noise)]);
      gpu.release();
    }
    for (let k = 0; k < 3; k++) expect(builds[1][k]).toEqual(builds[0][k]);
  });
});
