/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU backend. prepare() records, per image and top-down:
 *   colour + downsample → FFT → log-Gabor bank → phase congruency (the fused path, or the
 *   per-stage one: PhaseCongruencyPath) → Scharr gradients
 * and pool() the similarity maps and their sums. Kernels live in shaders/, plans come from the
 * module the CPU path uses, the filter bank is built on the GPU (src/gpu/filterBank.ts) once
 * per size. A lost device is re-acquired on the next call; prepared images from a lost device
 * must be prepared again.
 */
import { PIXELS_PER_INVOCATION, SUMS } from '../../shaders/pooling.js';
import { RANGE_VALUES_PER_INVOCATION } from '../../shaders/colour.js';
import type { Backend, PoolResult, PreparedImage, Progress, SimilarityMaps, StageTimings } from '../backend.js';
import { YIQ } from '../constants.js';
import { FsimError } from '../errors.js';
import { isGreyscale, sampleDivisor, type RasterImage } from '../image.js';
import { downsampledSize } from '../scale.js';
import { checkPoolable, finishScores } from '../pooling.js';
import type { MaskWeights } from '../mask.js';
import { BufferPool, uniformData } from './buffers.js';
import type { AcquiredDevice, DeviceManager } from './device.js';
import * as K from './kernels.js';
import { groupsFor, ProgramCache, runner } from './programs.js';
import { DEFAULT_FUSED_LAYOUT, type FusedLayout, FusedPhaseCongruency, fusedFits } from './fusedPhaseCongruency.js';
import { PassTimer, type PhaseCongruencyPath, Recording } from './recording.js';
import { StagedPhaseCongruency } from './stagedPhaseCongruency.js';

/** The key of a downsampled size among the resident sizes. */
const sizeKey = (rows: number, cols: number) => `${rows}x${cols}`;

/** Sizes kept resident together while their pixels add up to at most this (~26 f32 maps each). */
const RESIDENT_PIXELS = 8 << 20;

/**
 * Kernels: 'fused' runs the fused path (src/gpu/fusedPhaseCongruency.ts: each transform in
 * registers and workgroup memory, filter and energy folded into them, ~20 dispatches an
 * image) where both axes fit one workgroup, and elsewhere 'fused-fft'; 'fused-fft' is the
 * per-stage path with each FFT in workgroup memory where it fits (kept for comparison);
 * 'per-stage' runs one global-memory pass per FFT stage and per step. 'auto' is 'fused' on
 * hardware adapters and 'per-stage' on software ones (SwiftShader emulates workgroup
 * barriers slowly, and runs the per-stage kernels faster: measured 6×).
 */
export type FftKernels = 'auto' | 'fused' | 'fused-fft' | 'per-stage';

export interface GpuBackendOptions {
  fft?: FftKernels;
  /**
   * Benchmarks: each kernel of the fused path in its own timed pass, reported in
   * StageTimings.kernels (more passes, so a little slower; timestamp queries needed).
   */
  profile?: boolean;
  /**
   * Benchmarks: the fused kernels' layout (inverse order, adjacent columns per workgroup);
   * DEFAULT_FUSED_LAYOUT where unset. Every layout gives the same results to f32 rounding.
   */
  layout?: Partial<FusedLayout>;
}

interface DeviceState {
  acquired: AcquiredDevice;
  programs: ProgramCache;
  pool: BufferPool;
  sizes: Map<string, PhaseCongruencyPath>;
  generation: number;
}

export class GpuPrepared implements PreparedImage {
  released = false;
  constructor(
    readonly backend: string,
    readonly generation: number,
    readonly size: readonly [number, number],
    readonly downsampled: readonly [number, number],
    readonly factor: number,
    readonly colour: boolean,
    readonly timings: StageTimings,
    /** Resolves when the GPU has finished the image (and timings are filled in). */
    readonly ready: Promise<void>,
    readonly maps: { y: GPUBuffer; pc: GPUBuffer; gm: GPUBuffer; i: GPUBuffer | null; q: GPUBuffer | null },
    private readonly pool: BufferPool,
  ) {
    // A lost device rejects `ready`; whoever uses the image sees that, nobody else must.
    ready.catch(() => {});
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const { y, pc, gm, i, q } = this.maps;
    const giveBack = () => this.pool.release(y, pc, gm, ...(i ? [i] : []), ...(q ? [q] : []));
    this.ready.then(giveBack, giveBack);
  }
}

