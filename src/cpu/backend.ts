/**
 * The float64 CPU backend: the reference computation, exactly (FSIM_SPEC.md), and the
 * yardstick the GPU path is tested against. prepare() reads top-down:
 * downsample → colour → FFT → log-Gabor bank → phase congruency → gradients,
 * the last four split over the executor's threads as tasks on shared maps (tasks.ts).
 */
import type { MaskWeights } from '../mask.js';
import type { Backend, PoolResult, PreparedImage, Progress, StageTimings } from '../backend.js';
import { noiseThreshold, sharedFloat64 } from '../bank.js';
import { PC } from '../constants.js';
import { FsimError } from '../errors.js';
import { isGreyscale, type RasterImage } from '../image.js';
import { downsampledSize } from '../scale.js';
import { type Chroma, chromaSamples, integerSamples } from './chroma.js';
import { luminance, toYiq } from './colour.js';
import { boxMeans } from './downsample.js';
import { buildFilterBank } from './bankBuilder.js';
import type { TaskExecutor } from './executor.js';
import { taskRanges } from './ranges.js';
import { COLUMN_BLOCK } from './fft2d.js';
import { medianInPlace } from './median.js';
import { type PcMaps, pcMaps, type Spectrum } from './phaseCongruency.js';
import type { CpuTask } from './tasks.js';
import { fftPlan } from '../fft/plan.js';
import { type HeapScratch, heapScratch, heapScratchBytes, medianScansOn, WasmHeap } from './wasm/heap.js';
import { wasmRunsPlan } from './wasm/kernels.js';
import { checkPoolable, finishScores } from '../pooling.js';
import { addChunks, POOL_CHUNK, SUMS_PER_CHUNK, similarityMaps } from './pooling.js';

const now = (): number => performance.now();

export class CpuPrepared implements PreparedImage {
  constructor(
    readonly backend: string,
    readonly size: readonly [number, number],
    readonly downsampled: readonly [number, number],
    readonly factor: number,
    readonly colour: boolean,
    readonly timings: StageTimings,
    /** Chroma (null for greyscale; chroma.ts) and the per-image maps, float64. */
    public chroma: Chroma,
    public pc: Float64Array,
    public gm: Float64Array,
  ) {}

  release(): void {
    const empty = new Float64Array(0);
    this.pc = this.gm = empty;
    this.chroma = null;
  }
}

/**
 * Resident bytes per downsampled pixel of one comparison (both images) on this path, whatever
 * the thread count: the filter bank (24: one quadrant of the radial part, the angular part by
 * its mirrors), one set of phase-congruency maps shared by every thread (72; the luminance
 * borrows one of them), half a spectrum (8), each image's PC and gradient maps (2 × 16), the
 * decoded 8-bit samples (2 × 3) and the runtime. At F > 1 each image also keeps two chroma
 * planes (2 × 16). A model fitted to measured peaks (bench/README.md: 163 B at 3640×2400,
 * F = 1), used to refuse what would not fit before allocating it.
 */
export function cpuBytesPerPixel(factor = 1): number {
  return factor === 1 ? 165 : 197;
}

/** Rasters of at least this many pixels are prepared on a thread of their own when their downsampled work is one thread's. */
export const OFFLOAD_RASTER_PIXELS = 2 ** 20;

export interface CpuBackendOptions {
  /** Appended to the name, e.g. why 'auto' fell back to the CPU. */
  note?: string;
  /** Bytes a comparison may take; larger ones are refused with a SIZE error. Default: no limit. */
  memoryBudget?: number;
  /**
   * Rasters of at least this many pixels (at F > 1) whose downsampled work is one thread's are
   * prepared on a thread of their own (default OFFLOAD_RASTER_PIXELS). 0: every such image, for
   * a process that runs comparisons side by side (fsim serve), whose own thread then only
   * answers requests.
   */
  offloadFrom?: number;
}

