/**
 * WebGPU in Node through Dawn (the `webgpu` package), loaded on first use so CPU-only
 * callers never load it. Installs the WebGPU globals (GPUBufferUsage, …) the shared code uses.
 */
import { importOptional } from './optional.js';

let gpu: Promise<GPU | undefined> | undefined;

export function nodeGpu(): Promise<GPU | undefined> {
  gpu ??= importOptional('webgpu', () => import('webgpu'), 'the GPU backend in Node').then(({ create, globals }) => {
    Object.assign(globalThis, globals);
    // Dawn options for benchmarks and diagnostics only (space-separated, e.g.
    // 'disable-dawn-features=timestamp_quantization'); none by default.
    return create((process.env.FSIM_DAWN_FLAGS ?? '').split(' ').filter(Boolean)) as GPU;
  });
  return gpu;
}
