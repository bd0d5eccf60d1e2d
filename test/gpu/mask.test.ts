/**
 * Masks on the WebGPU path: the same pixels left out as on the CPU path (src/mask.ts), so the
 * masked scores agree within the GPU tolerance; a mask that ignores nothing changes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, type Fsim } from '../../src/node/index.js';
import { GPU_TOLERANCE, image } from '../fixtures.js';

describe('masks on the GPU path', () => {
  let gpu: Fsim, cpu: Fsim;
  afterAll(async () => {
    await gpu?.dispose();
    await cpu?.dispose();
  });

  it('agree with the CPU path, colour and greyscale', async () => {
    gpu = await createFsim({ backend: 'gpu', limits: 'default' });
    cpu = await createFsim({ backend: 'cpu' });
    const [ref, dist] = await Promise.all([decodeFile(image('I01.bmp')), decodeFile(image('I01_dist.bmp'))]);
    const grey = (x: typeof ref) => {
      const data = new Uint8Array(x.width * x.height);
      for (let p = 0; p < data.length; p++) data[p] = x.data[3 * p + 1];
      return { width: x.width, height: x.height, channels: 1 as const, data };
    };
    // Left out: a vertical band and a box.
    const mask = { width: 512, height: 384, channels: 1 as const, data: new Uint8Array(512 * 384).fill(1) };
    for (let y = 0; y < 384; y++)
      for (let x = 0; x < 512; x++) if ((x >= 280 && x < 460) || (y > 300 && x < 100)) mask.data[y * 512 + x] = 0;
    for (const [a, b] of [
      [ref, dist],
      [grey(ref), grey(dist)],
    ]) {
      const [g, c, plain] = await Promise.all([gpu.compare(a, b, { mask }), cpu.compare(a, b, { mask }), cpu.compare(a, b)]);
      expect(g.backend).toMatch(/^webgpu/);
      expect(g.masked).toEqual(c.masked);
      expect(Math.abs(g.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
      expect(Math.abs(g.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
      // The band holds the windows, where the distortion is strongest: leaving it out raises the score.
      expect(c.fsim).toBeGreaterThan(plain.fsim);
    }
    const keepAll = { ...mask, data: new Uint8Array(512 * 384).fill(255) };
    const [kept, plain] = await Promise.all([gpu.compare(ref, dist, { mask: keepAll }), gpu.compare(ref, dist)]);
    expect(kept.fsimc).toBe(plain.fsimc);
    expect(kept.masked).toEqual({ ignored: 0, of: 192 * 256 });
  });
});
