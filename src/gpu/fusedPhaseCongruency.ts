/// <reference types="@webgpu/types" preserve="true" />
/**
 * The fused GPU path for one downsampled size (shaders/fusedPhaseCongruency.ts): what it
 * keeps per size (filter bank, twiddles, plans as register-FFT shapes, maps, uniforms) and
 * the dispatches of one image, recorded top-down:
 *   forward rows → forward columns → per orientation: filter, energy (along rows, then
 *   columns, or the other way: FusedLayout) →
 *   exact median of the four |EO_0o|² maps (three histogram + select passes) → finish (PC)
 * Twenty dispatches an image with colour and gradients, against 114 or more on the per-stage path.
 * Chosen where both axes fit one workgroup (fusedFits); elsewhere the per-stage path runs.
 */
import {
  type Axis,
  energyBindings,
  energyShader,
  filterBindings,
  filterShader,
  finishBindings,
  finishShader,
  forwardColumnsBindings,
  forwardColumnsShader,
  forwardRowsBindings,
  forwardRowsShader,
  type InverseOrder,
} from '../../shaders/fusedPhaseCongruency.js';
import { BINS, histogramMapNames, RADIX_PASSES, radixPassFields, VALUES_PER_INVOCATION } from '../../shaders/median.js';
import { type Exchange, type RegisterFftShape, exchangeFor, lanesFor, registerThreads } from '../../shaders/registerFft.js';
import { PC } from '../constants.js';
import { type FftPlan, fftPlan } from '../fft/plan.js';
import { type BufferPool, uniformData } from './buffers.js';
import { GPU_MAX_POWER_OF_TWO_RADIX, twiddleTable } from './fft.js';
import { GpuFilterBank } from './filterBank.js';
import * as K from './kernels.js';
import { declaredProgram, dispatch, groupsFor, type Program, type ProgramCache } from './programs.js';
import type { PhaseCongruencyPath, StagePasses } from './recording.js';

/** Storage buffers the largest fused kernel binds (WebGPU's default maxStorageBuffersPerShaderStage). */
const STORAGE_BINDINGS = 8;

/** The plan of a line of length n: a Stockham plan, or Bluestein's around one. */
const linePlan = (n: number): FftPlan => fftPlan(n, GPU_MAX_POWER_OF_TWO_RADIX);
/** The length the registers transform: n, or Bluestein's smooth m. */
const registerLength = (plan: FftPlan): number => (plan.kind === 'stockham' ? plan.n : plan.m);

/**
 * How the fused kernels lay out their work (benchmarks compare layouts; GpuBackendOptions):
 * which axis the inverse transforms take first, and how many adjacent columns a column
 * transform's workgroup takes at most (fewer where their exchanges do not fit).
 */
export interface FusedLayout {
  order: InverseOrder;
  lanes: 1 | 2 | 4;
}

/** The layout measured fastest so far (H200, bench/README.md). */
export const DEFAULT_FUSED_LAYOUT: FusedLayout = { order: 'rows-first', lanes: 1 };

/** Invocations a workgroup of the fused kernels has at most (more spilled registers on an H200). */
const MAX_INVOCATIONS = 256;

/**
 * The register-FFT shape of a line of length n under these limits with at most `lanes`
 * transforms a workgroup, or null if not even one fits (a Bluestein line needs the joint
 * exchange for its m elements).
 */
