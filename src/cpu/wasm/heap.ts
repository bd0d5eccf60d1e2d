/**
 * The CPU path's workspace in one WebAssembly memory (shared with the worker threads where
 * the platform allows), so the SIMD column transforms read and write the maps in place: the
 * first Stockham pass reads a block of columns from the map and the last writes it back, the
 * passes between run on a per-thread scratch pair in the same memory (no copy in or out).
 * The memory is sized once per workspace and never grows, so the views stay valid.
 */
import { PC } from '../../constants.js';
import { type FftPlan, fftPlan, type StockhamPlan } from '../../fft/plan.js';
import { energyModule } from './energy.js';
import type { MedianScans } from '../median.js';
import { filterModule } from './filter.js';
import { rowsModule } from './rows.js';
import { compiledModule, stageKernelModule, wasmRunsPlan } from './transform.js';

const PAGE = 65536;
const MEDIAN_BINS = 1 << 16;
/** The most a 32-bit memory addresses, less a margin. */
const MAX_BYTES = 4 * 2 ** 30 - 16 * PAGE;

type StageKernel = (...args: number[]) => void;

/** Bump allocation of float64 views in a memory sized up front. */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private next = 0;

  private constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** A heap of `bytes`, or null where it cannot be made (no WebAssembly SIMD, over 4 GiB, refused). */
  static create(bytes: number): WasmHeap | null {
    if (bytes > MAX_BYTES) return null;
    const pages = Math.ceil(bytes / PAGE);
    const shared = typeof SharedArrayBuffer === 'function';
    try {
      return new WasmHeap(new WebAssembly.Memory({ initial: pages, maximum: pages, shared }));
    } catch {
      // Not enough address space, or shared memory refused: the workspace uses plain arrays.
      return null;
    }
  }

  /** A float64 view of `length` values, 16-byte aligned. */
  float64(length: number): Float64Array {
    const view = new Float64Array(this.memory.buffer, this.next, length);
    this.next += Math.ceil((8 * length) / 16) * 16;
    return view;
  }

  /** Bytes a float64 allocation of `length` values takes. */
  static bytes(length: number): number {
    return Math.ceil((8 * length) / 16) * 16;
  }
}

/**
 * Column transforms of one length on a heap: the plan's twiddles and one pair of scratch
 * pairs per part (a thread's share of a pass), `blockWidth` columns wide. Plain data (offsets),
 * so it travels to the worker threads with the heap's memory.
 */
export interface HeapColumns {
  readonly memory: WebAssembly.Memory;
  readonly n: number;
  readonly blockWidth: number;
  readonly stages: readonly { readonly radix: number; readonly stride: number; readonly twiddles: number }[];
  /** Per part: the byte offsets of two scratch pairs [re, im], n·blockWidth values each. */
  readonly scratch: readonly (readonly [number, number, number, number])[];
  /** Per part: rows for the filter kernel (filter.ts): S_o's row, and a radial quadrant row per scale. */
  readonly filterRows: readonly { readonly spread: Float64Array; readonly radial: readonly Float64Array[] }[];
  /**
   * The row transforms of the energy pass (runHeapRows): their plan's stages on the heap, and
   * per part the scales' rows interleaved and a scratch pair (scales·cols values each); null
   * where the row length has no SIMD plan.
   */
  /** The median's bin counts (median.ts), for the thread that takes the median. */
  readonly counts: Int32Array;
  readonly rows: {
    readonly n: number;
    readonly scales: number;
    readonly stages: readonly { readonly radix: number; readonly stride: number; readonly twiddles: number }[];
    readonly buffers: readonly {
      readonly re: Float64Array;
      readonly im: Float64Array;
      readonly scratchRe: number;
      readonly scratchIm: number;
    }[];
  } | null;
}

/** The row sizes the filter kernel's scratch holds: a spread row of `cols`, `scales` radial rows of `quadrantCols`. */
export interface FilterRowSizes {
  readonly cols: number;
  readonly quadrantCols: number;
  readonly scales: number;
}

/** Bytes heapColumns() allocates. */
export function heapColumnsBytes(plan: StockhamPlan, blockWidth: number, parts: number, rows: FilterRowSizes): number {
  const twiddles = (p: FftPlan) => (p.kind === 'stockham' ? p.stages.reduce((sum, s) => sum + WasmHeap.bytes(s.twiddles.length), 0) : 0);
  const filterRows = WasmHeap.bytes(rows.cols) + rows.scales * WasmHeap.bytes(rows.quadrantCols);
  const rowBuffers = 4 * WasmHeap.bytes(rows.scales * rows.cols);
  return (
    twiddles(plan) +
    twiddles(fftPlan(rows.cols)) +
    MEDIAN_BINS * 4 +
    parts * (4 * WasmHeap.bytes(plan.n * blockWidth) + filterRows + rowBuffers)
  );
}

