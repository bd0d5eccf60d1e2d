/**
 * A pool of Node worker threads for the CPU backend's orientation jobs. The maps travel
 * as SharedArrayBuffers (no copies). Idle workers are unref'd so they never keep the
 * process alive; a crashed worker fails its job and is replaced.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OrientationExecutor, OrientationJob } from '../cpu/executor.js';

interface Pending {
  job: OrientationJob;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The compiled worker, or — when these sources run as .ts under vitest/tsx — a bootstrap
 * that registers tsx's loader in the worker first (Node 20 workers ignore --import).
 */
function createWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./orientationWorker.js', import.meta.url));
  // require.resolve finds tsx's CommonJS build; its ESM twin sits beside it.
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./orientationWorker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
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
    const worker = createWorker();
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
