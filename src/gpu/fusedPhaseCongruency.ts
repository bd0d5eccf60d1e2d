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
import { angularMap, filterBank } from '../bank.js';
import { PC } from '../constants.js';
import { fftPlan, type StockhamPlan } from '../fft/plan.js';
import { type BufferPool, uniformData } from './buffers.js';
import { GPU_MAX_POWER_OF_TWO_RADIX, twiddleTable } from './fft.js';
import * as K from './kernels.js';
import { declaredProgram, dispatch, groupsFor, type Program, type ProgramCache } from './programs.js';

/** The compute pass a kernel records into (one per stage, or one per kernel when profiling). */
export type PassFor = (kernel: string) => GPUComputePassEncoder;

/** Storage buffers the largest fused kernel binds (WebGPU's default maxStorageBuffersPerShaderStage). */
const STORAGE_BINDINGS = 8;

function stockham(n: number): StockhamPlan | null {
  const plan = fftPlan(n, GPU_MAX_POWER_OF_TWO_RADIX);
  return plan.kind === 'stockham' ? plan : null;
}

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
 * The register-FFT shape of length n under these limits with at most `lanes` transforms a
 * workgroup, or null if not even one fits.
 */
function shapeFor(n: number, limits: GPUSupportedLimits, lanes: number): { shape: RegisterFftShape; twiddles: Float32Array } | null {
  const plan = stockham(n);
  const invocations = Math.min(MAX_INVOCATIONS, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const fit = lanesFor(n, limits.maxComputeWorkgroupStorageSize, invocations, lanes);
  return plan && fit ? registerShape(plan, fit.exchange, Math.floor(invocations / fit.lanes), fit.lanes) : null;
}

/** The register-FFT shape of a Stockham plan, and its twiddles packed stage after stage (f32). */
export function registerShape(
  plan: StockhamPlan,
  exchange: Exchange,
  maxThreads?: number,
  lanes = 1,
): { shape: RegisterFftShape; twiddles: Float32Array } {
  const { offsets, table } = twiddleTable(plan);
  const stages = plan.stages.map((st, t) => ({ radix: st.radix, stride: st.stride, twiddleOffset: offsets[t] }));
  const threads = registerThreads(plan.n, stages, maxThreads);
  return { shape: { n: plan.n, stages, threads, exchange, lanes }, twiddles: table };
}

/** Whether the fused path runs rows × cols on a device with these limits. */
export function fusedFits(rows: number, cols: number, limits: GPUSupportedLimits): boolean {
  const storage = limits.maxComputeWorkgroupStorageSize;
  return (
    rows > 1 &&
    cols > 1 &&
    stockham(rows) !== null &&
    stockham(cols) !== null &&
    exchangeFor(rows, storage) !== null &&
    exchangeFor(cols, storage) !== null &&
    limits.maxStorageBuffersPerShaderStage >= STORAGE_BINDINGS &&
    Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) >= 8 * rows * cols
  );
}

export class FusedPhaseCongruency {
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
  private readonly radial: GPUBuffer;
  private readonly angular: GPUBuffer[];
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
    const bank = filterBank(rows, cols);
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
    // G_0…G_3 of each quadrant entry side by side (one vec4 read per frequency).
    const quadrant = bank.quadrantRows * bank.quadrantCols;
    const radial = new Float32Array(quadrant * 4);
    for (let q = 0; q < quadrant; q++) for (let s = 0; s < PC.nscale; s++) radial[4 * q + s] = bank.radial[s][q];
    this.radial = upload(radial, 'radial-quadrants');
    this.angular = bank.angular.map((_, o) => upload(angularMap(bank, o, Float32Array), `angular${o}`));
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
      // count, then per orientation a vec4 (16-byte aligned: the array starts at offset 16).
      finish: uniform(
        [
          ['u32', n],
          ['u32', 0],
          ['u32', 0],
          ['u32', 0],
          ...bank.noise.flatMap(
            (noise) =>
              [
                ['f32', noise.energyOfSmallestFilter],
                ['f32', noise.sumAn2],
                ['f32', noise.sumAiAj],
                ['f32', 0],
              ] as const,
          ),
        ],
        'fused-finish',
      ),
    };
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    return buffer;
  }

  private run(pass: PassFor, kernel: string, program: Program, buffers: Record<string, GPUBuffer>, groups: number): void {
    // Bind groups of this size's own buffers are made once; finish's (the image's range and
    // pc) each time. Buffer labels are unique.
    const own = Object.values(buffers).every((buffer) => this.owned.includes(buffer));
    const key = `${program.key}|${Object.entries(buffers)
      .map(([slot, buffer]) => `${slot}=${buffer.label}`)
      .join(',')}`;
    let bindGroup = own ? this.bindGroups.get(key) : undefined;
    if (!bindGroup) {
      bindGroup = this.cache.bindGroup(program, buffers);
      if (own) this.bindGroups.set(key, bindGroup);
    }
    dispatch(pass(kernel), this.cache, { program, bindGroup, groups });
  }

  /** The spectrum of Y − offset (`offset`: a uniform f32, the colour stage's constant). */
  recordForward(pass: PassFor, y: GPUBuffer, offset: GPUBuffer): void {
    const { rows } = this;
    this.run(pass, 'forwardRows', this.programs.forwardRows, { y, offset, twiddles: this.twiddles.rows, output: this.filtered[0] }, rows);
    this.run(
      pass,
      'forwardColumns',
      this.programs.forwardColumns,
      { input: this.filtered[0], twiddles: this.twiddles.columns, output: this.spectrum },
      this.columnGroups,
    );
  }

  /** Phase congruency of the spectrum into `pc`; `range` is the colour stage's min/max of Y. */
  recordPhaseCongruency(pass: PassFor, range: GPUBuffer, pc: GPUBuffer): void {
    const { filter, energy } = this.inverse;
    const t = Object.fromEntries(this.filtered.map((buffer, s) => [`t${s}`, buffer]));
    for (let o = 0; o < PC.norient; o++) {
      this.run(
        pass,
        filter.name,
        this.programs.filter,
        { spectrum: this.spectrum, radial: this.radial, angular: this.angular[o], twiddles: filter.twiddles, ...t },
        filter.groups,
      );
      this.run(
        pass,
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
        pass,
        'medianHistogram',
        this.programs.histogram,
        { params: radixPass, ...values, selection: this.selection, histogram: this.histogram },
        this.histogramGroups * PC.norient,
      );
      const select = { params: radixPass, selection: this.selection, histogram: this.histogram };
      this.run(pass, 'medianSelect', K.select, select, 2 * PC.norient);
    }
    this.run(
      pass,
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
    this.pool.release(...this.owned);
  }
}
