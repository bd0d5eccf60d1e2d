/// <reference types="@webgpu/types" preserve="true" />
/**
 * GPU FFT plans. A GpuFftAxis transforms every row (or every column) of a rows×cols planar
 * map, built from the same plan as the CPU path (src/fft/plan.ts: radices, float64
 * twiddles, Bluestein), and records its passes into the caller's compute pass.
 * GpuFft2D pairs the two axes. Forward and inverse share everything: the inverse binds the
 * planes swapped (and is unnormalised, like the CPU kernels).
 */
import { bluesteinBindings, bluesteinShader, fftBindings, fusedShader, stageShader } from '../../shaders/fft.js';
import { fftPlan, type StockhamPlan } from '../fft/plan.js';
import { type BufferPool, uniformData } from './buffers.js';
import { declaredProgram, dispatch, groupsFor, type ProgramCache, type Program } from './programs.js';

export interface Planes {
  readonly re: GPUBuffer;
  readonly im: GPUBuffer;
}

const swap = (p: Planes): Planes => ({ re: p.im, im: p.re });

/**
 * Largest power-of-two radix of the GPU plans: each stage is a pass through memory, and
 * radix 16 (done as an unrolled 4·4 split in registers) makes 1920 four passes (16·8·3·5)
 * instead of six (4·4·4·2·3·5).
 */
export const GPU_MAX_POWER_OF_TWO_RADIX = 16;

const stageProgram = (radix: number): Program => declaredProgram(`fft-stage-r${radix}`, fftBindings, () => stageShader(radix));
const fusedProgram = (plan: StockhamPlan, offsets: readonly number[]): Program =>
  declaredProgram(`fft-fused-n${plan.n}`, fftBindings, () =>
    fusedShader(
      plan.n,
      plan.stages.map((st, t) => ({ radix: st.radix, stride: st.stride, twiddleOffset: offsets[t] })),
    ),
  );

/**
 * A plan's twiddles as one f32 table, stage after stage (each stage's k·(R−1) + r − 1
 * layout kept), and where each stage starts in it (in complex values).
 */
export function twiddleTable(plan: StockhamPlan): { offsets: number[]; table: Float32Array<ArrayBuffer> } {
  const offsets: number[] = [];
  let total = 0;
  for (const stage of plan.stages) {
    offsets.push(total);
    total += stage.twiddles.length / 2;
  }
  const table = new Float32Array(Math.max(2, total * 2));
  plan.stages.forEach((stage, t) => {
    table.set(stage.twiddles, offsets[t] * 2);
  });
  return { offsets, table };
}

/** Bytes of workgroup storage the fused kernel needs for length n (one vec2<f32> each). */
export const fusedStorageBytes = (n: number): number => n * 8;
const bluesteinProgram = (entryPoint: 'chirpIn' | 'convolve' | 'chirpOut'): Program =>
  declaredProgram('fft-bluestein', bluesteinBindings, bluesteinShader, entryPoint);

/** The input and output planes of an FFT kernel, by binding name. */
const planes = (input: Planes, output: Planes) => ({ inRe: input.re, inIm: input.im, outRe: output.re, outIm: output.im });

interface Layout {
  n: number;
  batch: number;
  elementStride: number;
  batchStride: number;
  batchFastest: boolean;
}

function layoutUniform(
  l: Layout,
  extra: { stride?: number; twiddleOffset?: number; total: number; scale?: number; inputLength?: number },
): ArrayBuffer {
  return uniformData([
    ['u32', l.n],
    ['u32', extra.stride ?? 1],
    ['u32', l.batch],
    ['u32', l.elementStride],
    ['u32', l.batchStride],
    ['u32', extra.twiddleOffset ?? 0],
    ['u32', l.batchFastest ? 1 : 0],
    ['u32', extra.total],
    ['f32', extra.scale ?? 1],
    ['u32', extra.inputLength ?? l.n],
  ]);
}

/** The Stockham passes of one plan over one layout. */
class StockhamPasses {
  private readonly uniforms: GPUBuffer[];
  readonly twiddles: GPUBuffer;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  /** The whole transform in one workgroup-memory pass, when the device's storage allows. */
  private readonly fused?: { program: Program; uniform: GPUBuffer };