function shapeFor(n: number, limits: GPUSupportedLimits, lanes: number): { shape: RegisterFftShape; twiddles: Float32Array } | null {
  const plan = linePlan(n);
  const invocations = Math.min(MAX_INVOCATIONS, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const fit = lanesFor(registerLength(plan), limits.maxComputeWorkgroupStorageSize, invocations, lanes, plan.kind === 'bluestein');
  return fit ? registerShape(plan, fit.exchange, Math.floor(invocations / fit.lanes), fit.lanes) : null;
}

/**
 * The register-FFT shape of a plan, and its table (f32): the Stockham stages' twiddles one
 * stage after another, then for a Bluestein plan the chirp (n values) and the kernel spectrum
 * (m values), all from the plan's float64 values.
 */
export function registerShape(
  plan: FftPlan,
  exchange: Exchange,
  maxThreads?: number,
  lanes = 1,
): { shape: RegisterFftShape; twiddles: Float32Array } {
  const inner = plan.kind === 'stockham' ? plan : plan.inner;
  const { offsets, table } = twiddleTable(inner);
  const stages = inner.stages.map((st, t) => ({ radix: st.radix, stride: st.stride, twiddleOffset: offsets[t] }));
  const threads = registerThreads(inner.n, stages, maxThreads);
  const shape: RegisterFftShape = { n: inner.n, stages, threads, exchange, lanes };
  if (plan.kind === 'stockham') return { shape, twiddles: table };
  const stageValues = inner.stages.reduce((sum, st) => sum + st.twiddles.length / 2, 0);
  const withChirp = new Float32Array(2 * (stageValues + plan.n + plan.m));
  withChirp.set(table.subarray(0, 2 * stageValues));
  withChirp.set(plan.chirp, 2 * stageValues);
  withChirp.set(plan.kernelSpectrum, 2 * (stageValues + plan.n));
  shape.bluestein = { n: plan.n, chirp: stageValues, kernel: stageValues + plan.n };
  return { shape, twiddles: withChirp };
}

/** Whether the fused path runs rows × cols on a device with these limits. */
export function fusedFits(rows: number, cols: number, limits: GPUSupportedLimits): boolean {
  // Bluestein lines hold their m elements in the joint exchange (8 bytes each); others may split.
  const fits = (n: number) => {
    const plan = linePlan(n);
    const exchange = exchangeFor(registerLength(plan), limits.maxComputeWorkgroupStorageSize);
    return exchange !== null && (plan.kind === 'stockham' || exchange === 'joint');
  };
  return (
    rows > 1 &&
    cols > 1 &&
    fits(rows) &&
    fits(cols) &&
    limits.maxStorageBuffersPerShaderStage >= STORAGE_BINDINGS &&
    Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) >= 8 * rows * cols
  );
}

export class FusedPhaseCongruency implements PhaseCongruencyPath {
  readonly kind = 'fused';
  /** The forward row transforms read Y themselves. */
  readonly fftInput = null;
  readonly n: number;
  private readonly programs: {
    forwardRows: Program;
    forwardColumns: Program;
    filter: Program;
    energy: [first: Program, rest: Program];
    histogram: Program;
    finish: Program;
  };
  private readonly twiddles: { rows: GPUBuffer; columns: GPUBuffer };
  private readonly bank: GpuFilterBank;
  /** T_s: the filter pass's DFTs of the filtered spectrum of one orientation (the first also holds the forward rows). */
  private readonly filtered: GPUBuffer[];
  private readonly spectrum: GPUBuffer;
  private readonly energy: GPUBuffer[];
  private readonly smallestScaleEnergy: GPUBuffer[];
  private readonly amplitudeAll: GPUBuffer;
  private readonly histogram: GPUBuffer;
  private readonly selection: GPUBuffer;
  readonly uniforms: { count: GPUBuffer; shape: GPUBuffer; radixPasses: GPUBuffer[]; finish: GPUBuffer };
  private readonly histogramGroups: number;
  /** Workgroups of a column kernel (lanes adjacent columns each). */
  private readonly columnGroups: number;
  /** The axis the filter and the energy kernels each take (FusedLayout.order): name in profiles, twiddles, workgroups. */
  private readonly inverse: Record<'filter' | 'energy', { name: string; twiddles: GPUBuffer; groups: number }>;
  private readonly owned: GPUBuffer[] = [];
  /** This size's buffers (its own and its bank's), whose bind groups are made once. */
  private readonly resident = new Set<GPUBuffer>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();

