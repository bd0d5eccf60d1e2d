/** Each GPU stage against the float64 CPU path, and the GPU-only machinery (median, loss, concurrency). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINS, histogramMapNames, RADIX_PASSES, radixPassFields, SELECT_GROUPS, VALUES_PER_INVOCATION } from '../../shaders/median.js';
import { alignImage } from '../../src/align.js';
import { cachedFilterBank, clearFilterBanks } from '../../src/bank.js';
import { CpuPrepared } from '../../src/cpu/backend.js';
import { BufferPool, uniformData } from '../../src/gpu/buffers.js';
import { DeviceManager } from '../../src/gpu/device.js';
import * as K from '../../src/gpu/kernels.js';
import { dispatch, groupsFor, ProgramCache } from '../../src/gpu/programs.js';
import { CpuBackend, Fsim, GpuBackend, InlineExecutor, decodeFile, nodeGpu, type RasterImage } from '../../src/node/index.js';
import { GPU_TOLERANCE, golden, image, maxAbsDiff, referenceMap } from '../fixtures.js';

let manager: DeviceManager;
let gpu: Fsim;
const cpu = new Fsim(new CpuBackend(new InlineExecutor()));
beforeAll(async () => {
  manager = new DeviceManager(nodeGpu, { limits: 'default' });
  gpu = new Fsim(await GpuBackend.create(manager));
});
afterAll(async () => {
  await gpu.dispose();
  await manager.destroy();
});

describe('maps against the CPU path and the reference', () => {
  it.each([
    ['I01.bmp', 'I01_dist.bmp', 'auto'],
    ['goldhill_crop300x401.png', 'goldhill_jpeg_crop300x401.png', 'auto'],
    ['I01_tiny17x23.png', 'I01_dist_tiny17x23.png', 'auto'],
    ['I01_crop383x511.png', 'I01_dist_crop383x511.png', 'auto'],
  ] as const)('%s: PC and GM maps', async (refFile, distFile, scale) => {
    const ref = await decodeFile(image(refFile));
    const dist = await decodeFile(image(distFile));
    const g = await gpu.compare(ref, dist, { scale, maps: true });
    const c = await cpu.compare(ref, dist, { scale, maps: true });
    expect(maxAbsDiff(g.maps!.pc1, c.maps!.pc1)).toBeLessThan(2e-4);
    expect(maxAbsDiff(g.maps!.pc2, c.maps!.pc2)).toBeLessThan(2e-4);
    expect(maxAbsDiff(g.maps!.gm1, c.maps!.gm1)).toBeLessThan(1e-3);
    expect(maxAbsDiff(g.maps!.similarity, c.maps!.similarity)).toBeLessThan(2e-4);
    const cpuPrepared = await cpu.prepare(ref, { scale });
    expect(cpuPrepared).toBeInstanceOf(CpuPrepared);
  });

  it('I01 maps against the reference intermediates', async () => {
    const g = await gpu.compare(await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp')), { maps: true });
    expect(maxAbsDiff(g.maps!.pc1, referenceMap('I01_PC1.f64'))).toBeLessThan(2e-4);
    expect(maxAbsDiff(g.maps!.pc2, referenceMap('I01_PC2.f64'))).toBeLessThan(2e-4);
    expect(maxAbsDiff(g.maps!.gm1, referenceMap('I01_GM1.f64'))).toBeLessThan(1e-3);
    expect(maxAbsDiff(g.maps!.gm2, referenceMap('I01_GM2.f64'))).toBeLessThan(1e-3);
  });
});

describe('exact median by radix selection', () => {
  /**
   * The two middle order statistics the GPU selects for each map (their f32 mean is the
   * median): one map through the per-stage path's kernels, several (the fused path's four
   * orientations) through histogramOf(maps) in one set of passes.
   */
  async function gpuMiddles(maps: Float32Array[]): Promise<[number, number][]> {
    const { device } = await manager.acquire();
    const programs = new ProgramCache(device);
    const pool = new BufferPool(device);
    const n = maps[0].length;
    const m = maps.length;
    const data = maps.map((values, k) => {
      const buffer = pool.map(n, `values${k}`);
      device.queue.writeBuffer(buffer, 0, values as Float32Array<ArrayBuffer>);
      return buffer;
    });
    const histogram = pool.acquire(2 * BINS * 4 * m, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'histogram');
    device.queue.writeBuffer(histogram, 0, new Uint32Array(2 * BINS * m));
    const selection = pool.acquire(16 * m, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'selection');
    const read = pool.acquire(16 * m, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'read');
    const blocksPerMap = groupsFor(n, VALUES_PER_INVOCATION);
    const program = K.histogramOf(m);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    RADIX_PASSES.forEach((_, p) => {
      const u = pool.uniform(uniformData(radixPassFields(n, p, blocksPerMap)), 'u');
      dispatch(pass, programs, {
        program,
        bindGroup: programs.bindGroup(program, {
          params: u,
          ...Object.fromEntries(data.map((b, k) => [histogramMapNames(m)[k], b])),
          selection,
          histogram,
        }),
        groups: m === 1 ? groupsFor(n, 16) : blocksPerMap * m,
      });
      dispatch(pass, programs, {
        program: K.select,
        bindGroup: programs.bindGroup(K.select, { params: u, selection, histogram }),
        groups: SELECT_GROUPS * m,
      });
    });
    pass.end();
    encoder.copyBufferToBuffer(selection, 0, read, 0, 16 * m);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const f = new Float32Array(read.getMappedRange().slice(0));
    return maps.map((_, k) => [f[4 * k], f[4 * k + 2]]);
  }
  const gpuMiddle = async (values: Float32Array) => (await gpuMiddles([values]))[0];

  function sortedMiddle(values: Float32Array): [number, number] {
    const s = Float32Array.from(values).sort();
    return [s[(s.length - 1) >> 1], s[s.length >> 1]];
  }

  it.each([1, 2, 7, 1000, 4097, 100000])('random values, n = %i', async (n) => {
    const values = Float32Array.from({ length: n }, () => Math.random() ** 4 * 1e3);
    expect(await gpuMiddle(values)).toEqual(sortedMiddle(values));
  });

  it('duplicates, zeros and tiny values', async () => {
    const values = Float32Array.from({ length: 50000 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 1e-30 : Math.floor(Math.random() * 4)));
    expect(await gpuMiddle(values)).toEqual(sortedMiddle(values));
  });

  it.each([1, 2, 1001, 70000])('four maps in one set of passes (the fused path), n = %i', async (n) => {
    const maps = [
      Float32Array.from({ length: n }, () => Math.random() ** 4 * 1e3),
      Float32Array.from({ length: n }, () => Math.floor(Math.random() * 3)),
      Float32Array.from({ length: n }, (_, i) => (i % 2 ? 1e-30 : Math.random())),
      Float32Array.from({ length: n }, () => Math.random() * 1e-6),
    ];
    expect(await gpuMiddles(maps)).toEqual(maps.map(sortedMiddle));
  });
});

