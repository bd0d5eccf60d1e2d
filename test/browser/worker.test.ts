/**
 * The browser engine in a dedicated Worker (createFsim({ worker: true }), the demo's page as the
 * host): golden scores through its API, maps as data and as bitmaps, clear errors with their
 * codes; and the CPU path on several Web Workers in a cross-origin isolated page, bit for bit
 * the one-thread result.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPU_TOLERANCE, GPU_TOLERANCE, golden } from '../fixtures.js';
import { launch, serve } from './harness.js';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serve();
  browser = await launch(true);
  page = await browser.newPage();
  // The demo page only as a host of the library (window.fsim); its own run does not matter.
  await page.goto(`${server.url}/?backend=cpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 600_000 });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('createFsim({ worker: true })', () => {
  it('scores a golden pair on WebGPU, returns maps as data and as bitmaps, and frees them', async () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const out = await page.evaluate(
      async (ref, dist) => {
        // biome-ignore lint/suspicious/noExplicitAny: the library as the page exposes it
        const { createFsim } = (globalThis as any).fsim;
        const engine = await createFsim({ worker: true, backend: 'gpu' });
        const [a, b] = await Promise.all([engine.decode(ref), engine.decode(dist)]);
        const progress: number[] = [];
        const r = await engine.compare(a, b, { maps: true, mapImages: true, progress: (f: number) => progress.push(f) });
        const bitmaps = await Promise.all(['reference', 'pc1', 'similarity', 'difference'].map((v) => r.mapImages.image(v)));
        const sizes = bitmaps.map((bm: ImageBitmap) => [bm.width, bm.height]);
        r.mapImages.release();
        const released = await r.mapImages.image('pc1').then(
          () => 'drawn',
          (e: Error) => e.message,
        );
        const thumbnail = await a.bitmap({ maxSide: 64 });
        const pixels = await a.raster();
        await engine.dispose();
        const afterDispose = await engine.compare(a, b).then(
          () => 'ran',
          (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
        );
        return {
          backend: engine.backend,
          fsim: r.fsim,
          fsimc: r.fsimc,
          maps: Object.fromEntries(Object.entries(r.maps).map(([k, v]) => [k, (v as Float32Array).length])),
          sizes,
          released,
          thumbnail: [thumbnail.width, thumbnail.height],
          pixels: [pixels.width, pixels.height, pixels.channels, pixels.data.length],
          afterDispose,
        };
      },
      `/fixtures/images/${c.ref}`,
      `/fixtures/images/${c.dist}`,
    );
    expect(out.backend.kind).toBe('gpu');
    expect(out.backend.name).toMatch(/^webgpu \(/);
    expect(Math.abs(out.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(out.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    const n = c.downsampled[0] * c.downsampled[1];
    expect(out.maps).toEqual({ pc1: n, pc2: n, gm1: n, gm2: n, similarity: n });
    // The compared image at its size; the maps at the downsampled size.
    expect(out.sizes).toEqual([[512, 384], ...Array(3).fill([c.downsampled[1], c.downsampled[0]])]);
    expect(out.released).toBe('these maps were released');
    expect(out.thumbnail).toEqual([64, 48]);
    expect(out.pixels).toEqual([512, 384, 4, 512 * 384 * 4]);
    expect(out.afterDispose).toBe('USAGE: the engine was disposed; create a new one');
  });

  it('reports bad input and bad options with the library’s messages and codes', async () => {
    const out = await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: the library as the page exposes it
      const { createFsim } = (globalThis as any).fsim;
      const engine = await createFsim({ worker: true, backend: 'cpu' });
      const caught = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
        );
      const results = [
        await caught(engine.compare(new Blob(['not an image']), new Blob(['x']))),
        await caught(engine.decode('/fixtures/images/nope.png')),
        await caught(
          engine.compare(await engine.decode('/fixtures/images/I01.bmp'), await engine.decode('/fixtures/images/I01_tiny17x23.png')),
        ),
        await caught(
          engine.compare(await engine.decode('/fixtures/images/I01.bmp'), await engine.decode('/fixtures/images/I01.bmp'), { scale: 0 }),
        ),
        await caught(createFsim({ worker: 'yes' })),
      ];
      await engine.dispose();
      return results;
    });
    expect(out[0]).toBe('INPUT: reference: not a decodable image (PNG, JPEG, BMP, GIF or WebP)');
    expect(out[1]).toBe('INPUT: /fixtures/images/nope.png: not found (404)');
    expect(out[2]).toMatch(/^SIZE_MISMATCH: size 23×17 differs from the reference 512×384/);
    expect(out[3]).toMatch(/^USAGE: .*scale/);
    expect(out[4]).toMatch(/^USAGE: option worker must be true or a Worker/);
  });
});

describe('the browser CPU path on several threads (cross-origin isolated page)', () => {
  it('gives the same bits on 2 threads as on 1, within the golden tolerance', async () => {
    const c = golden.find((g) => g.case === 'I01_scale1')!;
    const out = await page.evaluate(
      async (ref, dist) => {
        // biome-ignore lint/suspicious/noExplicitAny: the library as the page exposes it
        const { createFsim } = (globalThis as any).fsim;
        const run = async (threads: number) => {
          const engine = await createFsim({ worker: true, backend: 'cpu', threads });
          const r = await engine.compare(await engine.decode(ref), await engine.decode(dist), { scale: 1 });
          await engine.dispose();
          return { backend: engine.backend, fsim: r.fsim, fsimc: r.fsimc, total: r.timings.total };
        };
        return { isolated: crossOriginIsolated, one: await run(1), two: await run(2) };
      },
      `/fixtures/images/${c.ref}`,
      `/fixtures/images/${c.dist}`,
    );
    expect(out.isolated).toBe(true);
    expect(out.one.backend.threads).toBe(1);
    expect(out.two.backend.threads).toBe(2);
    expect(out.two.backend.name).toMatch(/^cpu \(float64, 2 threads/);
    expect(out.two.fsim).toBe(out.one.fsim);
    expect(out.two.fsimc).toBe(out.one.fsimc);
    expect(Math.abs(out.two.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(Math.abs(out.two.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
    console.log(
      `I01 at F = 1 in the browser's CPU path: 1 thread ${out.one.total.toFixed(0)} ms, 2 threads ${out.two.total.toFixed(0)} ms`,
    );
  });
});
