/**
 * The CPU path on several threads in the browser: Web Workers (src/browser/taskWorker.ts)
 * running its tasks on maps in SharedArrayBuffers and a shared WebAssembly memory, as Node's
 * worker threads do (src/node/workerPool.ts). Shared memory needs a cross-origin isolated page
 * (COOP same-origin + COEP require-corp); elsewhere the path runs on one thread
 * (browserThreads() says how many a page gets). The tasks split every step into disjoint
 * ranges whose results are combined in a fixed order, so any thread count gives the same bits.
 */
import { MAX_THREADS } from '../constants.js';
import type { TaskExecutor } from '../cpu/executor.js';
import { type CpuTask, TaskRunner } from '../cpu/tasks.js';
import { FsimError } from '../errors.js';
import { checkInteger } from '../options.js';

/**
 * Images of at most this many (downsampled) pixels run on the calling thread: below it,
 * handing tasks to workers costs more than sharing them saves (Node's measured threshold).
 */
const INLINE_PIXELS = 384 * 384;

/** Whether this context can share memory with workers (cross-origin isolated, or not a browser page). */
export function canShareMemory(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer === 'function' && isolated !== false && typeof Worker === 'function';
}

/** Threads the CPU path takes here by default: the cores, at most 4, where memory can be shared; else 1. */
export function browserThreads(): number {
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  return canShareMemory() ? Math.max(1, Math.min(4, cores)) : 1;
}

interface Job {
  task: CpuTask;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class WebWorkerExecutor implements TaskExecutor {
  readonly threads: number;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private readonly inline = new TaskRunner();
  private disposed = false;

  constructor(threads: number) {
    this.threads = checkInteger('threads', threads, 1, MAX_THREADS);
    if (!canShareMemory()) {
      throw new FsimError('USAGE', 'the CPU path needs a cross-origin isolated page (COOP and COEP headers) to run on several threads');
    }
  }

  parts(pixels: number): number {
    return pixels <= INLINE_PIXELS ? 1 : this.threads;
  }

  run(task: CpuTask): Promise<void> {
    if (this.disposed) return Promise.reject(new FsimError('USAGE', 'the engine was disposed'));
    if (task.rows * task.cols <= INLINE_PIXELS) {
      this.inline.run(task);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const job = { task, resolve, reject };
      const worker = this.idle.pop() ?? (this.idle.length + this.busy.size < this.threads ? this.spawn() : undefined);
      if (worker) this.dispatch(worker, job);
      else this.queue.push(job);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./taskWorker.js', import.meta.url), { type: 'module', name: 'fsim-cpu-task' });
    worker.onmessage = (event: MessageEvent<{ error?: string }>) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const next = this.queue.shift();
      if (next) this.dispatch(worker, next);
      else this.idle.push(worker);
      if (!job) return;
      if (event.data.error) job.reject(new Error(event.data.error));
      else job.resolve();
    };
    // A worker that fails to load or crashes fails its job; the next job gets a new worker.
    worker.onerror = (event) => {
      event.preventDefault();
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      worker.terminate();
      job?.reject(new Error(`CPU worker failed: ${event.message || 'could not start'}`));
      const next = this.queue.shift();
      if (next) this.dispatch(this.spawn(), next);
    };
    return worker;
  }

  private dispatch(worker: Worker, job: Job): void {
    this.busy.set(worker, job);
    worker.postMessage({ id: 0, task: job.task });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const cancelled = new FsimError('USAGE', 'the engine was disposed');
    for (const job of this.queue.splice(0)) job.reject(cancelled);
    for (const [worker, job] of this.busy) {
      job.reject(cancelled);
      worker.terminate();
    }
    this.busy.clear();
    for (const worker of this.idle.splice(0)) worker.terminate();
  }
}
