/**
 * The GPU traffic model (src/gpu/trafficModel.ts) runs the real host code against a recording
 * device: its dispatch counts for the 3640×2400 FSIMc pair must be the ones counted on paper
 * from the code in issue #14 (468 under 16 KiB workgroup storage, 230 under 48 KiB), and its
 * bytes within the paper count's reach (the model counts read-write bindings once).
 */
import { describe, expect, it } from 'vitest';
import { modelTraffic } from '../../src/gpu/trafficModel.js';

describe('GPU traffic model', () => {
  it('counts the dispatches and bytes of a 3640×2400 FSIMc pair as the paper count did', async () => {
    const paper = [
      { storage: 16384, dispatches: 468, bytesPerPixel: 7704 },
      { storage: 49152, dispatches: 230, bytesPerPixel: 3896 },
    ];
    for (const p of paper) {
      const m = await modelTraffic(2400, 3640, p.storage);
      expect(m.dispatches).toBe(p.dispatches);
      expect(m.bytesPerPixel).toBeGreaterThan(0.85 * p.bytesPerPixel);
      expect(m.bytesPerPixel).toBeLessThanOrEqual(p.bytesPerPixel);
      expect(Object.keys(m.stages)).toEqual(['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling']);
      // Phase congruency is where the traffic is.
      expect(m.stages.phaseCongruency.bytes / m.bytes).toBeGreaterThan(0.9);
    }
  });
});
