/**
 * Which backend an engine runs on, decided in one place for every platform: the platform
 * entry points (src/node, src/browser) say how to make each backend, this module picks.
 */
import type { Backend } from './backend.js';
import { FsimError } from './errors.js';
import { AutoBackend } from './autoBackend.js';
import { Fsim } from './fsim.js';
import type { FftKernels } from './gpu/backend.js';
import { backend, kernels } from './optionTable.js';

/**
 * 'cpu' (float64), 'gpu' (WebGPU on any adapter, never falls back) or 'auto': the fastest
 * here — WebGPU on a hardware adapter, else the CPU path (a software adapter such as
 * SwiftShader is ~10× slower than the CPU path on the same cores).
 */
export type BackendKind = 'cpu' | 'gpu' | 'auto';

/** A backend kind checked (the option table's check: src/optionTable.ts). */
export function checkBackendKind(kind: unknown): BackendKind {
  return backend.check(kind, 'backend');
}

/** The WebGPU kernels (GpuBackendOptions.fft) checked, by the option table. */
export function checkGpuKernels(value: unknown): FftKernels {
  return kernels.check(value, 'kernels');
}

/** How a platform makes each backend. */
export interface PlatformBackends {
  /** Acquires a device now, so that a missing adapter fails here with a clear message. */
  gpu(): Promise<Backend>;
  /** `note` says why the CPU was chosen, in the backend's name. */
  cpu(note?: string): Backend;
  /**
   * 'auto' asks for the GPU only for work that reaches AUTO_GPU_PIXELS (src/autoBackend.ts),
   * through this (which may answer without loading WebGPU: no driver, or none found earlier
   * in the process); without it, 'auto' asks at once.
   */
  gpuByWork?(): Promise<Backend>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A hardware adapter's backend, or why there is none (a software adapter is disposed). */
async function hardwareGpu(gpu: () => Promise<Backend>): Promise<{ backend: Backend } | { reason: string }> {
  let backend: Backend;
  try {
    backend = await gpu();
  } catch (error) {
    return { reason: `WebGPU unavailable: ${messageOf(error)}` };
  }
  if (!backend.software) return { backend };
  await backend.dispose();
  return { reason: `${backend.name} is a software adapter, slower than this path; ask for the gpu backend to use it` };
}

export async function pickBackend(kind: BackendKind, platform: PlatformBackends): Promise<Fsim> {
  if (kind === 'cpu') return new Fsim(platform.cpu());
  if (kind === 'auto' && platform.gpuByWork) {
    const byWork = platform.gpuByWork.bind(platform);
    return new Fsim(new AutoBackend(platform.cpu(), () => hardwareGpu(byWork)));
  }
  if (kind === 'gpu') {
    try {
      return new Fsim(await platform.gpu());
    } catch (error) {
      throw error instanceof FsimError ? error : new FsimError('BACKEND', `WebGPU failed: ${messageOf(error)}`);
    }
  }
  // 'auto' falls back, and says why in the result's backend field.
  const found = await hardwareGpu(() => platform.gpu());
  return new Fsim('backend' in found ? found.backend : platform.cpu(found.reason));
}
