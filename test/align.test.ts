/**
 * Size alignment (FSIM_SPEC.md §8): the resampling coefficients against a direct evaluation
 * of the section's integrals, the cover crop, the option's checks, and every case of
 * golden_resize.jsonl through the API and the CLI on the CPU path.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignImage, axisWeights, coverCrop } from '../src/align.js';
import { createFsim, decodeFile, FsimError, rankFiles, type Fsim, type RasterImage } from '../src/node/index.js';
import { alignOf, CPU_TOLERANCE, goldenResize, image } from './fixtures.js';
import { compareArgsOf, countPrepares, runFsim } from './helpers/cli.js';
import { prng } from './helpers/hostile.js';

/**
 * The weight of source sample i in output j, straight from §8. Shrinking: the length of
 * [i, i+1) ∩ [j·s, (j+1)·s) over s, measured in units of 1/nOut, where every bound is a whole
 * number (so the overlap is exact). Enlarging: linear interpolation at x = (j + 0.5)·s − 0.5,
 * clamped to [0, nIn − 1].
 */
function directWeight(nIn: number, nOut: number, j: number, i: number): number {
  if (nIn > nOut) {
    const overlap = Math.min((i + 1) * nOut, (j + 1) * nIn) - Math.max(i * nOut, j * nIn);
    return Math.max(0, overlap) / nIn;
  }
  const x = Math.min(nIn - 1, Math.max(0, (j + 0.5) * (nIn / nOut) - 0.5));
  return Math.max(0, 1 - Math.abs(x - i));
}

function apply(nIn: number, nOut: number, v: Float64Array): Float64Array {
  const { offsets, index, weights } = axisWeights(nIn, nOut);
  const out = new Float64Array(nOut);
  for (let j = 0; j < nOut; j++) for (let k = offsets[j]; k < offsets[j + 1]; k++) out[j] += weights[k] * v[index[k]];
  return out;
}

describe('resampling coefficients', () => {
  const random = prng(0x5a11);
  it.each([
    [1200, 333],
    [7, 3],
    [3, 7],
    [17, 384],
    [383, 511],
    [900, 187],
    [512, 512],
    [5, 5],
    [2, 9],
    [1000, 999],
  ])('%i → %i: coefficients match §8 at 1e-12', (nIn, nOut) => {
    const { offsets, index, weights } = axisWeights(nIn, nOut);
    for (let j = 0; j < nOut; j++) {
      const dense = new Float64Array(nIn);
      for (let k = offsets[j]; k < offsets[j + 1]; k++) dense[index[k]] += weights[k];
      for (let i = 0; i < nIn; i++) expect(Math.abs(dense[i] - directWeight(nIn, nOut, j, i))).toBeLessThanOrEqual(1e-12);
    }
    // And applied to data: the same outputs as the direct weights.
    const v = Float64Array.from({ length: nIn }, () => random() * 255);
    const got = apply(nIn, nOut, v);
    for (let j = 0; j < nOut; j++) {
      let want = 0;
      for (let i = 0; i < nIn; i++) want += directWeight(nIn, nOut, j, i) * v[i];
      expect(Math.abs(got[j] - want)).toBeLessThanOrEqual(1e-12 * 255);
    }
  });

  it('each output is a convex combination: weights positive and summing to 1', () => {
    for (const [nIn, nOut] of [
      [1200, 333],
      [7, 3],
      [3, 7],
      [17, 384],
    ]) {
      const { offsets, weights } = axisWeights(nIn, nOut);
      for (let j = 0; j < nOut; j++) {
        let sum = 0;
        for (let k = offsets[j]; k < offsets[j + 1]; k++) {
          expect(weights[k]).toBeGreaterThan(0);
          sum += weights[k];
        }
        expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-13); // the interval bounds j·s carry the rounding of nIn / nOut
      }
    }
  });

  it('equal sizes are the identity, exactly', () => {
    const v = Float64Array.from({ length: 9 }, (_, i) => i * 27.5);
    expect([...apply(9, 9, v)]).toEqual([...v]);
  });
});

