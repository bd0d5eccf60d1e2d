/**
 * Stockham transforms on the WebAssembly SIMD kernels (stages.ts): `width` interleaved
 * transforms of one length on a heap of their own, which the caller fills through the
 * `re` / `im` views, transforms in place and reads back. The same plan and twiddles as the
 * scalar kernels (../../fft/plan.ts), the same results bit for bit.
 */
import type { StockhamPlan } from '../../fft/plan.js';
import { type HeapStage, runStages, uploadStages, WasmHeap } from './heap.js';

export class WasmTransform {
  readonly n: number;
  readonly width: number;
  /** The n·width values to transform, in and out. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  private readonly memory: WebAssembly.Memory;
  private readonly stages: readonly HeapStage[];

  /**
   * width must be even (two transforms per SIMD lane pair), and wasmRunsPlan(plan) true
   * (kernels.ts). Null where no WebAssembly memory can be had (a process under an address-space
   * limit, `ulimit -v`: each memory reserves far more address space than it holds): the caller
   * runs the JavaScript kernels then, with the same bits.
   */
  static create(plan: StockhamPlan, width: number): WasmTransform | null {
    if (width % 2 !== 0) throw new RangeError('WasmTransform: the width must be even');
    const count = plan.n * width;
    const twiddles = plan.stages.reduce((sum, stage) => sum + WasmHeap.bytes(stage.twiddles.length), 0);
    const heap = WasmHeap.create(4 * WasmHeap.bytes(count) + twiddles, false);
    return heap ? new WasmTransform(plan, width, heap) : null;
  }

  private constructor(plan: StockhamPlan, width: number, heap: WasmHeap) {
    this.n = plan.n;
    this.width = width;
    const count = plan.n * width;
    this.memory = heap.memory;
    [this.re, this.im, this.scratchRe, this.scratchIm] = [
      heap.float64(count),
      heap.float64(count),
      heap.float64(count),
      heap.float64(count),
    ];
    this.stages = uploadStages(heap, plan);
  }

  /** Unnormalised DFT of the views, in place. */
  forward(): void {
    this.run(this.re, this.im, this.scratchRe, this.scratchIm);
  }

  /** Unnormalised inverse DFT of the views, in place: the DFT with the parts swapped. */
  inverse(): void {
    this.run(this.im, this.re, this.scratchIm, this.scratchRe);
  }

  private run(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
    const [at] = runStages(this.memory, this.stages, this.n, this.width, xr.byteOffset, xi.byteOffset, yr.byteOffset, yi.byteOffset);
    // An odd number of passes leaves the result in the scratch pair.
    if (at !== this.re.byteOffset && at !== this.im.byteOffset) {
      this.re.set(this.scratchRe);
      this.im.set(this.scratchIm);
    }
  }
}
