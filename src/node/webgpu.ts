/// <reference types="@webgpu/types" preserve="true" />
/**
 * WebGPU in Node through Dawn (the `webgpu` package), loaded on first use so CPU-only
 * callers never load it. Installs the WebGPU globals (GPUBufferUsage, …) the shared code uses.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Whether a GPU driver WebGPU could use may be installed, answered without loading Dawn (which
 * prints the Vulkan loader's warnings where there is none): on Linux, a Vulkan ICD manifest
 * where the loader looks, or one named by its environment variables; elsewhere (Metal, Direct3D
 * come with the system) yes. For 'auto' only: an explicit 'gpu' asks Dawn whatever this says.
 */
export function gpuDriversLikely(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES || process.env.VK_ADD_DRIVER_FILES) return true;
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const configDirs = (process.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dirs = [
    ...[process.env.XDG_DATA_HOME || join(homedir(), '.local/share'), ...dataDirs].map((d) => join(d, 'vulkan/icd.d')),
    ...[process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), ...configDirs, '/etc'].map((d) => join(d, 'vulkan/icd.d')),
  ];
  return dirs.some((dir) => {
    try {
      return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}
