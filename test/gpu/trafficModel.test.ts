/**
 * The GPU traffic model (src/gpu/trafficModel.ts) runs the real host code against a recording
 * device. For the 3640×2400 FSIMc pair, the per-stage path ('fused-fft') must give the counts
 * made on paper from its code in issue #14 (468 dispatches under 16 KiB workgroup storage, 230
 * under 48 KiB, bytes within the paper count's reach: the model counts read-write bindings
 * once), and the fused path must meet the targets: at most 90 dispatches and 1,300
 * modelled bytes per pixel under 48 KiB, 2,000 under 16 KiB.
 */
import { describe, expect, it } from 'vitest';
import { modelTraffic } from '../../src/gpu/trafficModel.js';

describe('GPU traffic model', () => {
  it('counts the per-stage path of a 3640×2400 FSIMc pair as the paper count did', async () => {
    const paper = [
      { storage: 16384, dispatches: 468, bytesPerPixel: 7704 },
      { storage: 49152, dispatches: 230, bytesPerPixel: 3896 },
    ];
    for (const p of paper) {
      const m = await modelTraffic(2400, 3640, p.storage, 'fused-fft');
      expect(m.dispatches).toBe(p.dispatches);
      expect(m.bytesPerPixel).toBeGreaterThan(0.85 * p.bytesPerPixel);
      expect(m.bytesPerPixel).toBeLessThanOrEqual(p.bytesPerPixel);
      expect(Object.keys(m.stages)).toEqual(['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling']);
      // Phase congruency is where the traffic is.
      expect(m.stages.phaseCongruency.bytes / m.bytes).toBeGreaterThan(0.9);
    }
  });

  it('the fused path meets the targets: ≤ 90 dispatches, ≤ 1,300 B/px at 48 KiB and ≤ 2,000 at 16 KiB', async () => {
    for (const [storage, limit] of [
      [49152, 1300],
      [16384, 2000],
    ]) {
      const m = await modelTraffic(2400, 3640, storage);
      expect(m.kernels).toBe('auto');
      expect(m.dispatches).toBeLessThanOrEqual(90);
      expect(m.bytesPerPixel).toBeLessThanOrEqual(limit);
      // Per image: colour + range, two forward passes, two kernels per orientation, three
      // histogram + select passes, finish, gradient; then the pooling pair.
      expect(m.stages.fft.dispatches).toBe(4);
      expect(m.stages.phaseCongruency.dispatches).toBe(2 * (2 * 4 + 3 * 2 + 1));
      expect(m.path).toBe('fused');
    }
  });

  it("builds a size's filter bank on the GPU once, in its first comparison, never in a warm one", async () => {
    for (const kernels of ['auto', 'fused-fft'] as const) {
      const m = await modelTraffic(1080, 1920, 16384, kernels);
      // Radial, angular, the noise partials (32,512 of them at 1080p), three passes of 64 to
      // one (508, 8, 1), and the finish.
      expect(m.setup.dispatches).toBe(7);
      expect(m.stages.filterBank).toBeUndefined();
    }
  });

  it('the fused path is not chosen where an axis does not fit one workgroup (7680 under 16 KiB)', async () => {
    const m = await modelTraffic(4320, 7680, 16384);
    expect(m.dispatches).toBeGreaterThan(90);
    const fits = await modelTraffic(4320, 7680, 49152);
    expect(fits.dispatches).toBe(42);
  });
});
