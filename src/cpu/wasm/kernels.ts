/**
 * The CPU path's WebAssembly modules, generated on the host (stages.ts, filter.ts, energy.ts,
 * rows.ts): each compiled once per process when first needed, and instantiated once per memory
 * and thread. A valid module the platform refuses (a page whose Content-Security-Policy lacks
 * 'wasm-unsafe-eval', a browser main thread's 4 KiB limit on synchronous compiles, a process
 * under an address-space limit) counts as absent: the JavaScript kernels run instead, with the
 * same results bit for bit.
 */
import type { StockhamPlan } from '../../fft/plan.js';
import { stageModule, WASM_RADICES } from './stages.js';

/** A kernel's exported function: byte addresses and sizes in, results in the memory. */
export type Kernel = (...args: number[]) => number | undefined;

const compiled = new Map<string, WebAssembly.Module | null>();

/** A generated module, compiled once per key; null where a valid module is refused here. */
export function compiledModule(key: string, generate: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  if (!compiled.has(key)) {
    const bytes = generate();
    if (!WebAssembly.validate(bytes)) throw new Error(`internal error: the generated kernel ${key} is not valid WebAssembly`);
    let module: WebAssembly.Module | null = null;
    try {
      module = new WebAssembly.Module(bytes);
    } catch {
      // Refused (see the module comment): the JavaScript kernels run here.
    }
    compiled.set(key, module);
  }
  return compiled.get(key) ?? null;
}

/** Module `key` for a shared or a private memory, compiled once (see compiledModule). */
function moduleFor(key: string, shared: boolean, generate: (shared: boolean) => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  return compiledModule(`${key}${shared ? '/shared' : ''}`, () => generate(shared));
}

const stageGenerator = (radix: number) => (shared: boolean) => stageModule(radix as (typeof WASM_RADICES)[number], shared);

/** Whether a memory is shared (its modules must import it as shared). */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, Record<string, Kernel> | null>>();

/**
 * The exports of module `key` (generated for a shared or a private memory as `memory` is)
 * instantiated on `memory`, once per memory and thread; null where the module is refused.
 */
export function exportsOn(
  memory: WebAssembly.Memory,
  key: string,
  generate: (shared: boolean) => Uint8Array<ArrayBuffer>,
): Record<string, Kernel> | null {
  let byKey = instances.get(memory);
  if (!byKey) {
    byKey = new Map();
    instances.set(memory, byKey);
  }
  if (!byKey.has(key)) {
    const module = moduleFor(key, isShared(memory), generate);
    let exports: Record<string, Kernel> | null = null;
    try {
      if (module) exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Kernel>;
    } catch {
      // No room to instantiate (an address-space limit): the JavaScript kernels run here.
    }
    byKey.set(key, exports);
  }
  return byKey.get(key) ?? null;
}

const stageKernels = new WeakMap<WebAssembly.Memory, (Kernel | null)[]>();

/** stage{radix} (stages.ts) on a memory, or null where it is refused; looked up by number, as it is called per row. */
export function stageKernelOn(memory: WebAssembly.Memory, radix: number): Kernel | null {
  let byRadix = stageKernels.get(memory);
  if (!byRadix) {
    byRadix = [];
    stageKernels.set(memory, byRadix);
  }
  let kernel = byRadix[radix];
  if (kernel === undefined) {
    kernel = exportsOn(memory, `stage${radix}`, stageGenerator(radix))?.[`stage${radix}`] ?? null;
    byRadix[radix] = kernel;
  }
  return kernel;
}

let available: boolean | undefined;

/** Whether the platform runs WebAssembly SIMD (else the scalar kernels run: the same results). */
export function wasmSimdAvailable(): boolean {
  available ??= typeof WebAssembly === 'object' && WebAssembly.validate(stageModule(2));
  return available;
}

/** Whether every stage of the plan has a SIMD kernel that compiles here, for a shared memory or a private one. */
export function wasmRunsPlan(plan: StockhamPlan, shared = false): boolean {
  return (
    wasmSimdAvailable() &&
    plan.stages.every(
      ({ radix }) =>
        (WASM_RADICES as readonly number[]).includes(radix) && moduleFor(`stage${radix}`, shared, stageGenerator(radix)) !== null,
    )
  );
}
