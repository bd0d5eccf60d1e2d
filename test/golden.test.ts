/** Both scores of every golden case on the float64 CPU path, |Δ| ≤ 1e-6 (fixtures/README.md). */
import { afterAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, type Fsim } from '../src/node/index.js';
import { CPU_TOLERANCE, golden, image } from './fixtures.js';

describe('CPU path against the reference scores', () => {
  let engine: Fsim;
  afterAll(() => engine?.dispose());

  it.each(golden.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    engine ??= await createFsim({ backend: 'cpu' });
    const [ref, dist] = await Promise.all([decodeFile(image(c.ref)), decodeFile(image(c.dist))]);
    const result = await engine.compare(ref, dist, { scale: c.scale });
    expect(result.scale).toBe(c.F);
    expect(result.size).toEqual(c.size);
    expect(result.downsampled).toEqual(c.downsampled);
    expect(Math.abs(result.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(Math.abs(result.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(result.pooling).toBe('phase-congruency');
    expect(result.backend).toMatch(/^cpu/);
  });
});
