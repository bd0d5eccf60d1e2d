/**
 * Stockham transforms on the WebAssembly SIMD kernels (stages.ts): `width` interleaved
 * transforms of one length in a memory of their own, which the caller fills through the
 * `re` / `im` views, transforms in place and reads back. The same plan and twiddles as the
 * scalar kernels (../../fft/plan.ts), the same results bit for bit.
 */
import type { StockhamPlan } from '../../fft/plan.js';
import { stageModule, WASM_RADICES } from './stages.js';

type StageKernel = (...args: number[]) => void;

/**
 * Compiled kernels by radix and kind of memory (null: not compiled here), each generated and
 * compiled when a plan first needs it.
 */
const compiled = new Map<string, WebAssembly.Module | null>();
let available: boolean | undefined;

/** Whether the platform runs WebAssembly SIMD (else the scalar kernels run: the same results). */
export function wasmSimdAvailable(): boolean {
  if (available === undefined) {
    available = typeof WebAssembly === 'object' && WebAssembly.validate(stageModule(2));
  }
  return available;
}

/** Whether every stage of the plan has a SIMD kernel that compiles here. */
export function wasmRunsPlan(plan: StockhamPlan): boolean {
  return (
    wasmSimdAvailable() &&
    plan.stages.every(({ radix }) => (WASM_RADICES as readonly number[]).includes(radix) && stageKernelModule(radix) !== null)
  );
}

export function stageKernelModule(radix: number, shared = false): WebAssembly.Module | null {
  return compiledModule(`${radix}${shared ? 's' : ''}`, () => stageModule(radix as (typeof WASM_RADICES)[number], shared));
}

/** A generated module, compiled once per key; null where a valid module is refused here. */
export function compiledModule(key: string, generate: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  if (!compiled.has(key)) {
    const bytes = generate();
    if (!WebAssembly.validate(bytes)) throw new Error(`internal error: the generated kernel ${key} is not valid WebAssembly`);
    let module: WebAssembly.Module | null = null;
    try {
      module = new WebAssembly.Module(bytes);
    } catch {
      // A valid module refused: a page whose Content-Security-Policy lacks 'wasm-unsafe-eval',
      // or a browser's main thread (synchronous compiles over 4 KiB). The scalar kernels run
      // there instead, with the same results bit for bit.
    }
    compiled.set(key, module);
  }
  return compiled.get(key) ?? null;
}

const PAGE = 65536;

export class WasmTransform {
  readonly n: number;
  readonly width: number;
  /** The n·width values to transform, in and out. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  private readonly stages: { kernel: StageKernel; stride: number; twiddles: number }[];
  private readonly offsets: { re: number; im: number; scratchRe: number; scratchIm: number };

  /** width must be even (two transforms per SIMD lane pair), and wasmRunsPlan(plan) true. */
  constructor(plan: StockhamPlan, width: number) {
    if (width % 2 !== 0) throw new RangeError('WasmTransform: the width must be even');
    this.n = plan.n;
    this.width = width;
    const count = plan.n * width;
    const twiddleBytes = plan.stages.reduce((sum, stage) => sum + stage.twiddles.byteLength, 0);
    const memory = new WebAssembly.Memory({ initial: Math.ceil((4 * count * 8 + twiddleBytes) / PAGE) });
    const kernels = new Map<number, StageKernel>();
    const kernel = (radix: number) => {
      let k = kernels.get(radix);
      if (!k) {
        const { exports } = new WebAssembly.Instance(stageKernelModule(radix)!, { env: { memory } });
        k = (exports as Record<string, StageKernel>)[`stage${radix}`];
        kernels.set(radix, k);
      }
      return k;
    };
    const view = (at: number) => new Float64Array(memory.buffer, at, count);
    this.offsets = { re: 0, im: 8 * count, scratchRe: 16 * count, scratchIm: 24 * count };
    this.re = view(this.offsets.re);
    this.im = view(this.offsets.im);
    this.scratchRe = view(this.offsets.scratchRe);
    this.scratchIm = view(this.offsets.scratchIm);
    let at = 32 * count;
    this.stages = plan.stages.map(({ radix, stride, twiddles }) => {
      new Float64Array(memory.buffer, at, twiddles.length).set(twiddles);
      const stage = { kernel: kernel(radix), stride, twiddles: at };
      at += twiddles.byteLength;
      return stage;
    });
  }

  /** Unnormalised DFT of the views, in place. */
  forward(): void {
    const { re, im, scratchRe, scratchIm } = this.offsets;
    this.run(re, im, scratchRe, scratchIm);
  }

  /** Unnormalised inverse DFT of the views, in place: the DFT with the parts swapped. */
  inverse(): void {
    const { re, im, scratchRe, scratchIm } = this.offsets;
    this.run(im, re, scratchIm, scratchRe);
  }

  private run(xr: number, xi: number, yr: number, yi: number): void {
    const { n, width: w } = this;
    for (let t = 0; t < this.stages.length; t++) {
      const { kernel, stride, twiddles } = this.stages[t];
      kernel(xr, xi, yr, yi, n, stride, twiddles, w, 0, w, 0, w);
      const tr = xr,
        ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    // An odd number of passes leaves the result in the scratch pair.
    if (xr !== this.offsets.re && xr !== this.offsets.im) {
      this.re.set(this.scratchRe);
      this.im.set(this.scratchIm);
    }
  }
}
