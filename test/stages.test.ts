/** Each stage of the CPU path against the reference's intermediate maps (fixtures/maps). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuPrepared } from '../src/cpu/backend.js';
import { chromaChunk } from '../src/cpu/chroma.js';
import { toYiq } from '../src/cpu/colour.js';
import { boxMeans } from '../src/cpu/downsample.js';
import { createFsim, decodeFile, type Fsim } from '../src/node/index.js';
import { image, maxAbsDiff, referenceMap } from './fixtures.js';

let engine: Fsim;
beforeAll(async () => {
  engine = await createFsim({ backend: 'cpu' });
});
afterAll(() => engine.dispose());

async function prepared(file: string, scale: 'auto' | number = 'auto'): Promise<CpuPrepared> {
  const p = await engine.prepare(await decodeFile(image(file)), { scale });
  expect(p).toBeInstanceOf(CpuPrepared);
  return p as CpuPrepared;
}

describe('I01 pair at F = 2 (192×256)', () => {
  let ref: CpuPrepared, dist: CpuPrepared;
  beforeAll(async () => {
    [ref, dist] = await Promise.all([prepared('I01.bmp'), prepared('I01_dist.bmp')]);
  });

  it('downsampled Y, I, Q', async () => {
    expect(ref.downsampled).toEqual([192, 256]);
    // Y is not kept once the maps are made: from the same two stages the backend runs.
    const luminance = async (file: string) => toYiq(boxMeans(await decodeFile(image(file)), 2, 3), false).y;
    expect(maxAbsDiff(await luminance('I01.bmp'), referenceMap('I01_Y1.f64'))).toBeLessThan(1e-11);
    expect(maxAbsDiff(await luminance('I01_dist.bmp'), referenceMap('I01_Y2.f64'))).toBeLessThan(1e-11);
    const chroma = ref.chroma;
    if (!chroma || !('i' in chroma)) throw new Error('expected chroma planes at F = 2');
    expect(maxAbsDiff(chroma.i, referenceMap('I01_I1.f64'))).toBeLessThan(1e-11);
    expect(maxAbsDiff(chroma.q, referenceMap('I01_Q1.f64'))).toBeLessThan(1e-11);
  });

  it('phase congruency', () => {
    expect(maxAbsDiff(ref.pc, referenceMap('I01_PC1.f64'))).toBeLessThan(1e-9);
    expect(maxAbsDiff(dist.pc, referenceMap('I01_PC2.f64'))).toBeLessThan(1e-9);
  });

  it('gradient magnitude', () => {
    expect(maxAbsDiff(ref.gm, referenceMap('I01_GM1.f64'))).toBeLessThan(1e-10);
    expect(maxAbsDiff(dist.gm, referenceMap('I01_GM2.f64'))).toBeLessThan(1e-10);
  });
});

describe('I01 at F = 1: chroma read from the samples', () => {
  it('converts each pooling chunk to the planes toYiq gives, bit for bit', async () => {
    const raster = await decodeFile(image('I01.bmp'));
    const p = await prepared('I01.bmp', 1);
    const chroma = p.chroma;
    if (!chroma || !('samples' in chroma)) throw new Error('expected chroma samples at F = 1');
    expect(chroma.samples.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const planes = toYiq(boxMeans(raster, 1, 3), false);
    const n = raster.width * raster.height;
    const i = new Float64Array(n),
      q = new Float64Array(n);
    chromaChunk(chroma.samples, 0, n, i, q);
    expect(i).toEqual(planes.i);
    expect(q).toEqual(planes.q);
    expect(planes.i!.some((v) => v !== 0)).toBe(true);
  });
});

describe('goldhill crop 300×401 at F = 1 (odd width)', () => {
  it('phase congruency and gradient magnitude', async () => {
    const p = await prepared('goldhill_crop300x401.png');
    expect(p.downsampled).toEqual([300, 401]);
    expect(maxAbsDiff(p.pc, referenceMap('goldhill_crop300x401_PC1.f64'))).toBeLessThan(1e-9);
    expect(maxAbsDiff(p.gm, referenceMap('goldhill_crop300x401_GM1.f64'))).toBeLessThan(1e-10);
  });
});
