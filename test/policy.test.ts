/** The policies the reference leaves open (FSIM_SPEC.md §6): flat images, grey vs colour, symmetry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, FsimError, type Fsim, type RasterImage } from '../src/node/index.js';
import { image } from './fixtures.js';

let engine: Fsim;
beforeAll(async () => {
  engine = await createFsim({ backend: 'cpu' });
});
afterAll(() => engine.dispose());

function greyOf(rgb: RasterImage): RasterImage {
  const n = rgb.width * rgb.height;
  const data = new Uint8Array(n);
  for (let p = 0; p < n; p++)
    data[p] = Math.round(
      0.299 * rgb.data[p * rgb.channels] + 0.587 * rgb.data[p * rgb.channels + 1] + 0.114 * rgb.data[p * rgb.channels + 2],
    );
  return { width: rgb.width, height: rgb.height, channels: 1, data };
}

describe('flat images (the reference returns NaN)', () => {
  it('identical flat images score 1, pooled uniformly', async () => {
    const flat = await decodeFile(image('flat128.png'));
    const r = await engine.compare(flat, flat);
    expect(r.fsim).toBe(1);
    expect(r.fsimc).toBe(1);
    expect(r.pooling).toBe('uniform');
  });

  it('two different flat images get a finite score below 1 from their gradients', async () => {
    const r = await engine.compare(await decodeFile(image('flat128.png')), await decodeFile(image('flat30.png')));
    expect(Number.isFinite(r.fsim)).toBe(true);
    expect(r.fsim).toBeGreaterThan(0);
    expect(r.fsim).toBeLessThan(1);
    expect(r.pooling).toBe('uniform');
  });

  it("a flat image against a textured one pools by the textured image's congruency", async () => {
    const flat = await decodeFile(image('flat128.png'));
    const textured = await decodeFile(image('goldhill.png'));
    const crop: RasterImage = {
      width: flat.width,
      height: flat.height,
      channels: 1,
      data: new Uint8Array(flat.width * flat.height).map((_, p) => textured.data[Math.floor(p / flat.width) * 512 + (p % flat.width)]),
    };
    const r = await engine.compare(flat, crop);
    expect(r.pooling).toBe('phase-congruency');
    expect(Number.isFinite(r.fsim)).toBe(true);
    expect(r.fsim).toBeLessThan(0.9);
  });
});

describe('greyscale and colour', () => {
  it('an RGB image with equal channels is greyscale: FSIMc = FSIM, same as the grey file', async () => {
    const gif = await decodeFile(image('goldhill.gif'));
    expect(gif.channels).toBeGreaterThanOrEqual(3);
    const r = await engine.compare(gif, await decodeFile(image('goldhill_jpeg.gif')));
    const p = await engine.compare(await decodeFile(image('goldhill.png')), await decodeFile(image('goldhill_jpeg.png')));
    expect(r.colour).toBe(false);
    expect(r.fsimc).toBe(r.fsim);
    expect(r.fsim).toBe(p.fsim);
  });

  it('colour against its greyscale version: chroma is zero on the grey side, so FSIMc < FSIM', async () => {
    const rgb = await decodeFile(image('I01.bmp'));
    const r = await engine.compare(rgb, greyOf(rgb));
    expect(r.colour).toBe(true);
    expect(r.fsim).toBeGreaterThan(0.99);
    expect(r.fsimc).toBeLessThan(r.fsim);
  });

  it('is symmetric', async () => {
    const a = await decodeFile(image('I03.bmp'));
    const b = await decodeFile(image('I03_dist.bmp'));
    const ab = await engine.compare(a, b);
    const ba = await engine.compare(b, a);
    expect(ab.fsim).toBeCloseTo(ba.fsim, 14);
    expect(ab.fsimc).toBeCloseTo(ba.fsimc, 14);
  });
});

describe('API checks', () => {
  it('prepared images are reused and give the same scores', async () => {
    const ref = await engine.prepare(await decodeFile(image('I01.bmp')));
    const direct = await engine.compare(await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp')));
    const reused = await engine.compare(ref, await decodeFile(image('I01_dist.bmp')));
    expect(reused.fsim).toBe(direct.fsim);
    expect(reused.fsimc).toBe(direct.fsimc);
  });

  it('maps come back as Float32Arrays of the downsampled size', async () => {
    const r = await engine.compare(await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp')), { maps: true });
    for (const map of Object.values(r.maps!)) {
      expect(map).toBeInstanceOf(Float32Array);
      expect(map.length).toBe(192 * 256);
    }
  });

  it('rejects non-finite samples, bad sizes and bad options with FsimError', async () => {
    const nan: RasterImage = { width: 4, height: 4, channels: 1, data: new Float64Array(16).fill(NaN) };
    await expect(engine.compare(nan, nan)).rejects.toThrow(FsimError);
    const a: RasterImage = { width: 4, height: 4, channels: 1, data: new Uint8Array(16) };
    const b: RasterImage = { width: 5, height: 4, channels: 1, data: new Uint8Array(20) };
    await expect(engine.compare(a, b)).rejects.toThrow(/differs/);
    await expect(engine.compare(a, a, { threshold: Number.NaN })).rejects.toThrow(/threshold/);
    await expect(engine.compare(a, a, { scale: 0 })).rejects.toThrow(/scale/);
  });
});
