/**
 * fsim-gpu in the browser: WebGPU through navigator.gpu, images decoded by the browser.
 * createFsim() runs the engine in this thread; createFsim({ worker: true }) runs it in a
 * dedicated Worker (src/browser/workerEngine.ts), so that decoding, alignment, GPU work and
 * drawing maps never hold up the page. The CPU path takes several Web Workers where the page is
 * cross-origin isolated.
 */
import type { Fsim } from '../fsim.js';
import { type BrowserEngineOptions, createEngineHere } from './engine.js';
import { FsimWorker, type WorkerEngineOptions } from './workerEngine.js';

export * from '../index.js';
export { type BackendKind, checkBackendKind } from '../engine.js';
export { type FftKernels, GpuBackend } from '../gpu/backend.js';
export { DeviceManager } from '../gpu/device.js';
export { decodeBlob, decodeUrl } from './decode.js';
export { type BrowserEngineOptions, browserGpu } from './engine.js';
export { browserThreads, canShareMemory, WebWorkerExecutor } from './workerPool.js';
export {
  FsimWorker,
  type MapImages,
  type MapScales,
  type MapView,
  type WorkerBackendInfo,
  type WorkerCompareOptions,
  type WorkerEngineOptions,
  type WorkerImage,
  type WorkerInput,
  type WorkerPrepared,
  type WorkerResult,
} from './workerEngine.js';

/**
 * An engine: in a dedicated Worker with `worker` (true, or a Worker started from
 * `fsim-gpu/browser/worker`), the page's choice for anything large; otherwise in this thread.
 */
export function createFsim(options: WorkerEngineOptions): Promise<FsimWorker>;
export function createFsim(options?: BrowserEngineOptions & { worker?: false }): Promise<Fsim>;
export function createFsim(options?: (BrowserEngineOptions & { worker?: false }) | WorkerEngineOptions): Promise<Fsim | FsimWorker> {
  if (options?.worker) return FsimWorker.start(options as WorkerEngineOptions);
  const { worker: _inThisThread, ...rest } = options ?? {};
  return createEngineHere(rest);
}