describe('the fused path through the whole pipeline', () => {
  // SwiftShader runs the per-stage kernels by default (see FftKernels); force the fused ones.
  // I01 (192×256 and 384×512) fits the fused path; 17×23 (Bluestein) runs per stage with fused FFTs.
  it.each(['I01', 'I01_scale1', 'I01_tiny17x23'])('%s', async (name) => {
    const fused = new Fsim(await GpuBackend.create(manager, { fft: 'fused' }));
    const c = golden.find((g) => g.case === name)!;
    const r = await fused.compare(await decodeFile(image(c.ref)), await decodeFile(image(c.dist)), { scale: c.scale });
    expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(r.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    await fused.dispose();
  });

  /** The I01 pair stretched to rows × cols on this engine, its PC maps against the CPU path's. */
  async function againstCpuMaps(engine: Fsim, rows: number, cols: number): Promise<void> {
    const { image: ref } = alignImage(await decodeFile(image('I01.bmp')), [rows, cols], 'stretch');
    const { image: dist } = alignImage(await decodeFile(image('I01_dist.bmp')), [rows, cols], 'stretch');
    const g = await engine.compare(ref, dist, { scale: 1, maps: true });
    const c = await cpu.compare(ref, dist, { scale: 1, maps: true });
    expect(maxAbsDiff(g.maps!.pc1, c.maps!.pc1)).toBeLessThan(2e-4);
    expect(maxAbsDiff(g.maps!.pc2, c.maps!.pc2)).toBeLessThan(2e-4);
    expect(Math.abs(g.fsimc - c.fsimc)).toBeLessThan(1e-4);
  }

  it('rows longer than 16 KiB of workgroup storage holds (the split exchange), against the CPU maps', async () => {
    // 2100 columns: 8·2100 bytes exceed the default 16 KiB, 4·2100 do not.
    const fused = new Fsim(await GpuBackend.create(manager, { fft: 'fused' }));
    await againstCpuMaps(fused, 24, 2100);
    await fused.dispose();
  });

  // Every layout of the fused kernels (FusedLayout): the inverse transforms in either order,
  // several adjacent columns a workgroup. I01 against the golden scores; 36×90 (90 columns,
  // not a multiple of 4, so the last workgroup has a column past the edge) against the CPU maps.
  it.each([
    ['rows-first', 4],
    ['columns-first', 1],
    ['columns-first', 4],
  ] as const)('layout %s, up to %i columns a workgroup', async (order, lanes) => {
    const fused = new Fsim(await GpuBackend.create(manager, { fft: 'fused', layout: { order, lanes } }));
    const c = golden.find((g) => g.case === 'I01')!;
    const r = await fused.compare(await decodeFile(image(c.ref)), await decodeFile(image(c.dist)), { scale: c.scale });
    expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(r.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    await againstCpuMaps(fused, 36, 90);
    await fused.dispose();
  });
});

describe('robustness', () => {
  it('20 concurrent comparisons of mixed sizes all return the right scores', async () => {
    const cases = ['I01', 'I03', 'I01_tiny17x23', 'goldhill', 'I04'].map((name) => golden.find((c) => c.case === name)!);
    const decoded = await Promise.all(cases.map(async (c) => [await decodeFile(image(c.ref)), await decodeFile(image(c.dist))] as const));
    const jobs = Array.from({ length: 20 }, (_, k) => k % cases.length);
    const results = await Promise.all(jobs.map((k) => gpu.compare(decoded[k][0], decoded[k][1], { scale: cases[k].scale })));
    results.forEach((r, j) => {
      const c = cases[jobs[j]];
      expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
      expect(Math.abs(r.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    });
  });

  it('repeated comparisons reuse their GPU buffers: memory stops growing after the first', async () => {
    const c = golden.find((g) => g.case === 'goldhill')!;
    const [ref, dist] = [await decodeFile(image(c.ref)), await decodeFile(image(c.dist))];
    const backend = gpu.backend as GpuBackend;
    await gpu.compare(ref, dist, { scale: c.scale });
    const allocatedNow = async () => {
      await new Promise((resolve) => setTimeout(resolve, 0)); // releases complete after `ready`
      return (await backend.memory()).allocatedBytes;
    };
    const first = await allocatedNow();
    for (let k = 0; k < 3; k++) await gpu.compare(ref, dist, { scale: c.scale });
    expect(await allocatedNow()).toBe(first);
    // A prepared image stays the caller's: compare must not release it.
    const prepared = await gpu.prepare(ref, { scale: c.scale });
    await gpu.compare(prepared, dist, { scale: c.scale });
    const again = await gpu.compare(prepared, dist, { scale: c.scale });
    expect(Math.abs(again.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    prepared.release();
  });

  it('a lost device is re-acquired on the next call', async () => {
    const c = golden.find((g) => g.case === 'I01_tiny17x23')!;
    const [ref, dist] = [await decodeFile(image(c.ref)), await decodeFile(image(c.dist))];
    const prepared = await gpu.prepare(ref);
    (await manager.acquire()).device.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(gpu.compare(prepared, dist)).rejects.toThrow(/device was lost/);
    const r = await gpu.compare(ref, dist);
    expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });

  it('flat images never give NaN on the GPU either', async () => {
    const flat128 = await decodeFile(image('flat128.png'));
    const flat30 = await decodeFile(image('flat30.png'));
    const same = await gpu.compare(flat128, flat128);
    expect(same.fsim).toBe(1);
    expect(same.pooling).toBe('uniform');
    const g = await gpu.compare(flat128, flat30);
    const c = await cpu.compare(flat128, flat30);
    expect(g.pooling).toBe('uniform');
    expect(Math.abs(g.fsim - c.fsim)).toBeLessThan(1e-5);
  });

  it('8-bit samples upload as stored: RGB or RGBA, shared memory or not, any byte offset and length', async () => {
    const rgb = await decodeFile(image('I01.bmp')); // decoded into shared memory
    const dist = await decodeFile(image('I01_dist.bmp'));
    const c = golden.find((g) => g.case === 'I01_rgba_vs_dist')!;
    const rgba = new Uint8Array(new SharedArrayBuffer((rgb.data.length / 3) * 4));
    for (let p = 0; p < rgba.length / 4; p++) {
      rgba.set(rgb.data.subarray(3 * p, 3 * p + 3) as Uint8Array, 4 * p);
      rgba[4 * p + 3] = p & 255; // alpha is ignored
    }
    /** The same bytes one byte into a larger buffer (not 4-byte aligned). */
    const shifted = (data: Uint8Array, Memory: typeof ArrayBuffer | typeof SharedArrayBuffer) => {
      const copy = new Uint8Array(new Memory(data.length + 1));
      copy.set(data, 1);
      return copy.subarray(1);
    };
    const rasters: RasterImage[] = [
      rgb,
      { ...rgb, channels: 4, data: rgba },
      { ...rgb, data: shifted(rgb.data as Uint8Array, ArrayBuffer) },
      { ...rgb, channels: 4, data: shifted(rgba, SharedArrayBuffer) },
    ];
    for (const raster of rasters) {
      const r = await gpu.compare(raster, dist);
      expect(Math.abs(r.fsimc - c.fsimc), `${raster.channels} channels`).toBeLessThanOrEqual(GPU_TOLERANCE);
    }
    // Greyscale 17×23: 391 bytes, so the last word is padded.
    const grey = (seed: number): RasterImage => ({
      width: 23,
      height: 17,
      channels: 1,
      data: Uint8Array.from({ length: 391 }, (_, k) => (k * 37 + seed * (k % 7)) & 255),
    });
    const g = await gpu.compare(grey(1), grey(2), { scale: 1 });
    const cpuScores = await cpu.compare(grey(1), grey(2), { scale: 1 });
    expect(Math.abs(g.fsim - cpuScores.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });

  it('builds no float64 filter bank: the GPU path generates its own', async () => {
    clearFilterBanks();
    const r = await gpu.compare(await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp')));
    expect(cachedFilterBank(r.downsampled[0], r.downsampled[1])).toBeUndefined();
    expect(Math.abs(r.fsimc - golden.find((g) => g.case === 'I01')!.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });

  it('float (16-bit) sources go through the float-plane upload', async () => {
    const rgb = await decodeFile(image('I01.bmp'));
    const asFloat: RasterImage = { ...rgb, data: Float64Array.from(rgb.data) };
    const c = golden.find((g) => g.case === 'I01_rgba_vs_dist')!;
    const r = await gpu.compare(asFloat, await decodeFile(image('I01_dist.bmp')));
    expect(Math.abs(r.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});
