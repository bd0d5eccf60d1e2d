/** fsim-gpu for Node: backends with worker threads and Dawn, file decoding, file-level helpers. */
export * from '../index.js';
export { type BackendKind, checkBackendKind } from '../engine.js';
export { type FftKernels, GpuBackend, type GpuBackendOptions } from '../gpu/backend.js';
export type { FusedLayout } from '../gpu/fusedPhaseCongruency.js';
export { DeviceManager } from '../gpu/device.js';
export { decodeFile, decodeImage } from './decode.js';
export { compareFiles, createFsim, type EngineOptions, expandCandidates, rankFiles } from './engine.js';
export { nodeGpu } from './webgpu.js';
export { DEFAULT_THREADS, liveWorkerThreads, WorkerPoolExecutor } from './workerPool.js';
export { type CompareImagesOptions, type CompareImagesResult, compareImages, type ImageSource, loadImage } from './compareImages.js';
export { encodePng } from './png.js';
export { releaseSharedEngines } from './sharedEngine.js';
export { packageVersion } from './version.js';
