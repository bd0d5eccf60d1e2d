/**
 * Node worker threads for the CPU backend's phase-congruency tasks, one pool per process: every
 * engine (and every concurrent compareFiles call) draws on it, so a process never runs more
 * threads than the largest `threads` among its live engines, and never more than
 * MAX_THREADS. Workers start on first use, idle ones are unref'd (they never keep the process
 * alive), a crashed worker fails its job and is replaced, and the last engine to go stops them.
 * The maps travel as SharedArrayBuffers (no copies).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_THREADS } from '../constants.js';
import type { PreparedParts, TaskExecutor } from '../cpu/executor.js';
import { type CpuTask, TaskRunner } from '../cpu/tasks.js';
import { FsimError, type FsimErrorCode } from '../errors.js';
import type { RasterImage, SampleArray } from '../image.js';
import { checkInteger } from '../options.js';

/** Default thread count: the cores, at most 4. */
export const DEFAULT_THREADS = Math.min(4, availableParallelism());

/** A job: a task over shared maps, or a whole small image to prepare (its maps come back shared). */
type Job = { task: CpuTask } | { prepare: { image: RasterImage; factor: number } };

interface Pending {
  owner: WorkerPoolExecutor;
  job: Job;
  resolve: (value?: PreparedParts) => void;
  reject: (error: Error) => void;
}

/**
 * The compiled worker, or — when these sources run as .ts under vitest/tsx — a bootstrap
 * that registers tsx's loader in the worker first (Node 20 workers ignore --import).
 */
function createWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./taskWorker.js', import.meta.url));
  // require.resolve finds tsx's CommonJS build; its ESM twin sits beside it.
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = new URL('./taskWorker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** The process's one pool of worker threads. */
class SharedPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  /** Workers already failed and replaced: their later 'exit' must not replace them twice. */
  private readonly dead = new WeakSet<Worker>();
  private readonly users = new Set<WorkerPoolExecutor>();

  /** Live workers: never more than the largest `threads` of the live engines. */
  get size(): number {
    return this.idle.length + this.busy.size;
  }

  private get limit(): number {
    let most = 0;
    for (const user of this.users) most = Math.max(most, user.threads);
    return most;
  }

  attach(user: WorkerPoolExecutor): void {
    this.users.add(user);
  }

  /** Fails the user's queued jobs; the last user to leave stops every worker. */
  async detach(user: WorkerPoolExecutor): Promise<void> {
    this.users.delete(user);
    const cancelled = new Error('the CPU worker pool was disposed');
    for (let k = this.queue.length - 1; k >= 0; k--) {
      if (this.queue[k].owner === user) this.queue.splice(k, 1)[0].reject(cancelled);
    }
    for (const pending of this.busy.values()) if (pending.owner === user) pending.reject(cancelled);
    if (this.users.size > 0) {
      // Over the new limit: let idle workers go.
      while (this.size > this.limit && this.idle.length > 0) this.retire(this.idle.pop()!);
      return;
    }
    const workers = [...this.idle, ...this.busy.keys()];
    staging.clear();
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(workers.map((w) => this.retire(w)));
  }

  run(pending: Pending): void {
    const worker = this.idle.pop() ?? (this.size < this.limit ? this.spawn() : undefined);
    if (worker) this.dispatch(worker, pending);
    else this.queue.push(pending);
  }

  private retire(worker: Worker): Promise<number> {
    this.dead.add(worker);
    return worker.terminate();
  }

  private spawn(): Worker {
    const worker = createWorker();
    worker.unref();
    worker.on('message', (message: { error?: string; code?: FsimErrorCode; prepared?: PreparedParts }) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      this.next(worker);
      if (!pending) return;
      if (message.error) pending.reject(message.code ? new FsimError(message.code, message.error) : new Error(message.error));
      else pending.resolve(message.prepared);
    });
    worker.on('error', (error) => this.replace(worker, error));
    worker.on('exit', (code) => this.replace(worker, new Error(`CPU worker exited with code ${code}`)));
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
    void worker.terminate();
    const waiting = this.queue.shift();
    if (waiting) this.run(waiting);
  }

  /** A worker just finished: it takes the next queued job, retires if over the limit, or idles. */
  private next(worker: Worker): void {
    const pending = this.queue.shift();
    if (pending) this.dispatch(worker, pending);
    else if (this.size > this.limit) void this.retire(worker);
    else {
      worker.unref();
      this.idle.push(worker);
    }
  }

  private dispatch(worker: Worker, pending: Pending): void {
    this.busy.set(worker, pending);
    worker.ref();
    worker.postMessage({ id: 0, ...pending.job });
  }
}

