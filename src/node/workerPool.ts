/**
 * A pool of Node worker threads for the CPU backend's orientation jobs. The maps travel
 * as SharedArrayBuffers (no copies). Idle workers are unref'd so they never keep the
 * process alive; a crashed worker fails its job and is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { OrientationExecutor, OrientationJob } from '../cpu/executor.js';

interface Pending {
  job: OrientationJob;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Under vitest/tsx the sources are .ts: the worker then needs tsx's loader too. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return fromSource
    ? { url: new URL('./orientationWorker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./orientationWorker.js', import.meta.url), execArgv: [] };
}

export class WorkerPoolExecutor implements OrientationExecutor {
  readonly threads: number;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  /** Workers already failed and replaced: their later 'exit' must not replace them twice. */
  private readonly dead = new WeakSet<Worker>();
  private disposed = false;

  constructor(threads = Math.min(4, availableParallelism())) {
    this.threads = Math.max(1, threads);
    for (let i = 0; i < this.threads; i++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const { url, execArgv } = workerEntry();
    const worker = new Worker(url, { execArgv });
    worker.unref();
    worker.on('message', (message: { error?: string }) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.release(worker);
      if (!pending) return;
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve();
    });
    worker.on('error', (error) => this.replace(worker, error));
    worker.on('exit', (code) => {
      if (!this.disposed) this.replace(worker, new Error(`CPU worker exited with code ${code}`));
    });
    return worker;
  }

  private replace(worker: Worker, error: Error): void {
    if (this.dead.has(worker)) return;
    this.dead.add(worker);
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    pending?.reject(error);
    if (!this.disposed) {
      void worker.terminate();
      this.release(this.spawn());
    }
  }

  private release(worker: Worker): void {
    const next = this.queue.shift();
    if (next) this.dispatch(worker, next);
    else {
      worker.unref();
      this.idle.push(worker);
    }
  }

  private dispatch(worker: Worker, pending: Pending): void {
    this.busy.set(worker, pending);
    worker.ref();
    worker.postMessage({ id: 0, job: pending.job });
  }

  run(job: OrientationJob): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the CPU worker pool was disposed'));
    return new Promise((resolve, reject) => {
      const pending = { job, resolve, reject };
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker, pending);
      else this.queue.push(pending);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    for (const pending of [...this.busy.values(), ...this.queue]) pending.reject(new Error('the CPU worker pool was disposed'));
    this.idle.length = 0;
    this.busy.clear();
    this.queue.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