describe('alignment of an image', () => {
  it('cover keeps the centred crop of the target aspect ratio, as §8 rounds it', () => {
    expect(coverCrop(900, 1200, [187, 333])).toEqual([113, 0, 674, 1200]); // 1200·187/333 = 673.9 → 674
    expect(coverCrop(640, 1000, [384, 512])).toEqual([0, 73, 640, 853]);
    expect(coverCrop(384, 512, [512, 512])).toEqual([0, 64, 384, 384]);
    expect(coverCrop(384, 512, [768, 1024])).toEqual([0, 0, 384, 512]);
  });

  it('an image of the target size comes back untouched; others are float64 in [0, 255], alpha dropped', () => {
    const rgba: RasterImage = { width: 5, height: 4, channels: 4, data: new Uint8Array(80).map((_, i) => (i * 53) % 256) };
    expect(alignImage(rgba, [4, 5], 'cover').image).toBe(rgba);
    expect(alignImage(rgba, [4, 5], 'cover').resized).toBeUndefined();
    const { image: out, resized } = alignImage(rgba, [9, 3], 'stretch');
    expect([out.width, out.height, out.channels]).toEqual([3, 9, 3]);
    expect(out.data).toBeInstanceOf(Float64Array);
    for (const v of out.data) expect(v >= 0 && v <= 255).toBe(true);
    expect(resized).toEqual({ mode: 'stretch', from: [4, 5], to: [9, 3] });
  });

  it('16-bit samples are resampled on the 0..255 scale, like their 8-bit values', () => {
    const eight: RasterImage = { width: 6, height: 5, channels: 1, data: new Uint8Array(30).map((_, i) => (i * 41) % 256) };
    const sixteen: RasterImage = { ...eight, data: Uint16Array.from(eight.data, (v) => v * 257) };
    const [a, b] = [alignImage(sixteen, [4, 11], 'cover').image.data, alignImage(eight, [4, 11], 'cover').image.data];
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-12); // v·(w/257) against (v/257)·w
  });
});

describe('the align option', () => {
  let engine: Fsim;
  beforeAll(async () => {
    engine = await createFsim({ backend: 'cpu' });
  });
  afterAll(() => engine.dispose());
  const a: RasterImage = { width: 20, height: 10, channels: 1, data: new Uint8Array(200).map((_, i) => (i * 7) % 256) };
  const b: RasterImage = { width: 30, height: 12, channels: 1, data: new Uint8Array(360).map((_, i) => (i * 11) % 256) };

  it('without it, different sizes are a SIZE_MISMATCH error that names the option compare takes', async () => {
    await expect(engine.compare(a, b)).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FsimError &&
        e.code === 'SIZE_MISMATCH' &&
        /differs from the reference 20×10 \(to compare them anyway, align them: option resize 'cover' or 'stretch'/.test(e.message),
    );
    // …and the option it names is one compare takes.
    expect((await engine.compare(a, b, { resize: 'cover' })).resized?.distorted?.to).toEqual([10, 20]);
  });

  it.each([
    [{ mode: 'squash' }, /align.mode must be stretch or cover, got 'squash'/],
    [{ mode: 'cover', size: [2, 9] }, /align.size 2×9 \(rows×cols\) is under the 3×3 minimum/],
    [{ mode: 'cover', size: [9000, 9000] }, /exceeds the 67108864-pixel limit/],
    [{ mode: 'cover', size: [9, 9.5] }, /align.size must be \[rows, cols\] of whole numbers/],
    [{ mode: 'cover', size: '9x9' }, /align.size must be \[rows, cols\]/],
    [{ mode: 'cover', width: 9 }, /unknown align option 'width'/],
    ['cover', /align options must be an object/],
  ])('bad align %j is a USAGE error', async (align, message) => {
    await expect(engine.compare(a, b, { align } as never)).rejects.toSatisfy(
      (e: unknown) => e instanceof FsimError && e.code === 'USAGE' && message.test(e.message),
    );
  });

  it('says what was resampled, and reports the alignment time', async () => {
    const r = await engine.compare(a, b, { align: { mode: 'stretch' } });
    expect(r.size).toEqual([10, 20]);
    expect(r.resized).toEqual({ distorted: { mode: 'stretch', from: [12, 30], to: [10, 20] } });
    expect(r.timings.align).toBeGreaterThanOrEqual(0);
    const both = await engine.compare(a, b, { align: { mode: 'cover', size: [8, 8] } });
    expect(both.resized).toEqual({
      reference: { mode: 'cover', from: [10, 20], to: [8, 8], crop: [0, 5, 10, 10] },
      distorted: { mode: 'cover', from: [12, 30], to: [8, 8], crop: [0, 9, 12, 12] },
    });
    const same = await engine.compare(a, a, { align: { mode: 'cover' } });
    expect(same.resized).toEqual({});
  });

  it('a prepared reference aligned to a size is used as is; one of another size is refused', async () => {
    const prepared = await engine.prepare(a, { align: { mode: 'cover', size: [8, 8] } });
    expect(prepared.size).toEqual([8, 8]);
    const r = await engine.compare(prepared, b, { align: { mode: 'cover', size: [8, 8] } });
    expect(r.resized?.reference).toEqual({ mode: 'cover', from: [10, 20], to: [8, 8], crop: [0, 5, 10, 10] });
    await expect(engine.compare(prepared, b, { align: { mode: 'cover', size: [9, 9] } })).rejects.toThrow(
      /prepared reference image is 8×8, not the alignment target 9×9/,
    );
    prepared.release();
  });
});

