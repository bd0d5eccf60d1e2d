/**
 * An engine in this thread (a page's main thread, or a Worker's): WebGPU through
 * navigator.gpu, or the float64 CPU path, on several Web Workers where the page is
 * cross-origin isolated (src/browser/workerPool.ts). The engine in a dedicated Worker
 * (createFsim({ worker: true })) runs one of these there.
 */
import { CpuBackend } from '../cpu/backend.js';
import { InlineExecutor, type TaskExecutor } from '../cpu/executor.js';
import { type BackendKind, checkBackendKind, checkGpuKernels, checkLimitsPolicy, pickBackend } from '../engine.js';
import type { Fsim } from '../fsim.js';
import { type FftKernels, GpuBackend } from '../gpu/backend.js';
import { DeviceManager, type LimitsPolicy } from '../gpu/device.js';
import { MAX_THREADS } from '../constants.js';
import { checkInteger, checkOptions } from '../options.js';
import { browserThreads, WebWorkerExecutor } from './workerPool.js';

export interface BrowserEngineOptions {
  /** 'gpu' never falls back; 'auto' (default) uses the CPU when WebGPU is missing or a software adapter, and says so in `backend`. */
  backend?: BackendKind;
  limits?: LimitsPolicy;
  /**
   * WebGPU kernels: 'auto' (default) the fused path on hardware adapters and the per-stage
   * one on software adapters; 'fused', 'fused-fft' or 'per-stage' force one (GpuBackendOptions.fft).
   */
  kernels?: FftKernels;
  /**
   * Threads of the CPU path: by default the cores (at most 4) where the page is cross-origin
   * isolated (SharedArrayBuffer), else 1. More than 1 needs that isolation.
   */
  threads?: number;
}

export const ENGINE_OPTIONS = ['backend', 'limits', 'kernels', 'threads'] as const;

/** Every engine option checked (what names the call in messages). */
export function checkBrowserEngineOptions(
  options: BrowserEngineOptions | undefined,
  what = 'createFsim',
  allowed: readonly string[] = ENGINE_OPTIONS,
) {
  const checked = checkOptions(options, allowed, what);
  return {
    backend: checkBackendKind(checked.backend ?? 'auto'),
    kernels: checkGpuKernels(checked.kernels ?? 'auto'),
    limits: checked.limits === undefined ? undefined : checkLimitsPolicy(checked.limits),
    threads: checked.threads === undefined ? undefined : checkInteger('threads', checked.threads, 1, MAX_THREADS),
  };
}

export const browserGpu = async (): Promise<GPU | undefined> => (globalThis.navigator as Navigator | undefined)?.gpu;

/** The CPU path's executor: Web Workers where memory can be shared and more than one thread is asked for. */
function cpuExecutor(threads: number | undefined): TaskExecutor {
  const count = threads ?? browserThreads();
  return count > 1 ? new WebWorkerExecutor(count) : new InlineExecutor();
}

/** An engine in this thread. */
export async function createEngineHere(options?: BrowserEngineOptions): Promise<Fsim> {
  const { backend, limits, kernels, threads } = checkBrowserEngineOptions(options);
  return pickBackend(backend, {
    gpu: () =>
      GpuBackend.create(new DeviceManager(browserGpu, { limits, noAdapterHint: 'WebGPU is disabled or unsupported in this browser' }), {
        fft: kernels,
      }),
    cpu: (note) => new CpuBackend(cpuExecutor(threads), { note }),
  });
}
