/**
 * Where phase-congruency tasks run. The CPU backend splits each step of an orientation into
 * `parts(pixels)` tasks over disjoint columns or rows and awaits them all: inline (this file:
 * browsers' Web Worker, tests) or on a pool of Node worker threads (src/node/workerPool.ts)
 * sharing the maps through SharedArrayBuffers.
 */
import { type CpuTask, TaskRunner } from './tasks.js';

export interface TaskExecutor {
  /** The most threads this executor runs at once. */
  readonly threads: number;
  /** How many tasks to split a step of an image of this many pixels into. */
  parts(pixels: number): number;
  run(task: CpuTask): Promise<void>;
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