describe('golden_resize.jsonl on the CPU path', () => {
  let engine: Fsim;
  beforeAll(async () => {
    engine = await createFsim({ backend: 'cpu' });
  });
  afterAll(() => engine.dispose());

  it.each(goldenResize.map((c) => [c.case, c] as const))('API: %s', async (_name, c) => {
    const r = await engine.compare(await decodeFile(image(c.ref)), await decodeFile(image(c.dist)), { align: alignOf(c), scale: c.scale });
    expect(r.scale).toBe(c.F);
    expect(r.size).toEqual(c.aligned);
    expect(Math.abs(r.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(Math.abs(r.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
  });

  it.each(goldenResize.map((c) => [c.case, c] as const))('CLI: %s', (_name, c) => {
    const r = runFsim(compareArgsOf(c, 'cpu'));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.size).toEqual(c.aligned);
    expect(Math.abs(out.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(Math.abs(out.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
    if (c.dist_size.join() !== c.aligned.join())
      expect(out.resized.distorted).toMatchObject({ mode: c.resize, from: c.dist_size, to: c.aligned });
  });
});

describe('ranking images of mixed sizes', () => {
  it('fsim rank --resize cover ranks a folder of every size, the reference prepared once; bad candidates still land in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsim-align-rank-'));
    mkdirSync(join(dir, 'photos'));
    for (const f of ['I01_dist.bmp', 'I01_dist_640x1000.png', 'I01_tiny17x23.png', 'I03.bmp', 'app_printer2.jpg', 'goldhill.png'])
      copyFileSync(image(f), join(dir, 'photos', f));
    writeFileSync(join(dir, 'photos', 'broken.png'), 'not a png');
    const engine = await createFsim({ backend: 'cpu' });
    const prepares = countPrepares(engine);
    try {
      const r = await rankFiles(image('I01.bmp'), [join(dir, 'photos')], engine, { align: { mode: 'cover' } });
      expect(r.results).toHaveLength(6);
      expect(r.results[0].file).toMatch(/I01_dist\.bmp$/);
      expect(r.results[0].resized).toBeUndefined();
      expect(r.results.find((e) => e.file.endsWith('app_printer2.jpg'))!.resized).toEqual({
        mode: 'cover',
        from: [900, 1200],
        to: [384, 512],
      });
      expect(r.errors.map((e) => e.file.split('/').pop())).toEqual(['broken.png']);
      expect(r.referencePrepared).toBe(1);
      expect(prepares()).toBe(1 + 6); // the reference once, each scored candidate once
    } finally {
      await engine.dispose();
    }
    const cli = runFsim(['rank', image('I01.bmp'), join(dir, 'photos'), '--resize', 'cover', '--backend', 'cpu', '--json']);
    expect(cli.status).toBe(1); // broken.png
    const out = JSON.parse(cli.stdout);
    expect(out.results).toHaveLength(6);
    expect(out.results.find((e: { file: string }) => e.file.endsWith('I01_tiny17x23.png')).resized).toEqual({
      mode: 'cover',
      from: [17, 23],
      to: [384, 512],
    });
  });
});
