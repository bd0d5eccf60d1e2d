/**
 * The CPU path's workspace in one WebAssembly memory (shared with the worker threads where
 * the platform allows), so the SIMD column transforms read and write the maps in place: the
 * first Stockham pass reads a block of columns from the map and the last writes it back, the
 * passes between run on a per-thread scratch pair in the same memory (no copy in or out).
 * The memory is sized once per workspace and never grows, so the views stay valid.
 */
import { PC } from '../../constants.js';
import { type FftPlan, fftPlan, type StockhamPlan } from '../../fft/plan.js';
import { copyColumns, interleave } from '../copies.js';
import type { MedianScans } from '../median.js';
import { energyModule } from './energy.js';
import { filterModule } from './filter.js';
import { exportsOn, isShared, type Kernel, stageKernelOn, wasmRunsPlan } from './kernels.js';
import { rowsModule } from './rows.js';

const PAGE = 65536;
/** The most a 32-bit memory addresses, less a margin. */
const MAX_BYTES = 4 * 2 ** 30 - 16 * PAGE;

/** Bump allocation of float64 views in a memory sized up front. */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private next = 0;

  private constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /**
   * A heap of `bytes`, shared with other threads where the platform allows (unless `shareable`
   * is false), or null where it cannot be made (over 4 GiB, or refused).
   */
  static create(bytes: number, shareable = true): WasmHeap | null {
    if (bytes > MAX_BYTES) return null;
    const pages = Math.ceil(bytes / PAGE);
    const shared = shareable && typeof SharedArrayBuffer === 'function';
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

/** A Stockham stage on a heap: its radix, stride and the byte address of its twiddles. */
export interface HeapStage {
  readonly radix: number;
  readonly stride: number;
  readonly twiddles: number;
}

/** The plan's twiddles copied onto the heap. */
export function uploadStages(heap: WasmHeap, plan: StockhamPlan): HeapStage[] {
  return plan.stages.map(({ radix, stride, twiddles }) => {
    const view = heap.float64(twiddles.length);
    view.set(twiddles);
    return { radix, stride, twiddles: view.byteOffset };
  });
}

/** Bytes uploadStages() allocates for a plan (none for a Bluestein plan). */
function stagesBytes(plan: FftPlan): number {
  return plan.kind === 'stockham' ? plan.stages.reduce((sum, s) => sum + WasmHeap.bytes(s.twiddles.length), 0) : 0;
}

/**
 * All stages of `width` contiguous interleaved transforms of length n, ping-ponging between
 * the pair (xr, xi) and the scratch pair (yr, yi) (byte addresses): where the result is, as
 * [re, im]. The scalar runStockham's passes (../fft.ts).
 */
export function runStages(
  memory: WebAssembly.Memory,
  stages: readonly HeapStage[],
  n: number,
  width: number,
  xr: number,
  xi: number,
  yr: number,
  yi: number,
): [number, number] {
  // Plain locals: this runs per row.
  for (let t = 0; t < stages.length; t++) {
    const stage = stages[t];
    stageKernelOn(memory, stage.radix)!(xr, xi, yr, yi, n, stage.stride, stage.twiddles, width, 0, width, 0, width);
    const tr = xr,
      ti = xi;
    xr = yr;
    xi = yi;
    yr = tr;
    yi = ti;
  }
  return [xr, xi];
}

/**
 * What the kernels need on a heap besides the maps, for one image size: the column and row
 * transforms' stages and per-part scratch (a part is a thread's share of a pass), the filter
 * kernel's rows and the median's bin counts. Plain data (byte offsets and views of the
 * heap's memory), so it travels to the worker threads with the memory.
 */
export interface HeapScratch {
  readonly memory: WebAssembly.Memory;
  /** Column transforms: their length, block width, stages and per part two scratch pairs [re, im, re, im] (n·blockWidth values each). */
  readonly n: number;
  readonly blockWidth: number;
  readonly stages: readonly HeapStage[];
  readonly scratch: readonly (readonly [number, number, number, number])[];
  /** Per part: rows for the filter kernel (filter.ts): S_o's row, and a radial quadrant row per scale. */
  readonly filterRows: readonly { readonly spread: Float64Array; readonly radial: readonly Float64Array[] }[];
  /** The median's bin counts (median.ts), for the thread that takes the median. */
  readonly counts: Int32Array;
  /**
   * The row transforms of the energy pass (runHeapRows): their stages, and per part the
   * scales' rows interleaved and a scratch pair (scales·cols values each); null where the row
   * length has no SIMD plan.
   */
  readonly rows: {
    readonly n: number;
    readonly scales: number;
    readonly stages: readonly HeapStage[];
    readonly buffers: readonly {
      readonly re: Float64Array;
      readonly im: Float64Array;
      readonly scratchRe: number;
      readonly scratchIm: number;
    }[];
  } | null;
}

/** The row sizes of a map: its width, the radial quadrant's width and the scale count. */
export interface RowSizes {
  readonly cols: number;
  readonly quadrantCols: number;
  readonly scales: number;
}

const MEDIAN_BINS = 1 << 16;

/** Bytes heapScratch() allocates. */
export function heapScratchBytes(plan: StockhamPlan, blockWidth: number, parts: number, rows: RowSizes): number {
  const filterRows = WasmHeap.bytes(rows.cols) + rows.scales * WasmHeap.bytes(rows.quadrantCols);
  const rowBuffers = 4 * WasmHeap.bytes(rows.scales * rows.cols);
  return (
    stagesBytes(plan) +
    stagesBytes(fftPlan(rows.cols)) +
    WasmHeap.bytes(MEDIAN_BINS / 2) +
    parts * (4 * WasmHeap.bytes(plan.n * blockWidth) + filterRows + rowBuffers)
  );
}

/** The kernels' scratch on a heap for columns of the plan's length, or null where its radices have no SIMD kernel. */
export function heapScratch(heap: WasmHeap, plan: StockhamPlan, blockWidth: number, parts: number, rows: RowSizes): HeapScratch | null {
  const shared = isShared(heap.memory);
  if (!wasmRunsPlan(plan, shared)) return null;
  const stages = uploadStages(heap, plan);
  const column = () => heap.float64(plan.n * blockWidth).byteOffset;
  const scratch = Array.from({ length: parts }, () => [column(), column(), column(), column()] as const);
  const filterRows = Array.from({ length: parts }, () => ({
    spread: heap.float64(rows.cols),
    radial: Array.from({ length: rows.scales }, () => heap.float64(rows.quadrantCols)),
  }));
  const rowPlan = fftPlan(rows.cols);
  const rowValues = rows.scales * rows.cols;
  const rowsOnHeap =
    rowPlan.kind === 'stockham' && rows.scales % 2 === 0 && wasmRunsPlan(rowPlan, shared)
      ? {
          n: rows.cols,
          scales: rows.scales,
          stages: uploadStages(heap, rowPlan),
          buffers: Array.from({ length: parts }, () => ({
            re: heap.float64(rowValues),
            im: heap.float64(rowValues),
            scratchRe: heap.float64(rowValues).byteOffset,
            scratchIm: heap.float64(rowValues).byteOffset,
          })),
        }
      : null;
  const counts = new Int32Array(heap.memory.buffer, heap.float64(MEDIAN_BINS / 2).byteOffset, MEDIAN_BINS);
  return { memory: heap.memory, n: plan.n, blockWidth, stages, scratch, filterRows, counts, rows: rowsOnHeap };
}

/** The filter kernel (filter.ts) on a memory, or null where it is refused. */
export function filterKernelOn(memory: WebAssembly.Memory): Kernel | null {
  return exportsOn(memory, 'filter', filterModule)?.filterRow ?? null;
}

/** The energy kernel (energy.ts) on a memory, or null where it is refused. */
export function energyKernelOn(memory: WebAssembly.Memory): Kernel | null {
  return exportsOn(memory, 'energy', (shared) => energyModule(PC.epsilon, shared))?.energyRow ?? null;
}

/** The small row kernels (rows.ts) on a memory, or null where they are refused. */
function rowKernelsOn(memory: WebAssembly.Memory): Record<string, Kernel> | null {
  return exportsOn(memory, 'rows', rowsModule);
}

/** The median's passes (median.ts) as the row kernels, over values on the heap; null where they do not run here. */
export function medianScansOn(scratch: HeapScratch): MedianScans | null {
  const kernels = rowKernelsOn(scratch.memory);
  if (!kernels) return null;
  const { counts } = scratch;
  return {
    counts,
    count(values) {
      counts.fill(0);
      kernels.countBins(values.byteOffset, values.length, counts.byteOffset);
    },
    gather(values, from, to) {
      return kernels.gatherBins(values.byteOffset, values.length, from, to) as number;
    },
  };
}

/**
 * Unnormalised inverse DFTs of row r of every map (re[k], im[k]) on the heap, interleaved in
 * part `part`'s row buffers: the results' byte offsets, interleaved (column c of map k at
 * c·scales + k), valid until the part's next call. Fft1D.interleaved's passes.
 */
export function runHeapRows(
  scratch: HeapScratch,
  part: number,
  re: readonly Float64Array[],
  im: readonly Float64Array[],
  r: number,
): { re: number; im: number } {
  const { n, scales: w, stages, buffers } = scratch.rows!;
  const { re: bufferRe, im: bufferIm, scratchRe, scratchIm } = buffers[part];
  // The inverse by the swap: DFT(im, re), read back swapped.
  const kernels = rowKernelsOn(scratch.memory);
  const at = r * n;
  for (let k = 0; k < w; k++) {
    if (kernels)
      kernels.interleaveLane(im[k].byteOffset + 8 * at, re[k].byteOffset + 8 * at, bufferRe.byteOffset, bufferIm.byteOffset, k, w, n);
    else interleave(im[k], re[k], at, bufferRe, bufferIm, k, n, w);
  }
  const [xr, xi] = runStages(scratch.memory, stages, n, w, bufferRe.byteOffset, bufferIm.byteOffset, scratchRe, scratchIm);
  return { re: xi, im: xr };
}

/**
 * Unnormalised DFT (or inverse) of columns [c0, c0 + width) of a rows × ld map (re, im) on the
 * heap, in place, with part `part`'s scratch; width even and at most blockWidth. The passes are
 * the scalar kernels' (runStockhamColumns in ../fft.ts), so the results are the same bit for bit.
 */
export function runHeapColumns(
  scratch: HeapScratch,
  part: number,
  re: Float64Array,
  im: Float64Array,
  c0: number,
  width: number,
  ld: number,
  inverse: boolean,
): void {
  const { memory, n, stages } = scratch;
  const [ar, ai, br, bi] = scratch.scratch[part];
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
    stageKernelOn(memory, radix)!(xr, xi, yr, yi, n, stride, twiddles, width, xo, xl, yo, yl);
    xr = yr;
    xi = yi;
    xo = yo;
    xl = yl;
  }
  if (last === 0) {
    const count = n * width;
    const [tr, ti] = inverse ? [im, re] : [re, im];
    copyColumns(new Float64Array(memory.buffer, ar, count), new Float64Array(memory.buffer, ai, count), 0, width, tr, ti, c0, ld, n, width);
  }
}