/** An engine's maps for one size (CpuBackend.workspace). */
interface Workspace {
  readonly spectrum: Spectrum;
  readonly maps: PcMaps;
  /** The kernels' scratch on the heap holding the maps, or null (plain arrays). */
  readonly scratch: HeapScratch | null;
}

export class CpuBackend implements Backend {
  /** Threads it runs on. */
  readonly threads: number;
  /** Why it runs where another backend was possible (CpuBackendOptions.note; 'auto' sets it when it asked for a GPU and found none). */
  note?: string;
  private readonly memoryBudget: number;
  private readonly offloadFrom: number;
  private work: Workspace | null = null;
  /** Images take the workspace in turn. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly executor: TaskExecutor,
    options: CpuBackendOptions = {},
  ) {
    const { note, memoryBudget = Infinity, offloadFrom = OFFLOAD_RASTER_PIXELS } = options;
    this.offloadFrom = offloadFrom;
    this.threads = executor.threads;
    this.note = note;
    this.memoryBudget = memoryBudget;
  }

  get name(): string {
    return `cpu (float64, ${this.threads} thread${this.threads === 1 ? '' : 's'}${this.note ? `; ${this.note}` : ''})`;
  }

  private checkMemory(h: number, w: number, factor: number): void {
    const need = h * w * cpuBytesPerPixel(factor);
    if (need > this.memoryBudget) {
      const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
      throw new FsimError(
        'SIZE',
        `${w}×${h} pixels at F = ${factor} need about ${gib(need)} on the CPU path, over its ${gib(this.memoryBudget)} memory budget; use a larger scale or the GPU backend`,
      );
    }
  }

  async prepare(image: RasterImage, factor: number, progress?: Progress): Promise<PreparedImage> {
    const timings: StageTimings = {};
    const { height: rows, width: cols } = image;
    const [h, w] = downsampledSize(rows, cols, factor);
    this.checkMemory(h, w, factor);
    // A large raster that downsamples to one thread's work (a 12-MP photo at F = 12): prepared
    // whole on a thread of its own, so that decoding, downsampling and scoring of several
    // images overlap across the threads (rank, --pairs, a server) and this thread stays free.
    if (this.executor.prepareImage && factor > 1 && rows * cols >= this.offloadFrom && this.executor.parts(h * w) === 1) {
      const parts = await this.executor.prepareImage(image, factor);
      progress?.(1, 'phase congruency');
      return new CpuPrepared(this.name, [rows, cols], [h, w], factor, parts.colour, parts.timings, parts.chroma, parts.pc, parts.gm);
    }
    const greyscale = isGreyscale(image);
    // Every thread works on one image at a time, in the engine's one set of maps; an image's
    // planes are made on its turn, so a waiting image holds nothing yet.
    const turn = this.queue.then(async () => {
      const work = this.workspace(h, w);
      const { gm, chroma, constant } = await this.spectrumAndGradient(image, factor, greyscale, work, timings);
      const pc = await this.phaseCongruency(h, w, constant, work, timings, progress);
      return { pc, gm, chroma };
    });
    this.queue = turn.catch(() => undefined);
    const { pc, gm, chroma } = await turn;
    return new CpuPrepared(this.name, [rows, cols], [h, w], factor, !greyscale, timings, chroma, pc, gm);
  }

  /**
   * downsample → colour → FFT, and the gradients: everything that reads the luminance. At F = 1
   * it is written into a response map (idle until phase congruency); at F > 1 it is a plane of
   * this frame only.
   */
  private async spectrumAndGradient(image: RasterImage, factor: number, greyscale: boolean, work: Workspace, timings: StageTimings) {
    const { spectrum, maps, scratch: heap } = work;
    const [h, w] = downsampledSize(image.height, image.width, factor);
    // Box means of the raster's channels, then YIQ on the small grid (linear maps commute; no
    // full-resolution float64 plane per component is ever held). At F = 1 pooling reads the
    // chroma from the samples themselves (chroma.ts).
    let t = now();
    let y: Float64Array;
    let chroma: Chroma = null;
    if (!greyscale && factor === 1 && integerSamples(image.data)) {
      y = luminance(image, maps.responseRe[0]);
      chroma = { samples: chromaSamples(image) };
      timings.colour = now() - t;
    } else {
      const means = boxMeans(image, factor, greyscale ? 1 : 3);
      timings.downsample = now() - t;
      t = now();
      const yiq = toYiq(means, greyscale);
      y = yiq.y;
      if (yiq.i && yiq.q) chroma = { i: yiq.i, q: yiq.q };
      timings.colour = now() - t;
    }
    const parts = this.executor.parts(h * w);
    // A constant image has an exactly zero response (every filter is zero at DC): no features.
    // Computing it would only turn FFT rounding noise into spurious congruency.
    const constant = y.every((v) => v === y[0]);
    if (!constant) {
      t = now();
      // Rows go in pairs (one complex transform per two real rows): ranges start at even rows.
      await this.runAll(taskRanges(h, w, h, parts, 2).map((range) => ({ kind: 'spectrumRows', ...range, y, spectrum })));
      await this.runAll(
        taskRanges(h, w, halfWidth(w), parts, COLUMN_BLOCK).map((range) => ({ kind: 'spectrumColumns', ...range, spectrum, heap })),
      );
      timings.fft = now() - t;
    }
    t = now();
    const gm = sharedFloat64(h * w);
    await this.runAll(taskRanges(h, w, h, parts, 1).map((range) => ({ kind: 'gradient', ...range, y, gm })));
    timings.gradient = now() - t;
    return { gm, chroma, constant };
  }

