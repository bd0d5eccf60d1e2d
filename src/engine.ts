/**
 * Which backend an engine runs on, decided in one place for every platform: the platform
 * entry points (src/node, src/browser) say how to make each backend, this module picks.
 */
import type { Backend } from './backend.js';
import { FsimError } from './errors.js';
import { Fsim } from './fsim.js';
import type { FftKernels } from './gpu/backend.js';
import type { LimitsPolicy } from './gpu/device.js';
import { checkOneOf } from './options.js';

/**
 * 'cpu' (float64), 'gpu' (WebGPU on any adapter, never falls back) or 'auto': the fastest
 * here — WebGPU on a hardware adapter, else the CPU path (a software adapter such as
 * SwiftShader is ~10× slower than the CPU path on the same cores).
 */
export type BackendKind = 'cpu' | 'gpu' | 'auto';

export function checkBackendKind(kind: unknown): BackendKind {
  return checkOneOf('backend', kind, ['cpu', 'gpu', 'auto']);
}

export function checkLimitsPolicy(limits: unknown): LimitsPolicy {
  return checkOneOf('limits', limits, ['adapter', 'default']);
}

/** The WebGPU kernels (GpuBackendOptions.fft): 'auto' (default) picks per adapter. */
export function checkGpuKernels(kernels: unknown): FftKernels {
  return checkOneOf('kernels', kernels, ['auto', 'fused', 'fused-fft', 'per-stage']);
}

/** How a platform makes each backend. */
export interface PlatformBackends {
  /** Acquires a device now, so that a missing adapter fails here with a clear message. */
  gpu(): Promise<Backend>;
  /** `note` says why the CPU was chosen, in the backend's name. */
  cpu(note?: string): Backend;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function pickBackend(kind: BackendKind, platform: PlatformBackends): Promise<Fsim> {
  if (kind === 'cpu') return new Fsim(platform.cpu());
  let gpu: Backend;
  try {
    gpu = await platform.gpu();
  } catch (error) {
    if (kind === 'gpu') throw error instanceof FsimError ? error : new FsimError('BACKEND', `WebGPU failed: ${messageOf(error)}`);
    // 'auto' falls back, and says why in the result's backend field.
    return new Fsim(platform.cpu(`WebGPU unavailable: ${messageOf(error)}`));
  }
  if (kind === 'auto' && gpu.software) {
    await gpu.dispose();
    return new Fsim(platform.cpu(`${gpu.name} is a software adapter, slower than this path; ask for the gpu backend to use it`));
  }
  return new Fsim(gpu);
}