  constructor(
    private readonly cache: ProgramCache,
    private readonly pool: BufferPool,
    readonly rows: number,
    readonly cols: number,
    layout: FusedLayout = DEFAULT_FUSED_LAYOUT,
  ) {
    this.n = rows * cols;
    const n = this.n;
    const device = pool.device;
    const rowAxis = shapeFor(cols, device.limits, 1)!;
    const columnAxis = shapeFor(rows, device.limits, layout.lanes)!;
    this.columnGroups = Math.ceil(cols / columnAxis.shape.lanes);
    this.bank = new GpuFilterBank(cache, pool, rows, cols);
    this.bank.build();
    const bank = this.bank;
    for (const buffer of [bank.radial, ...bank.angular]) this.resident.add(buffer);
    const [filterAxis, energyAxis]: Axis[] = layout.order === 'rows-first' ? ['rows', 'columns'] : ['columns', 'rows'];
    const shapeOf = (axis: Axis) => (axis === 'rows' ? rowAxis.shape : columnAxis.shape);
    const { exchange: columnExchange, lanes } = columnAxis.shape;
    const key = `${rows}x${cols}-${rowAxis.shape.exchange}-${columnExchange}x${lanes}`;
    this.programs = {
      forwardRows: declaredProgram(`fused-forward-rows-${key}`, forwardRowsBindings, () => forwardRowsShader(rowAxis.shape, rows, cols)),
      forwardColumns: declaredProgram(`fused-forward-columns-${key}`, forwardColumnsBindings, () =>
        forwardColumnsShader(columnAxis.shape, cols),
      ),
      filter: declaredProgram(`fused-filter-${filterAxis}-${key}`, filterBindings, () =>
        filterShader(filterAxis, shapeOf(filterAxis), rows, cols, bank.quadrantCols),
      ),
      energy: [true, false].map((first) =>
        declaredProgram(`fused-energy-${energyAxis}-${key}-${first ? 'first' : 'rest'}`, energyBindings, () =>
          energyShader(energyAxis, shapeOf(energyAxis), rows, cols, first),
        ),
      ) as [Program, Program],
      histogram: K.histogramOf(PC.norient),
      finish: declaredProgram('fused-finish', finishBindings, finishShader),
    };

    const upload = (values: Float32Array | Uint32Array, label: string, usage = 0): GPUBuffer => {
      const buffer = this.own(pool.acquire(values.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | usage, label));
      device.queue.writeBuffer(buffer, 0, values as Float32Array<ArrayBuffer>);
      return buffer;
    };
    this.twiddles = { rows: upload(rowAxis.twiddles, `twiddles-${cols}`), columns: upload(columnAxis.twiddles, `twiddles-${rows}`) };
    const along = {
      rows: { twiddles: this.twiddles.rows, groups: rows },
      columns: { twiddles: this.twiddles.columns, groups: this.columnGroups },
    };
    this.inverse = {
      filter: { name: filterAxis === 'rows' ? 'filterRows' : 'filterColumns', ...along[filterAxis] },
      energy: { name: energyAxis === 'rows' ? 'rowsEnergy' : 'columnsEnergy', ...along[energyAxis] },
    };
    const complex = (label: string) => this.own(pool.acquire(8 * n, GPUBufferUsage.STORAGE, label));
    this.filtered = Array.from({ length: PC.nscale }, (_, s) => complex(`filtered${s}`));
    this.spectrum = complex('spectrum');
    this.energy = Array.from({ length: PC.norient }, (_, o) => this.own(pool.map(n, `energy${o}`)));
    this.smallestScaleEnergy = Array.from({ length: PC.norient }, (_, o) => this.own(pool.map(n, `a0sq${o}`)));
    this.amplitudeAll = this.own(pool.map(n, 'amplitudeAll'));
    // Zero on creation; the select kernel re-zeroes what it reads.
    this.histogram = upload(new Uint32Array(2 * BINS * PC.norient), 'histogram');
    this.selection = this.own(pool.acquire(16 * PC.norient, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'selection'));

    this.histogramGroups = groupsFor(n, VALUES_PER_INVOCATION);
    const uniform = (fields: Parameters<typeof uniformData>[0], label: string) => this.own(pool.uniform(uniformData(fields), label));
    this.uniforms = {
      count: uniform([['u32', n]], 'count'),
      shape: uniform(
        [
          ['u32', rows],
          ['u32', cols],
        ],
        'shape',
      ),
      radixPasses: RADIX_PASSES.map((_, pass) => uniform(radixPassFields(n, pass, this.histogramGroups), `fused-radix-pass${pass}`)),
      // count, then per orientation a vec4 (16-byte aligned: the array starts at offset 16),
      // copied from the filter bank's noise sums below.
      finish: uniform(
        [['u32', n], ['u32', 0], ['u32', 0], ['u32', 0], ...Array.from({ length: 4 * PC.norient }, () => ['f32', 0] as const)],
        'fused-finish',
      ),
    };
    const encoder = device.createCommandEncoder({ label: 'noise-uniforms' });
    bank.copyNoise(encoder, this.uniforms.finish, 16);
    device.queue.submit([encoder.finish()]);
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    this.resident.add(buffer);
    return buffer;
  }