  /** Log-Gabor bank → phase congruency (0 for a constant image), each step split over the threads. */
  private async phaseCongruency(
    h: number,
    w: number,
    constant: boolean,
    work: Workspace,
    timings: StageTimings,
    progress?: Progress,
  ): Promise<Float64Array> {
    const { spectrum, maps, scratch: heap } = work;
    const n = h * w;
    const parts = this.executor.parts(n);
    const rowRanges = taskRanges(h, w, h, parts, 1);
    const columnRanges = taskRanges(h, w, w, parts, COLUMN_BLOCK);
    // PC = Σ_o max(Energy_o − T_o, 0) / Σ_o sumAn_o. Its numerator accumulates in the output,
    // which then becomes PC in place.
    const pc = sharedFloat64(n);
    if (constant) return pc;
    const t = now();
    const bank = await buildFilterBank(this.executor, h, w);
    progress?.(0, 'phase congruency');
    const columns = (o: number, scales: readonly [number, number]) =>
      this.runAll(columnRanges.map((range) => ({ kind: 'pcColumns', ...range, bank, spectrum, orientation: o, scales, maps, heap })));
    // The largest scale's response holds the energy once its row pass is done (phaseCongruency.ts):
    // the next orientation's columns of that scale wait for the threshold.
    const largest = PC.nscale - 1;
    // The median's passes as WebAssembly kernels when the maps are on the heap.
    const scans = (heap && medianScansOn(heap)) ?? undefined;
    let nextColumns = columns(0, [0, PC.nscale]);
    for (let o = 0; o < PC.norient; o++) {
      const first = o === 0;
      await nextColumns;
      await this.runAll(rowRanges.map((range) => ({ kind: 'pcRows', ...range, maps, first, heap })));
      // The threads start the next orientation's smaller scales while this thread takes the (serial) median.
      const smaller = o + 1 < PC.norient ? columns(o + 1, [0, largest]) : Promise.resolve();
      const threshold = noiseThreshold(bank.noise[o], medianInPlace(maps.smallestScaleEnergy, scans));
      await smaller;
      await this.runAll(rowRanges.map((range) => ({ kind: 'pcThreshold', ...range, maps, total: pc, threshold, first })));
      nextColumns = o + 1 < PC.norient ? columns(o + 1, [largest, PC.nscale]) : Promise.resolve();
      progress?.((o + 1) / PC.norient, 'phase congruency');
    }
    const { amplitude } = maps;
    // Zero amplitude means every response is zero there: no feature (the reference gives 0/0).
    for (let p = 0; p < n; p++) pc[p] = amplitude[p] > 0 ? pc[p] / amplitude[p] : 0;
    timings.phaseCongruency = now() - t;
    return pc;
  }