/** The plan's column transforms on the heap, or null where its radices have no SIMD kernel. */
export function heapColumns(
  heap: WasmHeap,
  plan: StockhamPlan,
  blockWidth: number,
  parts: number,
  rows: FilterRowSizes,
): HeapColumns | null {
  const shared = typeof SharedArrayBuffer === 'function' && heap.memory.buffer instanceof SharedArrayBuffer;
  if (!wasmRunsPlan(plan) || plan.stages.some(({ radix }) => stageKernelModule(radix, shared) === null)) return null;
  const stages = plan.stages.map(({ radix, stride, twiddles }) => {
    const view = heap.float64(twiddles.length);
    view.set(twiddles);
    return { radix, stride, twiddles: view.byteOffset };
  });
  const scratch = Array.from({ length: parts }, () => {
    const [a, b, c, d] = Array.from({ length: 4 }, () => heap.float64(plan.n * blockWidth).byteOffset);
    return [a, b, c, d] as const;
  });
  const filterRows = Array.from({ length: parts }, () => ({
    spread: heap.float64(rows.cols),
    radial: Array.from({ length: rows.scales }, () => heap.float64(rows.quadrantCols)),
  }));
  const rowPlan = fftPlan(rows.cols);
  const rowsOnHeap =
    rowPlan.kind === 'stockham' &&
    wasmRunsPlan(rowPlan) &&
    rows.scales % 2 === 0 &&
    rowPlan.stages.every(({ radix }) => stageKernelModule(radix, shared))
      ? {
          n: rows.cols,
          scales: rows.scales,
          stages: rowPlan.stages.map(({ radix, stride, twiddles }) => {
            const view = heap.float64(twiddles.length);
            view.set(twiddles);
            return { radix, stride, twiddles: view.byteOffset };
          }),
          buffers: Array.from({ length: parts }, () => ({
            re: heap.float64(rows.scales * rows.cols),
            im: heap.float64(rows.scales * rows.cols),
            scratchRe: heap.float64(rows.scales * rows.cols).byteOffset,
            scratchIm: heap.float64(rows.scales * rows.cols).byteOffset,
          })),
        }
      : null;
  const counts = new Int32Array(heap.memory.buffer, heap.float64(MEDIAN_BINS / 2).byteOffset, MEDIAN_BINS);
  return { memory: heap.memory, n: plan.n, blockWidth, stages, scratch, filterRows, counts, rows: rowsOnHeap };
}

type FilterKernel = (...args: number[]) => void;
const filterInstances = new WeakMap<WebAssembly.Memory, FilterKernel | null>();

/** The filter kernel (filter.ts) on a memory, or null where it does not compile here. */
export function filterKernelOn(memory: WebAssembly.Memory): FilterKernel | null {
  if (!filterInstances.has(memory)) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const module = compiledModule(`filter${shared ? 's' : ''}`, () => filterModule(shared));
    filterInstances.set(
      memory,
      module ? ((new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, FilterKernel>).filterRow ?? null) : null,
    );
  }
  return filterInstances.get(memory) ?? null;
}

interface RowKernels {
  interleaveLane(srcRe: number, srcIm: number, dstRe: number, dstIm: number, lane: number, width: number, n: number): void;
  countBins(values: number, n: number, counts: number): void;
  gatherBins(values: number, n: number, from: number, to: number): number;
}
const rowInstances = new WeakMap<WebAssembly.Memory, RowKernels | null>();

/** The small row kernels (rows.ts) on a memory, or null where they do not compile here. */
export function rowKernelsOn(memory: WebAssembly.Memory): RowKernels | null {
  if (!rowInstances.has(memory)) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const module = compiledModule(`rows${shared ? 's' : ''}`, () => rowsModule(shared));
    rowInstances.set(memory, module ? (new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as RowKernels) : null);
  }
  return rowInstances.get(memory) ?? null;
}

/** The median's passes (median.ts) as the row kernels, over values on the heap; null where they do not run here. */
export function medianScansOn(columns: HeapColumns): MedianScans | null {
  const kernels = rowKernelsOn(columns.memory);
  if (!kernels) return null;
  const { counts } = columns;
  return {
    counts,
    count(values) {
      counts.fill(0);
      kernels.countBins(values.byteOffset, values.length, counts.byteOffset);
    },
    gather(values, from, to) {
      return kernels.gatherBins(values.byteOffset, values.length, from, to);
    },
  };
}

const energyInstances = new WeakMap<WebAssembly.Memory, FilterKernel | null>();

/** The energy kernel (energy.ts) on a memory, or null where it does not compile here. */
export function energyKernelOn(memory: WebAssembly.Memory): FilterKernel | null {
  if (!energyInstances.has(memory)) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const module = compiledModule(`energy${shared ? 's' : ''}`, () => energyModule(PC.epsilon, shared));
    energyInstances.set(
      memory,
      module ? ((new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, FilterKernel>).energyRow ?? null) : null,
    );
  }
  return energyInstances.get(memory) ?? null;
}