/** Bytes copied at a time from shared memory (Dawn in Node crashes on views of a SharedArrayBuffer). */
const STAGING_BYTES = 1 << 22;

/**
 * 8-bit samples as stored, into a storage buffer (the colour kernel unpacks them): whole
 * 4-byte words straight from the caller's array (through a small copy where that array is
 * shared memory, as decoded images are), the last 1–3 bytes padded.
 */
function uploadSamples(device: GPUDevice, pool: BufferPool, data: Uint8Array | Uint8ClampedArray): GPUBuffer {
  const length = data.length;
  const whole = length & ~3;
  const buffer = pool.acquire(Math.max(4, (length + 3) & ~3), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'samples');
  const bytes = new Uint8Array(data.buffer, data.byteOffset, length);
  if (bytes.buffer instanceof ArrayBuffer) {
    if (whole > 0) device.queue.writeBuffer(buffer, 0, bytes as Uint8Array<ArrayBuffer>, 0, whole);
  } else {
    const staging = new Uint8Array(Math.min(STAGING_BYTES, whole));
    for (let at = 0; at < whole; at += STAGING_BYTES) {
      const chunk = Math.min(STAGING_BYTES, whole - at);
      staging.set(bytes.subarray(at, at + chunk));
      device.queue.writeBuffer(buffer, at, staging, 0, chunk);
    }
  }
  if (length > whole) {
    const tail = new Uint8Array(4);
    tail.set(bytes.subarray(whole));
    device.queue.writeBuffer(buffer, whole, tail);
  }
  return buffer;
}

/** A constant near the mean of Y, from at most ~65k samples (any constant is exact; see shaders/colour.ts). */
function luminanceOffset(image: RasterImage, greyscale: boolean): number {
  const { data, channels } = image;
  const [kr, kg, kb] = YIQ[0];
  const n = image.width * image.height;
  const step = Math.max(1, Math.floor(n / 65536));
  let sum = 0,
    count = 0;
  for (let p = 0; p < n; p += step, count++) {
    const s = p * channels;
    sum += greyscale ? data[s] : kr * data[s] + kg * data[s + 1] + kb * data[s + 2];
  }
  return sum / count / sampleDivisor(data);
}