  private run(passes: StagePasses, kernel: string, program: Program, buffers: Record<string, GPUBuffer>, groups: number): void {
    // Bind groups of this size's own buffers are made once; finish's (the image's range and
    // pc) each time. Buffer labels are unique.
    const own = Object.values(buffers).every((buffer) => this.resident.has(buffer));
    const key = `${program.key}|${Object.entries(buffers)
      .map(([slot, buffer]) => `${slot}=${buffer.label}`)
      .join(',')}`;
    let bindGroup = own ? this.bindGroups.get(key) : undefined;
    if (!bindGroup) {
      bindGroup = this.cache.bindGroup(program, buffers);
      if (own) this.bindGroups.set(key, bindGroup);
    }
    dispatch(passes.pass(kernel), this.cache, { program, bindGroup, groups });
  }

  /** The spectrum of Y − offset (`offset`: a uniform f32, the colour stage's constant). */
  recordForward(passes: StagePasses, y: GPUBuffer, offset: GPUBuffer): void {
    const { rows } = this;
    this.run(passes, 'forwardRows', this.programs.forwardRows, { y, offset, twiddles: this.twiddles.rows, output: this.filtered[0] }, rows);
    this.run(
      passes,
      'forwardColumns',
      this.programs.forwardColumns,
      { input: this.filtered[0], twiddles: this.twiddles.columns, output: this.spectrum },
      this.columnGroups,
    );
  }

  /** Phase congruency of the spectrum into `pc`; `range` is the colour stage's min/max of Y. */
  recordPhaseCongruency(passes: StagePasses, range: GPUBuffer, pc: GPUBuffer): void {
    const { filter, energy } = this.inverse;
    const t = Object.fromEntries(this.filtered.map((buffer, s) => [`t${s}`, buffer]));
    for (let o = 0; o < PC.norient; o++) {
      this.run(
        passes,
        filter.name,
        this.programs.filter,
        { spectrum: this.spectrum, radial: this.bank.radial, angular: this.bank.angular[o], twiddles: filter.twiddles, ...t },
        filter.groups,
      );
      this.run(
        passes,
        energy.name,
        this.programs.energy[o === 0 ? 0 : 1],
        {
          ...t,
          twiddles: energy.twiddles,
          energy: this.energy[o],
          smallestScaleEnergy: this.smallestScaleEnergy[o],
          amplitudeAll: this.amplitudeAll,
        },
        energy.groups,
      );
    }
    // The exact median of each orientation's |EO_0|², all four in each pass.
    const names = histogramMapNames(PC.norient);
    const values = Object.fromEntries(this.smallestScaleEnergy.map((buffer, o) => [names[o], buffer]));
    for (const radixPass of this.uniforms.radixPasses) {
      this.run(
        passes,
        'medianHistogram',
        this.programs.histogram,
        { params: radixPass, ...values, selection: this.selection, histogram: this.histogram },
        this.histogramGroups * PC.norient,
      );
      const select = { params: radixPass, selection: this.selection, histogram: this.histogram };
      this.run(passes, 'medianSelect', K.select, select, 2 * PC.norient);
    }
    this.run(
      passes,
      'finish',
      this.programs.finish,
      {
        params: this.uniforms.finish,
        ...Object.fromEntries(this.energy.map((buffer, o) => [`energy${o}`, buffer])),
        amplitudeAll: this.amplitudeAll,
        selection: this.selection,
        range,
        pc,
      },
      groupsFor(this.n),
    );
  }

  release(): void {
    this.bindGroups.clear();
    this.bank.release();
    this.pool.release(...this.owned);
  }
}
