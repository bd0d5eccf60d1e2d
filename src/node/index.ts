/** fsim-gpu for Node: backends with worker threads and Dawn, file decoding, file-level helpers. */
import { CpuBackend } from '../cpu/backend.js';
import { FsimError } from '../errors.js';
import { Fsim, type CompareOptions, type FsimResult } from '../fsim.js';
import { decodeFile } from './decode.js';
import { WorkerPoolExecutor } from './workerPool.js';

export * from '../index.js';
export { decodeImage, decodeFile } from './decode.js';
export { WorkerPoolExecutor } from './workerPool.js';

export type BackendKind = 'cpu' | 'gpu' | 'auto';

export interface EngineOptions {
  /** 'cpu' (float64), 'gpu' (WebGPU, never falls back) or 'auto' (WebGPU when available, else CPU). */
  backend?: BackendKind;
  /** CPU worker threads (default: available cores, at most 4). */
  threads?: number;
}

export function checkBackendKind(kind: unknown): BackendKind {
  if (kind === 'cpu' || kind === 'gpu' || kind === 'auto') return kind;
  throw new FsimError('USAGE', `backend must be cpu, gpu or auto, got ${String(kind)}`);
}

/** Creates an engine; dispose() it to stop its threads (idle threads never hold the process open). */
export async function createFsim(options: EngineOptions = {}): Promise<Fsim> {
  const kind = checkBackendKind(options.backend ?? 'auto');
  if (kind === 'gpu') {
    throw new FsimError('BACKEND', 'the WebGPU backend is not available in this version; use --backend cpu');
  }
  return new Fsim(new CpuBackend(new WorkerPoolExecutor(options.threads)));
}

/** Decodes two files and compares them with a temporary engine. */
export async function compareFiles(refPath: string, distPath: string, options: CompareOptions & EngineOptions = {}): Promise<FsimResult> {
  const [ref, dist] = await Promise.all([decodeFile(refPath), decodeFile(distPath)]);
  const engine = await createFsim(options);
  try {
    return await engine.compare(ref, dist, options);
  } finally {
    await engine.dispose();
  }
}
