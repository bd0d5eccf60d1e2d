/**
 * Where phase-congruency tasks run. The CPU backend splits each step of an orientation into
 * `parts(pixels)` tasks over disjoint columns or rows and awaits them all: inline (this file:
 * browsers' Web Worker, tests) or on a pool of Node worker threads (src/node/workerPool.ts)
 * sharing the maps through SharedArrayBuffers.
 */
import type { RasterImage } from '../image.js';
import type { StageTimings } from '../backend.js';
import type { Chroma } from './chroma.js';
import { type CpuTask, TaskRunner } from './tasks.js';

/** What preparing one image leaves: its maps (shared arrays) and timings. */
export interface PreparedParts {
  /** Whether the image has colour (its channels differ somewhere). */
  readonly colour: boolean;
  readonly timings: StageTimings;
  readonly chroma: Chroma;
  readonly pc: Float64Array;
  readonly gm: Float64Array;
}

export interface TaskExecutor {
  /** The most threads this executor runs at once. */
  readonly threads: number;
  /** How many tasks to split a step of an image of this many pixels into. */
  parts(pixels: number): number;
  run(task: CpuTask): Promise<void>;
  /**
   * Prepares a whole small image (downsampled to one thread's work) on a thread of its own, as
   * the calling thread would (the same code, the same bits), so that several run at once and
   * the caller's thread stays free. Absent where there is no other thread.
   */
  prepareImage?(image: RasterImage, factor: number): Promise<PreparedParts>;
  dispose(): Promise<void>;
}

export class InlineExecutor implements TaskExecutor {
  readonly threads = 1;
  private readonly runner = new TaskRunner();
  parts(): number {
    return 1;
  }
  async run(task: CpuTask): Promise<void> {
    this.runner.run(task);
  }
  async dispose(): Promise<void> {}
}
