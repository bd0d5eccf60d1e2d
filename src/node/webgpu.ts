/**
 * WebGPU in Node through Dawn (the `webgpu` package), loaded on first use so CPU-only
 * callers never load it. Installs the WebGPU globals (GPUBufferUsage, …) the shared code uses.
 */
let gpu: Promise<GPU | undefined> | undefined;

export function nodeGpu(): Promise<GPU | undefined> {
  gpu ??= import('webgpu').then(({ create, globals }) => {
    Object.assign(globalThis, globals);
    return create([]) as GPU;
  });
  return gpu;
}