  constructor(
    private readonly programs: ProgramCache,
    private readonly pool: BufferPool,
    readonly plan: StockhamPlan,
    private readonly layout: Layout,
    allowFused: boolean,
  ) {
    const { offsets, table } = twiddleTable(plan);
    this.twiddles = pool.acquire(table.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, `twiddles-${plan.n}`);
    pool.device.queue.writeBuffer(this.twiddles, 0, table);
    this.uniforms = plan.stages.map((stage, t) =>
      pool.uniform(
        layoutUniform(layout, { stride: stage.stride, twiddleOffset: offsets[t], total: (layout.n / stage.radix) * layout.batch }),
        `fft-${plan.n}-stage${t}`,
      ),
    );
    if (allowFused && plan.stages.length > 1 && fusedStorageBytes(plan.n) <= pool.device.limits.maxComputeWorkgroupStorageSize) {
      this.fused = {
        program: fusedProgram(plan, offsets),
        uniform: pool.uniform(layoutUniform(layout, { total: layout.batch }), `fft-${plan.n}-fused`),
      };
    }
  }

  /** Records the fused transform if there is one; false when the stages must run one by one. */
  private recordFused(pass: GPUComputePassEncoder, input: Planes, output: Planes): boolean {
    if (!this.fused) return false;
    const { program, uniform } = this.fused;
    const key = `fused|${input.re.label}|${input.im.label}|${output.re.label}|${output.im.label}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.programs.bindGroup(program, { shape: uniform, ...planes(input, output), twiddles: this.twiddles });
      this.bindGroups.set(key, group);
    }
    dispatch(pass, this.programs, { program, bindGroup: group, groups: this.layout.batch });
    return true;
  }

  private stage(pass: GPUComputePassEncoder, t: number, input: Planes, output: Planes): void {
    const stage = this.plan.stages[t];
    const program = stageProgram(stage.radix);
    const key = `${t}|${input.re.label}|${input.im.label}|${output.re.label}|${output.im.label}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.programs.bindGroup(program, { shape: this.uniforms[t], ...planes(input, output), twiddles: this.twiddles });
      this.bindGroups.set(key, group);
    }
    dispatch(pass, this.programs, { program, bindGroup: group, groups: groupsFor((this.layout.n / stage.radix) * this.layout.batch) });
  }

  /** From `src` (distinct from both) into `dst`, alternating with `tmp`. */
  into(pass: GPUComputePassEncoder, src: Planes, dst: Planes, tmp: Planes): void {
    if (this.recordFused(pass, src, dst)) return;
    const k = this.plan.stages.length;
    let input = src;
    for (let t = 0; t < k; t++) {
      // Choose targets so that the last stage writes dst.
      const output = (k - 1 - t) % 2 === 0 ? dst : tmp;
      this.stage(pass, t, input, output);
      input = output;
    }
  }

  /** In place between x and y (x holds the input); returns the one holding the result. */
  pingPong(pass: GPUComputePassEncoder, x: Planes, y: Planes): Planes {
    if (this.recordFused(pass, x, y)) return y;
    for (let t = 0; t < this.plan.stages.length; t++) this.stage(pass, t, t % 2 === 0 ? x : y, t % 2 === 0 ? y : x);
    return this.plan.stages.length % 2 === 0 ? x : y;
  }

  release(): void {
    this.pool.release(this.twiddles, ...this.uniforms, ...(this.fused ? [this.fused.uniform] : []));
  }
}

export class GpuFftAxis {
  readonly length: number;
  private readonly layout: Layout;
  private readonly stockham?: StockhamPasses;
  private readonly bluestein?: {
    inner: StockhamPasses;
    padA: Planes;
    padB: Planes;
    factors: GPUBuffer;
    uniform: GPUBuffer;
    outUniform: GPUBuffer;
    groups: Map<string, GPUBindGroup>;
    m: number;
  };