const shared = new SharedPool();

/**
 * Images of at most this many (downsampled) pixels are computed on the calling thread: below
 * it, starting workers costs more than sharing the tasks saves (whole-process medians on 2
 * cores: 270×480 0.51 s inline vs 0.56 s on workers; 192×256 0.25 s vs 0.31 s).
 */
export const INLINE_PIXELS = 384 * 384;
const inline = new TaskRunner();

/** Worker threads currently running in this process (for tests and benchmarks). */
export function liveWorkerThreads(): number {
  return shared.size;
}

/** An engine's handle on the process's worker pool; `threads` is the most it may have running. */
export class WorkerPoolExecutor implements TaskExecutor {
  readonly threads: number;
  private disposed = false;

  constructor(threads: number = DEFAULT_THREADS) {
    this.threads = checkInteger('threads', threads, 1, MAX_THREADS);
    shared.attach(this);
  }

  parts(pixels: number): number {
    return pixels <= INLINE_PIXELS ? 1 : this.threads;
  }

  run(task: CpuTask): Promise<void> {
    if (this.disposed) return Promise.reject(new FsimError('USAGE', 'the engine was disposed'));
    // Small images run here: starting a worker costs more than sharing their work.
    if (task.rows * task.cols <= INLINE_PIXELS) {
      inline.run(task);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => shared.run({ owner: this, job: { task }, resolve: () => resolve(), reject }));
  }

  async prepareImage(image: RasterImage, factor: number): Promise<PreparedParts> {
    if (this.disposed) throw new FsimError('USAGE', 'the engine was disposed');
    // The samples travel shared, not cloned per message: copied once into a staging buffer
    // (reused: a fresh 36-MB SharedArrayBuffer costs five times the copy in page faults).
    const staged = stage(image);
    try {
      return await new Promise<PreparedParts>((resolve, reject) =>
        shared.run({
          owner: this,
          job: { prepare: { image: staged.image, factor } },
          resolve: (parts) => resolve(parts as PreparedParts),
          reject,
        }),
      );
    } finally {
      staged.release();
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await shared.detach(this);
  }
}

/** Free staging buffers for images' samples, by byte length (at most one per default thread; freed with the pool). */
const staging = new Map<number, SharedArrayBuffer[]>();

/** The image with its samples in a SharedArrayBuffer (a staging buffer when they are not already); release() returns it. */
function stage(image: RasterImage): { image: RasterImage; release: () => void } {
  const { data } = image;
  if (data.buffer instanceof SharedArrayBuffer) return { image, release: () => {} };
  const bytes = data.byteLength;
  const buffer = staging.get(bytes)?.pop() ?? new SharedArrayBuffer(bytes);
  const Kind = data.constructor as new (buffer: SharedArrayBuffer) => SampleArray;
  const copy = new Kind(buffer);
  (copy as Uint8Array).set(data as Uint8Array);
  return {
    image: { width: image.width, height: image.height, channels: image.channels, data: copy },
    release: () => {
      // Another size replaces the buffers kept (a batch's images mostly share one size).
      for (const size of staging.keys()) if (size !== bytes) staging.delete(size);
      const free = staging.get(bytes) ?? [];
      if (free.length < DEFAULT_THREADS) free.push(buffer);
      staging.set(bytes, free);
    },
  };
}
