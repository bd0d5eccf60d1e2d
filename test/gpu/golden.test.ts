/**
 * Both scores of every golden case on the WebGPU path (Dawn in Node; on machines without a
 * GPU, SwiftShader), |Δ| ≤ 1e-4 (fixtures/README.md). Under WebGPU's default limits, so the
 * path the browser takes is the one tested. No adapter → the suite fails, it never skips.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, type Fsim } from '../../src/node/index.js';
import { alignOf, GPU_TOLERANCE, golden, goldenResize, image } from '../fixtures.js';
import { compareArgsOf, runFsim } from '../helpers/cli.js';

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

describe('WebGPU path against golden_resize.jsonl (images aligned as FSIM_SPEC.md §8 says)', () => {
  let engine: Fsim;
  afterAll(() => engine?.dispose());

  it.each(goldenResize.map((c) => [c.case, c] as const))('API: %s', async (_name, c) => {
    engine ??= await createFsim({ backend: 'gpu', limits: 'default' });
    const [ref, dist] = await Promise.all([decodeFile(image(c.ref)), decodeFile(image(c.dist))]);
    const result = await engine.compare(ref, dist, { scale: c.scale, align: alignOf(c) });
    expect(result.backend).toMatch(/^webgpu \(/);
    expect(result.scale).toBe(c.F);
    expect(result.size).toEqual(c.aligned);
    expect(Math.abs(result.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(result.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });

  it.each(goldenResize.map((c) => [c.case, c] as const))('CLI: %s', (_name, c) => {
    const r = runFsim(compareArgsOf(c, 'gpu'));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toMatch(/^webgpu \(/);
    expect(Math.abs(out.fsim - c.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(out.fsimc - c.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});