export class GpuBackend implements Backend {
  name: string;
  /** On a software or fallback adapter: 'auto' prefers the CPU path then. */
  readonly software: boolean;
  private state: Promise<DeviceState> | null = null;
  private generation = 0;
  private lostReason: string | null = null;
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly manager: DeviceManager,
    acquired: AcquiredDevice,
    private readonly options: GpuBackendOptions,
  ) {
    this.name = this.nameFor(acquired);
    this.software = acquired.isFallbackAdapter;
    this.unsubscribe = manager.onLost((reason) => {
      this.state = null;
      this.lostReason = reason;
    });
  }

  /** 'webgpu (adapter)', with the kernels where they were forced ('webgpu (adapter; fused kernels)'). */
  private nameFor(acquired: AcquiredDevice): string {
    const fft = this.options.fft ?? 'auto';
    return `webgpu (${acquired.adapterName}${fft === 'auto' ? '' : `; ${fft} kernels`})`;
  }

  /** Acquires the device now, so that a missing adapter fails here with a clear message. */
  static async create(manager: DeviceManager, options: GpuBackendOptions = {}): Promise<GpuBackend> {
    const acquired = await manager.acquire();
    return new GpuBackend(manager, acquired, options);
  }

  /** The device's limits (the adapter's maxima under limits 'adapter'). */
  async limits(): Promise<GPUSupportedLimits> {
    return (await this.device()).acquired.limits;
  }

  /** Bytes of GPU buffers this backend holds now and at most (pooled buffers included). */
  async memory(): Promise<{ allocatedBytes: number; peakBytes: number }> {
    const { pool } = await this.device();
    return { allocatedBytes: pool.allocatedBytes, peakBytes: pool.peakBytes };
  }

  private device(): Promise<DeviceState> {
    this.state ??= this.manager.acquire().then((acquired) => {
      this.name = this.nameFor(acquired);
      return {
        acquired,
        programs: new ProgramCache(acquired.device),
        pool: new BufferPool(acquired.device),
        sizes: new Map(),
        generation: ++this.generation,
      };
    });
    return this.state;
  }

  /**
   * The path of a downsampled size on this device: 'fused' where both axes fit one workgroup
   * (fusedFits) and the kernels are 'fused', or 'auto' on a hardware adapter; else 'per-stage'.
   */
  private pathFor(acquired: AcquiredDevice, rows: number, cols: number): PhaseCongruencyPath['kind'] {
    const fft = this.options.fft ?? 'auto';
    const fused = fft === 'fused' || (fft === 'auto' && !acquired.isFallbackAdapter);
    return fused && fusedFits(rows, cols, acquired.limits) ? 'fused' : 'per-stage';
  }

  /** The path a downsampled rows × cols image takes on this backend's device. */
  async pathOf(rows: number, cols: number): Promise<PhaseCongruencyPath['kind']> {
    return this.pathFor((await this.device()).acquired, rows, cols);
  }

  /** The size's resources (its filter bank built on first use), most recently used last. */
  private resources(state: DeviceState, rows: number, cols: number): PhaseCongruencyPath {
    const key = sizeKey(rows, cols);
    let res = state.sizes.get(key);
    if (res) {
      state.sizes.delete(key); // re-inserted below: most recently used last
    } else {
      // Evict least recently used sizes until this one fits the budget (alone if it must).
      let resident = [...state.sizes.values()].reduce((sum, r) => sum + r.n, 0);
      for (const [otherKey, other] of state.sizes) {
        if (resident + rows * cols <= RESIDENT_PIXELS) break;
        other.release();
        state.sizes.delete(otherKey);
        resident -= other.n;
      }
      state.pool.trim();
      const fft = this.options.fft ?? 'auto';
      // The per-stage path's transforms in workgroup memory, where asked or on hardware.
      const fusedFft = fft === 'fused' || fft === 'fused-fft' || (fft === 'auto' && !state.acquired.isFallbackAdapter);
      res =
        this.pathFor(state.acquired, rows, cols) === 'fused'
          ? new FusedPhaseCongruency(state.programs, state.pool, rows, cols, { ...DEFAULT_FUSED_LAYOUT, ...this.options.layout })
          : new StagedPhaseCongruency(state.programs, state.pool, rows, cols, fusedFft);
    }
    state.sizes.set(key, res);
    return res;
  }

  private checkLimits(acquired: AcquiredDevice, image: RasterImage, n: number): void {
    const limit = Math.min(acquired.limits.maxStorageBufferBindingSize, acquired.limits.maxBufferSize);
    const largest = Math.max(image.width * image.height, n) * 4;
    if (largest > limit) {
      throw new FsimError(
        'SIZE',
        `${image.width}×${image.height} needs ${largest} bytes per map, over this GPU's ${limit}-byte buffer limit; use the CPU backend`,
      );
    }
  }

  async prepare(image: RasterImage, factor: number, progress?: Progress): Promise<PreparedImage> {
    const started = performance.now();
    const [h, w] = downsampledSize(image.height, image.width, factor);
    const state = await this.device();
    const { device } = state.acquired;
    this.checkLimits(state.acquired, image, h * w);
    // From here to the submission nothing awaits, so no other call can evict the size's
    // resources while this one records with them.
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let recorded: ReturnType<GpuBackend['record']> | undefined;
    let failure: { error: unknown } | undefined;
    try {
      recorded = this.record(state, image, factor, h, w);
    } catch (error) {
      failure = { error };
    }
    const [validation, memory] = [device.popErrorScope(), device.popErrorScope()];
    if (!recorded) {
      void Promise.allSettled([validation, memory]);
      throw failure!.error;
    }
    // Later submissions run after these: the temporaries can go back to the pool now.
    state.pool.release(...recorded.temporaries);
    const error = (await validation) ?? (await memory);
    if (error) throw new Error(`WebGPU error while preparing an image: ${error.message}`);

    const timings: StageTimings = {};
    const { readTimings } = recorded;
    const ready = (readTimings ? readTimings() : device.queue.onSubmittedWorkDone().then(() => ({}))).then((gpuTimings) => {
      Object.assign(timings, gpuTimings);
      timings.total = performance.now() - started;
    });
    if (progress)
      void ready.then(
        () => progress(1, 'phase congruency'),
        () => {},
      );
    return new GpuPrepared(
      this.name,
      state.generation,
      [image.height, image.width],
      [h, w],
      factor,
      !isGreyscale(image),
      timings,
      ready,
      recorded.maps,
      state.pool,
    );
  }

  /** Records and submits one image's work, top-down. */
  private record(state: DeviceState, image: RasterImage, factor: number, h: number, w: number) {
    const { acquired, programs, pool } = state;
    const { device } = acquired;
    const { height: inRows, width: inCols } = image;
    const n = h * w;
    const path = this.resources(state, h, w);
    const greyscale = isGreyscale(image);
    const packed = image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray;

    // Inputs.
    const sources: GPUBuffer[] = [];
    if (packed) {
      sources.push(uploadSamples(device, pool, image.data as Uint8Array | Uint8ClampedArray));
    } else {
      // Float and 16-bit samples: one f32 plane per channel on the 0..255 scale.
      const planeCount = greyscale ? 1 : 3;
      const divisor = sampleDivisor(image.data);
      for (let c = 0; c < planeCount; c++) {
        const plane = new Float32Array(inRows * inCols);
        for (let p = 0; p < plane.length; p++) plane[p] = image.data[p * image.channels + c] / divisor;
        const buffer = pool.map(plane.length, `plane${c}`);
        device.queue.writeBuffer(buffer, 0, plane);
        sources.push(buffer);
      }
      while (sources.length < 3) sources.push(sources[0]);
    }
    const y = pool.map(n, 'y');
    const pc = pool.map(n, 'pc');
    const gm = pool.map(n, 'gm');
    const chromaI = greyscale ? null : pool.map(n, 'i');
    const chromaQ = greyscale ? null : pool.map(n, 'q');
    const range = pool.acquire(16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'range');
    device.queue.writeBuffer(range, 0, new Uint32Array([0xffffffff, 0, 0, 0]));
    const offset = luminanceOffset(image, greyscale);
    const colourUniform = pool.uniform(
      uniformData([
        ['u32', inRows],
        ['u32', inCols],
        ['u32', h],
        ['u32', w],
        ['u32', factor],
        ['u32', Math.floor((factor - 1) / 2)],
        ['u32', greyscale ? 1 : 0],
        ['f32', offset],
        ['u32', image.channels],
      ]),
      'colour-params',
    );
    const offsetUniform = pool.uniform(uniformData([['f32', offset]]), 'luminance-offset');

    const profile = (this.options.profile ?? false) && acquired.timestamps;
    const recording = new Recording(device, new PassTimer(device, acquired.timestamps, profile ? 64 : 8), profile, 'prepare');
    const run = runner(programs);
    const { count, shape } = path.uniforms;

    // colour → downsample (one kernel), and the min/max that detects a flat image
    const colour = recording.stage('colour');
    const { fftInput } = path;
    run(
      colour.pass('colour'),
      K.colour({ packed, colour: !greyscale, fftInput: fftInput !== null }),
      {
        params: colourUniform,
        ...(packed ? { pixels: sources[0] } : { red: sources[0], green: sources[1], blue: sources[2] }),
        y,
        ...(fftInput ? { fftRe: fftInput.re, fftIm: fftInput.im } : {}),
        ...(greyscale ? {} : { chromaI: chromaI!, chromaQ: chromaQ! }),
      },
      groupsFor(n),
    );
    run(colour.pass('range'), K.range, { count, values: y, range }, groupsFor(n, RANGE_VALUES_PER_INVOCATION));
    colour.end();

    // FFT → log-Gabor bank → phase congruency (src/gpu/fusedPhaseCongruency.ts or stagedPhaseCongruency.ts)
    const forward = recording.stage('fft');
    path.recordForward(forward, y, offsetUniform);
    forward.end();
    const phaseCongruency = recording.stage('phaseCongruency');
    path.recordPhaseCongruency(phaseCongruency, range, pc);
    phaseCongruency.end();

    // Scharr gradients
    const gradient = recording.stage('gradient');
    run(gradient.pass('gradient'), K.gradient, { params: shape, y, gm }, groupsFor(n));
    gradient.end();

    const readTimings = recording.timer.resolve(recording.encoder, pool);
    device.queue.submit([recording.encoder.finish()]);
    return {
      maps: { y, pc, gm, i: chromaI, q: chromaQ },
      temporaries: [...new Set(sources), range, colourUniform, offsetUniform],
      readTimings,
    };
  }

  async pool(first: PreparedImage, second: PreparedImage, maps: boolean, mask?: MaskWeights): Promise<PoolResult> {
    const [a, b] = checkPoolable(
      first,
      second,
      (x): x is GpuPrepared => x instanceof GpuPrepared,
      (x) => x.released,
    );
    const state = await this.device();
    if (a.generation !== state.generation || b.generation !== state.generation) {
      throw new FsimError('BACKEND', `the GPU device was lost${this.lostReason ? ` (${this.lostReason})` : ''}; prepare the images again`);
    }
    await Promise.all([a.ready, b.ready]);
    const { acquired, programs, pool } = state;
    const { device } = acquired;
    const [h, w] = a.downsampled;
    const n = h * w;
    const chroma = a.colour || b.colour;
    const count = pool.uniform(uniformData([['u32', n]]), 'pool-count');
    const groups = groupsFor(n, PIXELS_PER_INVOCATION);
    const partials = pool.acquire(groups * SUMS * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'partials');
    const temporaries: GPUBuffer[] = [count, partials];
    const timer = new PassTimer(device, acquired.timestamps, 1);
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder({ label: 'pool' });
    // A greyscale side has zero chroma: one cleared plane serves for its I and Q. Cleared
    // before the pass opens, since an encoder records no buffer commands inside a pass.
    let zero: GPUBuffer | undefined;
    if (chroma && !(a.colour && b.colour)) {
      zero = pool.map(n, 'zero-chroma');
      encoder.clearBuffer(zero);
      temporaries.push(zero);
    }
    const chromaOf = (x: GpuPrepared) => (x.colour ? [x.maps.i!, x.maps.q!] : [zero!, zero!]);
    const run = runner(programs);
    const pass = timer.pass(encoder, 'pooling');
    let chromaTerm: GPUBuffer | undefined;
    if (chroma) {
      const [i1, q1, i2, q2] = [...chromaOf(a), ...chromaOf(b)];
      chromaTerm = pool.map(n, 'chroma-term');
      temporaries.push(chromaTerm);
      run(pass, K.chroma, { count, i1, q1, i2, q2, chroma: chromaTerm }, groupsFor(n));
    }
    const similarity = maps ? pool.map(n, 'similarity') : undefined;
    let maskBuffer: GPUBuffer | undefined;
    if (mask) {
      maskBuffer = pool.map(n, 'mask');
      device.queue.writeBuffer(maskBuffer, 0, Float32Array.from(mask.weights));
      temporaries.push(maskBuffer);
    }
    const program = K.pool({ chroma, similarityMap: maps, masked: mask !== undefined });
    run(
      pass,
      program,
      {
        params: count,
        pc1: a.maps.pc,
        pc2: b.maps.pc,
        gm1: a.maps.gm,
        gm2: b.maps.gm,
        partials,
        ...(chromaTerm ? { chromaTerm } : {}),
        ...(similarity ? { similarity } : {}),
        ...(maskBuffer ? { mask: maskBuffer } : {}),
      },
      groups,
    );
    pass.end();
    const reads: [GPUBuffer, number][] = [[partials, groups * SUMS]];
    if (maps) reads.push([a.maps.pc, n], [b.maps.pc, n], [a.maps.gm, n], [b.maps.gm, n], [similarity!, n]);
    const staging = reads.map(([buffer, length]) => {
      const target = pool.acquire(length * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
      encoder.copyBufferToBuffer(buffer, 0, target, 0, length * 4);
      return target;
    });
    const readTimings = timer.resolve(encoder, pool);
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU error while pooling: ${error.message}`);
    const arrays = await Promise.all(
      staging.map(async (buffer, k) => {
        await buffer.mapAsync(GPUMapMode.READ);
        const values = new Float32Array(buffer.getMappedRange(0, reads[k][1] * 4).slice(0));
        buffer.unmap();
        return values;
      }),
    );
    pool.release(...staging, ...temporaries, ...(similarity ? [similarity] : []));
    const timings = readTimings ? await readTimings() : {};

    // Finish the sums in float64.
    const sums = new Float64Array(SUMS);
    const parts = arrays[0];
    for (let g = 0; g < groups; g++) for (let s = 0; s < SUMS; s++) sums[s] += parts[g * SUMS + s];
    const [weighted, weightedC, weights, plain, plainC] = sums;
    const result: PoolResult = { ...finishScores({ weighted, weightedC, weights, plain, plainC }, mask ? mask.kept : n, chroma), timings };
    if (maps) {
      const [, pc1, pc2, gm1, gm2, sim] = arrays;
      result.maps = { pc1, pc2, gm1, gm2, similarity: sim } satisfies SimilarityMaps;
    }
    return result;
  }

  async dispose(): Promise<void> {
    this.unsubscribe();
    const state = await this.state?.catch(() => null);
    if (state) {
      for (const res of state.sizes.values()) res.release();
      state.pool.trim();
    }
    this.state = null;
  }
}