  /** `allowFused` false forces the one-pass-per-stage kernels (tests cover both). */
  constructor(
    private readonly programs: ProgramCache,
    private readonly pool: BufferPool,
    rows: number,
    cols: number,
    axis: 'rows' | 'columns',
    allowFused = true,
  ) {
    this.layout =
      axis === 'rows'
        ? { n: cols, batch: rows, elementStride: 1, batchStride: cols, batchFastest: false }
        : { n: rows, batch: cols, elementStride: cols, batchStride: 1, batchFastest: true };
    this.length = this.layout.n;
    const plan = fftPlan(this.layout.n, GPU_MAX_POWER_OF_TWO_RADIX);
    if (plan.kind === 'stockham') {
      this.stockham = new StockhamPasses(programs, pool, plan, this.layout, allowFused);
      return;
    }
    const { m, chirp, kernelSpectrum, inner } = plan;
    const { n, batch, batchFastest } = this.layout;
    // Padded data is packed: (t, b) at b·m + t for rows, t·batch + b for columns.
    const padded: Layout = batchFastest
      ? { n: m, batch, elementStride: batch, batchStride: 1, batchFastest: true }
      : { n: m, batch, elementStride: 1, batchStride: m, batchFastest: false };
    const factors = new Float32Array((n + m) * 2);
    factors.set(chirp, 0);
    factors.set(kernelSpectrum, n * 2);
    const factorBuffer = pool.acquire(factors.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, `bluestein-${n}`);
    pool.device.queue.writeBuffer(factorBuffer, 0, factors);
    const pad = (name: string): Planes => ({ re: pool.map(m * batch, `${name}-re`), im: pool.map(m * batch, `${name}-im`) });
    this.bluestein = {
      inner: new StockhamPasses(programs, pool, inner, padded, allowFused),
      padA: pad('padA'),
      padB: pad('padB'),
      factors: factorBuffer,
      // chirpIn and convolve run over m·batch; chirpOut over n·batch (with the caller's strides).
      uniform: pool.uniform(layoutUniform({ ...this.layout, n: m }, { total: m * batch, inputLength: n }), `bluestein-${n}-in`),
      outUniform: pool.uniform(
        layoutUniform({ ...this.layout, n: m }, { total: n * batch, inputLength: n, scale: 1 / m }),
        `bluestein-${n}-out`,
      ),
      groups: new Map(),
      m,
    };
  }

  /** Transforms src into dst (tmp: scratch of the same size; src must differ from both). */
  record(pass: GPUComputePassEncoder, src: Planes, dst: Planes, tmp: Planes, inverse: boolean): void {
    if (inverse) {
      src = swap(src);
      dst = swap(dst);
      tmp = swap(tmp);
    }
    if (this.stockham) {
      this.stockham.into(pass, src, dst, tmp);
      return;
    }
    const bs = this.bluestein!;
    const { batch } = this.layout;
    const run = (entry: 'chirpIn' | 'convolve' | 'chirpOut', uniform: GPUBuffer, input: Planes, output: Planes, items: number) => {
      const program = bluesteinProgram(entry);
      const key = `${entry}|${input.re.label}|${input.im.label}|${output.re.label}|${output.im.label}`;
      let group = bs.groups.get(key);
      if (!group) {
        group = this.programs.bindGroup(program, { shape: uniform, ...planes(input, output), factors: bs.factors });
        bs.groups.set(key, group);
      }
      dispatch(pass, this.programs, { program, bindGroup: group, groups: groupsFor(items) });
    };
    run('chirpIn', bs.uniform, src, bs.padA, bs.m * batch);
    const forward = bs.inner.pingPong(pass, bs.padA, bs.padB);
    const other = forward === bs.padA ? bs.padB : bs.padA;
    // The convolution runs in place; its unused input is bound to the other pad (a buffer
    // may not be read-only and writable in one dispatch).
    run('convolve', bs.uniform, other, forward, bs.m * batch);
    // Inverse inner transform: the same passes on swapped planes.
    const backward = swap(bs.inner.pingPong(pass, swap(forward), swap(other)));
    run('chirpOut', bs.outUniform, backward, dst, this.length * batch);
  }

  release(): void {
    this.stockham?.release();
    if (this.bluestein) {
      const b = this.bluestein;
      b.inner.release();
      this.pool.release(b.padA.re, b.padA.im, b.padB.re, b.padB.im, b.factors, b.uniform, b.outUniform);
    }
  }
}

export class GpuFft2D {
  readonly rows: GpuFftAxis;
  readonly columns: GpuFftAxis;

  constructor(
    programs: ProgramCache,
    pool: BufferPool,
    readonly height: number,
    readonly width: number,
    allowFused = true,
  ) {
    this.rows = new GpuFftAxis(programs, pool, height, width, 'rows', allowFused);
    this.columns = new GpuFftAxis(programs, pool, height, width, 'columns', allowFused);
  }

  release(): void {
    this.rows.release();
    this.columns.release();
  }
}