  /** Runs tasks on the executor, all at once, and waits for them all. */
  private async runAll(tasks: CpuTask[]): Promise<void> {
    await Promise.all(tasks.map((task) => this.executor.run(task)));
  }

  /**
   * The spectrum and phase-congruency maps of the most recent size, reused across images and
   * calls: in one WebAssembly heap where the column transforms run in place (wasm/heap.ts),
   * else in shareable arrays.
   */
  private workspace(h: number, w: number): Workspace {
    if (!this.work || this.work.maps.rows !== h || this.work.maps.cols !== w) {
      this.work = null;
      const kept = h * halfWidth(w);
      const plan = fftPlan(h);
      // The column length's SIMD plan, if it has one: then the maps go on a heap.
      const simd = plan.kind === 'stockham' && wasmRunsPlan(plan) ? plan : null;
      const parts = this.executor.threads;
      const rows = { cols: w, quadrantCols: halfWidth(w), scales: PC.nscale };
      const mapBytes = 2 * WasmHeap.bytes(kept) + (2 * PC.nscale + 1) * WasmHeap.bytes(h * w);
      const heap = simd ? WasmHeap.create(mapBytes + heapScratchBytes(simd, COLUMN_BLOCK, parts, rows)) : null;
      const allocate = heap ? (length: number) => heap.float64(length) : sharedFloat64;
      this.work = {
        spectrum: { re: allocate(kept), im: allocate(kept) },
        maps: pcMaps(h, w, allocate),
        scratch: heap && simd ? heapScratch(heap, simd, COLUMN_BLOCK, parts, rows) : null,
      };
    }
    return this.work;
  }

  async pool(a: PreparedImage, b: PreparedImage, maps: boolean, mask?: MaskWeights): Promise<PoolResult> {
    const [first, second] = checkPoolable(
      a,
      b,
      (x): x is CpuPrepared => x instanceof CpuPrepared,
      (x) => x.pc.length === 0,
    );
    const t = now();
    const [h, w] = first.downsampled;
    const n = h * w;
    const chunks = Math.ceil(n / POOL_CHUNK);
    const sums = sharedFloat64(chunks * SUMS_PER_CHUNK);
    const similarity = maps ? sharedFloat64(n) : null;
    let weights: Uint8Array | null = null;
    if (mask) {
      weights = new Uint8Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
      weights.set(mask.weights);
    }
    const [a1, b1] = [first, second].map(({ pc, gm, chroma }) => ({ pc, gm, chroma }));
    await this.runAll(
      taskRanges(h, w, chunks, this.executor.parts(n), 1).map((range) => ({
        kind: 'pool',
        ...range,
        a: a1,
        b: b1,
        sums,
        similarity,
        mask: weights,
      })),
    );
    const chroma = first.chroma !== null || second.chroma !== null;
    const scores = finishScores(addChunks(sums), mask ? mask.kept : n, chroma);
    return {
      ...scores,
      maps: similarity ? similarityMaps(first, second, similarity) : undefined,
      timings: { pooling: now() - t },
    };
  }

  async dispose(): Promise<void> {
    await this.executor.dispose();
  }
}

/** Columns of a real image's spectrum that are kept (fft2d.ts: halfCols). */
function halfWidth(cols: number): number {
  return (cols >> 1) + 1;
}
