/** The CPU path's worker threads: one pool per process, capped, shared by concurrent calls. */
import { describe, expect, it } from 'vitest';
import { compareFiles, createFsim, DEFAULT_THREADS, liveWorkerThreads } from '../src/node/index.js';
import { CpuBackend, OFFLOAD_RASTER_PIXELS } from '../src/cpu/backend.js';
import { InlineExecutor } from '../src/cpu/executor.js';
import { Fsim } from '../src/fsim.js';
import { decodeFile } from '../src/node/decode.js';
import { INLINE_PIXELS } from '../src/node/workerPool.js';
import { golden, image, CPU_TOLERANCE } from './fixtures.js';

/** Runs `work` while sampling the live thread count; returns the most seen. */
async function mostThreadsDuring(work: () => Promise<unknown>): Promise<number> {
  let most = 0;
  const sample = setInterval(() => {
    most = Math.max(most, liveWorkerThreads());
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(sample);
  }
  return Math.max(most, liveWorkerThreads());
}

describe('worker threads', () => {
  it('24 concurrent compareFiles calls share one pool of at most the default thread count, and all give the reference score', async () => {
    // At F = 1 (384×512), large enough to go to the workers.
    const c = golden.find((g) => g.case === 'I01_scale1')!;
    let results: { fsim: number }[] = [];
    const most = await mostThreadsDuring(async () => {
      results = await Promise.all(
        Array.from({ length: 24 }, () => compareFiles(image(c.ref), image(c.dist), { backend: 'cpu', scale: 1 })),
      );
    });
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(DEFAULT_THREADS);
    for (const r of results) expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(liveWorkerThreads()).toBe(0); // the last engine to go stops them
  });

  it('small images are computed on the calling thread: no worker starts for them', async () => {
    const small = { width: 384, height: 384, channels: 1 as const, data: new Uint8Array(384 * 384).map((_, i) => (i * 7) % 256) };
    expect(small.width * small.height).toBeLessThanOrEqual(INLINE_PIXELS);
    const engine = await createFsim({ backend: 'cpu' });
    try {
      expect(await mostThreadsDuring(() => engine.compare(small, small, { scale: 1 }))).toBe(0);
    } finally {
      await engine.dispose();
    }
  });

  it('the pool is sized by the largest `threads` among live engines and shrinks when that engine goes', async () => {
    const side = 420; // over INLINE_PIXELS at full resolution: computed on the workers
    const full = { scale: 1 };
    const image8 = { width: side, height: side, channels: 1 as const, data: new Uint8Array(side * side).map((_, i) => (i * 31) % 256) };
    const one = await createFsim({ backend: 'cpu', threads: 1 });
    expect(await mostThreadsDuring(() => Promise.all([one.compare(image8, image8, full), one.compare(image8, image8, full)]))).toBe(1);
    const three = await createFsim({ backend: 'cpu', threads: 3 });
    const during = await mostThreadsDuring(() => Promise.all([three.compare(image8, image8, full), one.compare(image8, image8, full)]));
    expect(during).toBeGreaterThan(1);
    expect(during).toBeLessThanOrEqual(3);
    await three.dispose();
    expect(liveWorkerThreads()).toBeLessThanOrEqual(1);
    await one.dispose();
    expect(liveWorkerThreads()).toBe(0);
  });

  it("a large raster downsampled to one thread's work is prepared on a worker, several at once, with the bits of the calling thread", async () => {
    // 1536×1536 at F = 6: 256×256 downsampled, one thread's work, from a 2.4-MP raster.
    const c = golden.find((g) => g.case === 'goldhill_x3')!;
    const [ref, dist] = await Promise.all([decodeFile(image(c.ref)), decodeFile(image(c.dist))]);
    expect(ref.width * ref.height).toBeGreaterThanOrEqual(OFFLOAD_RASTER_PIXELS);
    const here = new Fsim(new CpuBackend(new InlineExecutor()));
    const want = await here.compare(ref, dist);
    const engine = await createFsim({ backend: 'cpu', threads: 2 });
    try {
      let results: { fsim: number; fsimc: number }[] = [];
      const most = await mostThreadsDuring(async () => {
        results = await Promise.all([engine.compare(ref, dist), engine.compare(dist, ref), engine.compare(ref, dist)]);
      });
      expect(most).toBe(2);
      expect([results[0].fsim, results[0].fsimc]).toEqual([want.fsim, want.fsimc]);
      expect(results[2]).toMatchObject({ fsim: want.fsim, fsimc: want.fsimc });
      expect(Math.abs(results[0].fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    } finally {
      await engine.dispose();
    }
  });
});
