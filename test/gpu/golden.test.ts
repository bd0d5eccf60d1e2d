/**
 * Both scores of every golden case on the WebGPU path (Dawn in Node; on machines without a
 * GPU, SwiftShader), |Δ| ≤ 1e-4 (fixtures/README.md). Under WebGPU's default limits, so the
 * path the browser takes is the one tested. No adapter → the suite fails, it never skips.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, type Fsim } from '../../src/node/index.js';
import { GPU_TOLERANCE, golden, image } from '../fixtures.js';

describe('WebGPU path against the reference scores', () => {
  let engine: Fsim;
  afterAll(() => engine?.dispose());

  it.each(golden.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    engine ??= await createFsim({ backend: 'gpu', limits: 'default' });
    const [ref, dist] = await Promise.all([decodeFile(image(c.ref)), decodeFile(image(c.dist))]);
    const result = await engine.compare(ref, dist, { scale: c.scale });
    expect(result.backend).toMatch(/^webgpu \(/);
    expect(result.scale).toBe(c.F);
    expect(result.downsampled).toEqual(c.downsampled);
    expect(Math.abs(result.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(result.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(result.pooling).toBe('phase-congruency');
  });
});