/**
 * Unnormalised inverse DFTs of row r of every map (re[k], im[k]) on the heap, interleaved in
 * part `part`'s row buffers: the results' byte offsets, interleaved (column c of map k at
 * c·scales + k), valid until the part's next call. The scalar Fft1D.interleaved's passes.
 */
export function runHeapRows(
  columns: HeapColumns,
  part: number,
  re: readonly Float64Array[],
  im: readonly Float64Array[],
  r: number,
): { re: number; im: number } {
  const rows = columns.rows!;
  const { n, scales: w, stages } = rows;
  const buffers = rows.buffers[part];
  // The inverse by the swap: DFT(im, re), read back swapped.
  const kernels = rowKernelsOn(columns.memory);
  for (let k = 0; k < w; k++) {
    if (kernels) {
      const at = 8 * r * n;
      kernels.interleaveLane(im[k].byteOffset + at, re[k].byteOffset + at, buffers.re.byteOffset, buffers.im.byteOffset, k, w, n);
    } else interleaveRow(im[k], re[k], r * n, buffers.re, buffers.im, k, n, w);
  }
  // Ping-pong between the row buffers and the scratch pair (plain locals: this runs per row).
  let xr = buffers.re.byteOffset,
    xi = buffers.im.byteOffset,
    yr = buffers.scratchRe,
    yi = buffers.scratchIm;
  for (let t = 0; t < stages.length; t++) {
    const stage = stages[t];
    kernelOn(columns.memory, stage.radix)(xr, xi, yr, yi, n, stage.stride, stage.twiddles, w, 0, w, 0, w);
    const tr = xr,
      ti = xi;
    xr = yr;
    xi = yi;
    yr = tr;
    yi = ti;
  }
  return { re: xi, im: xr };
}

/** Elements [offset, offset + n) of (fr, fi) into lane k of the width-w interleaved (tr, ti). */
function interleaveRow(
  fr: Float64Array,
  fi: Float64Array,
  offset: number,
  tr: Float64Array,
  ti: Float64Array,
  k: number,
  n: number,
  w: number,
): void {
  for (let t = 0, at = k; t < n; t++, at += w) {
    tr[at] = fr[offset + t];
    ti[at] = fi[offset + t];
  }
}

/** Stage kernels instantiated on each memory, per radix (each thread keeps its own). */
const instances = new WeakMap<WebAssembly.Memory, Map<number, StageKernel>>();

function kernelOn(memory: WebAssembly.Memory, radix: number): StageKernel {
  let kernels = instances.get(memory);
  if (!kernels) {
    kernels = new Map();
    instances.set(memory, kernels);
  }
  let kernel = kernels.get(radix);
  if (!kernel) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    const { exports } = new WebAssembly.Instance(stageKernelModule(radix, shared)!, { env: { memory } });
    kernel = (exports as Record<string, StageKernel>)[`stage${radix}`];
    kernels.set(radix, kernel);
  }
  return kernel;
}

/**
 * Unnormalised DFT (or inverse) of columns [c0, c0 + width) of a rows × ld map (re, im) on the
 * heap, in place, with part `part`'s scratch; width even and at most blockWidth. The passes are
 * the scalar kernels' (runStockhamColumns in ../fft.ts), so the results are the same bit for bit.
 */
export function runHeapColumns(
  columns: HeapColumns,
  part: number,
  re: Float64Array,
  im: Float64Array,
  c0: number,
  width: number,
  ld: number,
  inverse: boolean,
): void {
  const { memory, n, stages } = columns;
  const scratch = columns.scratch[part];
  const ar = scratch[0],
    ai = scratch[1],
    br = scratch[2],
    bi = scratch[3];
  // The inverse by the swap: DFT(im, re).
  const mapR = (inverse ? im : re).byteOffset,
    mapI = (inverse ? re : im).byteOffset;
  let xr = mapR,
    xi = mapI,
    xo = c0,
    xl = ld;
  const last = stages.length - 1;
  for (let t = 0; t <= last; t++) {
    const { radix, stride, twiddles } = stages[t];
    // The last pass writes back into the map, unless it is also the first (then via a).
    const toMap = t === last && t > 0;
    const yr = toMap ? mapR : t % 2 === 0 ? ar : br,
      yi = toMap ? mapI : t % 2 === 0 ? ai : bi;
    const yo = toMap ? c0 : 0,
      yl = toMap ? ld : width;
    kernelOn(memory, radix)(xr, xi, yr, yi, n, stride, twiddles, width, xo, xl, yo, yl);
    xr = yr;
    xi = yi;
    xo = yo;
    xl = yl;
  }
  if (last === 0) {
    const buffer = memory.buffer;
    const [fr, fi] = [new Float64Array(buffer, ar, n * width), new Float64Array(buffer, ai, n * width)];
    const [tr, ti] = inverse ? [im, re] : [re, im];
    for (let t = 0; t < n; t++) {
      for (let c = 0; c < width; c++) {
        tr[t * ld + c0 + c] = fr[t * width + c];
        ti[t * ld + c0 + c] = fi[t * width + c];
      }
    }
  }
}
