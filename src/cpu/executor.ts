/**
 * Where orientation kernels run. The CPU backend hands each of the four orientations of an
 * image to an executor: inline (this file: browsers' Web Worker, tests) or a pool of
 * Node worker threads (src/node/workerPool.ts) sharing the maps through SharedArrayBuffers.
 */
import type { FilterBank } from '../bank.js';
import { OrientationKernel, type Spectrum } from './phaseCongruency.js';

export interface OrientationJob {
  readonly bank: FilterBank;
  readonly spectrum: Spectrum;
  readonly orientation: number;
  /** Outputs: thresholded energy and amplitude sum of this orientation. */
  readonly energy: Float64Array;
  readonly amplitude: Float64Array;
}

export interface OrientationExecutor {
  readonly threads: number;
  run(job: OrientationJob): Promise<void>;
  dispose(): Promise<void>;
}

/** Keeps the scratch of the most recent size: a kernel holds 9 maps of n doubles. */
export class KernelCache {
  private kernel: OrientationKernel | null = null;
  get(rows: number, cols: number): OrientationKernel {
    if (!this.kernel || this.kernel.rows !== rows || this.kernel.cols !== cols) {
      this.kernel = null;
      this.kernel = new OrientationKernel(rows, cols);
    }
    return this.kernel;
  }
}

export function runJob(kernels: KernelCache, job: OrientationJob): void {
  const { bank } = job;
  kernels.get(bank.rows, bank.cols).run(bank, job.spectrum, job.orientation, job.energy, job.amplitude);
}

export class InlineExecutor implements OrientationExecutor {
  readonly threads = 1;
  private readonly kernels = new KernelCache();
  async run(job: OrientationJob): Promise<void> {
    runJob(this.kernels, job);
  }
  async dispose(): Promise<void> {}
}
