/**
 * The demo's engine: WebGPU in the page when the browser has it, otherwise the float64
 * CPU path in a Web Worker (so the page never freezes), with progress messages.
 */
import { createFsim, type CompareOptions, type FftKernels, type Fsim, type FsimResult, type RasterImage } from '../src/browser/index.js';
import type { WorkerReply, WorkerRequest } from './cpuWorker.js';

export type ProgressHandler = (fraction: number, stage: string) => void;

/** A worker request before it is numbered (Omit distributed over the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface Engine {
  /** 'gpu' or 'cpu'; `reason` says why the CPU is used. */
  readonly kind: 'gpu' | 'cpu';
  readonly reason?: string;
  compare(ref: RasterImage, dist: RasterImage, options: CompareOptions, progress?: ProgressHandler): Promise<FsimResult>;
  /** Reference prepared once, candidates compared one by one (for ranking). */
  session(ref: RasterImage, options: CompareOptions): Promise<{ compare(candidate: RasterImage): Promise<FsimResult>; close(): void }>;
}

class GpuEngine implements Engine {
  readonly kind = 'gpu';
  constructor(private readonly fsim: Fsim) {}
  compare(ref: RasterImage, dist: RasterImage, options: CompareOptions, progress?: ProgressHandler): Promise<FsimResult> {
    return this.fsim.compare(ref, dist, { ...options, progress });
  }
  async session(ref: RasterImage, options: CompareOptions) {
    const prepared = await this.fsim.prepare(ref, options, 'reference');
    return {
      compare: (candidate: RasterImage) => this.fsim.compare(prepared, candidate, options),
      close: () => prepared.release(),
    };
  }
}

class WorkerEngine implements Engine {
  readonly kind = 'cpu';
  private readonly worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: FsimResult | null) => void; reject: (e: Error) => void; progress?: ProgressHandler }
  >();

  constructor(readonly reason: string) {
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      if (reply.type === 'progress') return pending.progress?.(reply.fraction, reply.stage);
      this.pending.delete(reply.id);
      if (reply.type === 'error') pending.reject(new Error(reply.message));
      else pending.resolve(reply.result);
    };
  }

  private call(request: Unnumbered<WorkerRequest>, progress?: ProgressHandler): Promise<FsimResult | null> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress });
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  async compare(ref: RasterImage, dist: RasterImage, options: CompareOptions, progress?: ProgressHandler): Promise<FsimResult> {
    return (await this.call({ type: 'compare', ref, dist, options: { ...options, progress: undefined } }, progress))!;
  }

  async session(ref: RasterImage, options: CompareOptions) {
    await this.call({ type: 'prepare', ref, options: { ...options, progress: undefined } });
    return {
      compare: async (candidate: RasterImage) =>
        (await this.call({ type: 'compare-prepared', dist: candidate, options: { ...options, progress: undefined } }))!,
      close: () => void this.call({ type: 'release' }),
    };
  }
}

/** WebGPU unless the browser lacks it (or `forceCpu`), in which case the worker. */
/**
 * The fastest engine here, as the library's 'auto' decides (src/engine.ts): WebGPU on a
 * hardware adapter, else the worker — a software adapter such as SwiftShader, which Chromium
 * offers where there is no GPU, is ~10× slower than the CPU path. 'gpu' takes any adapter,
 * 'cpu' always the worker.
 */
export async function createEngine(choice: 'auto' | 'gpu' | 'cpu', kernels: FftKernels = 'auto'): Promise<Engine> {
  if (choice === 'cpu') return new WorkerEngine('CPU requested');
  let fsim: Fsim;
  try {
    fsim = await createFsim({ backend: 'gpu', kernels });
  } catch (error) {
    return new WorkerEngine(error instanceof Error ? error.message : String(error));
  }
  if (choice === 'auto' && fsim.backend.software) {
    const name = fsim.backend.name;
    await fsim.dispose();
    return new WorkerEngine(`${name} is a software adapter, slower than the CPU here; choose WebGPU to use it`);
  }
  return new GpuEngine(fsim);
}
