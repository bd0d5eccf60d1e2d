/**
 * At most `concurrency` jobs run at once; up to `capacity` more wait, first come first served.
 * A job whose signal aborts while it waits (its client left, its time ran out) leaves the queue
 * without running; one that is running sees its signal aborted (rankings stop between
 * candidates; a comparison's result is dropped) and keeps its slot until it has stopped, so the
 * machine never runs more than `concurrency` jobs.
 */
import { FsimError } from '../../errors.js';

/** The queue is full: the caller answers 503 with Retry-After. */
export class QueueFullError extends Error {
  constructor() {
    super('the server is busy (its queue is full); retry later');
  }
}

interface Waiting {
  start: () => void;
  signal: AbortSignal;
  drop: () => void;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly concurrency: number,
    readonly capacity: number,
  ) {}

  get depth(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /** Whether a job offered now would be refused. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.capacity;
  }

  /** Runs `job` when a slot is free; QueueFullError when none is and the queue is full. */
  async run<T>(job: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw cancelled(signal);
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.capacity) throw new QueueFullError();
      await new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          start: () => {
            signal.removeEventListener('abort', entry.drop);
            resolve();
          },
          signal,
          drop: () => {
            const at = this.waiting.indexOf(entry);
            if (at >= 0) this.waiting.splice(at, 1);
            reject(cancelled(signal));
          },
        };
        this.waiting.push(entry);
        signal.addEventListener('abort', entry.drop, { once: true });
      });
    } else this.running++;
    try {
      return await job(signal);
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job (running stays the same).
      if (next) next.start();
      else this.running--;
    }
  }
}

const cancelled = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new FsimError('CANCELLED', 'the request was cancelled');
