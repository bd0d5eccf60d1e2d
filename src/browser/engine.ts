/// <reference types="@webgpu/types" preserve="true" />
/**
 * An engine in this thread (a page's main thread, or a Worker's): WebGPU through
 * navigator.gpu, or the float64 CPU path, on several Web Workers where the page is
 * cross-origin isolated (src/browser/workerPool.ts). The engine in a dedicated Worker
 * (createFsim({ worker: true })) runs one of these there.
 */
import { CpuBackend } from '../cpu/backend.js';
import { InlineExecutor, type TaskExecutor } from '../cpu/executor.js';
import { type BackendKind, pickBackend } from '../engine.js';
import type { Fsim } from '../fsim.js';
import { type FftKernels, GpuBackend } from '../gpu/backend.js';
import { DeviceManager, type LimitsPolicy } from '../gpu/device.js';
import { BROWSER_ENGINE_SPECS, type Resolved, resolveOptions } from '../optionTable.js';
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

/** Browser engine options resolved by an entry point (src/optionTable.ts), frozen. */
export type ResolvedBrowserEngine = Resolved<typeof BROWSER_ENGINE_SPECS>;

/** Every engine option checked against the option table, once (what names the call in messages). */
export function resolveBrowserEngineOptions(options: BrowserEngineOptions | undefined, what = 'createFsim'): ResolvedBrowserEngine {
  return resolveOptions(BROWSER_ENGINE_SPECS, options, what);
}

export const browserGpu = async (): Promise<GPU | undefined> => (globalThis.navigator as Navigator | undefined)?.gpu;

/** The CPU path's executor: Web Workers where memory can be shared and more than one thread is asked for. */
function cpuExecutor(threads: number | undefined): TaskExecutor {
  const count = threads ?? browserThreads();
  return count > 1 ? new WebWorkerExecutor(count) : new InlineExecutor();
}

/** An engine in this thread. */
export async function createEngineHere(options?: BrowserEngineOptions): Promise<Fsim> {
  return createEngineWith(resolveBrowserEngineOptions(options));
}

/** createEngineHere() for options resolved already. */
export async function createEngineWith({ backend, limits, kernels, threads }: ResolvedBrowserEngine): Promise<Fsim> {
  return pickBackend(backend, {
    gpu: () =>
      GpuBackend.create(new DeviceManager(browserGpu, { limits, noAdapterHint: 'WebGPU is disabled or unsupported in this browser' }), {
        fft: kernels,
      }),
    cpu: (note) => new CpuBackend(cpuExecutor(threads), { note }),
  });
}
