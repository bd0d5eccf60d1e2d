/**
 * Hostile and unusual input, on both backends: the corpus of test/helpers/hostile.ts (each
 * case with its expected outcome, each bounded in time), a mutation fuzzer over every
 * supported format, and the lossless-twin property: an image and its lossless re-encodings
 * (PNG ↔ BMP ↔ TIFF) decode to the same pixels and score exactly 1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsimError } from '../src/errors.js';
import { createFsim, decodeImage, type Fsim, type RasterImage } from '../src/node/index.js';
import { encodeBmp, type BmpLayout } from './helpers/bmp.js';
import { baseFiles, hostileCorpus, mutate, prng, type HostileCase } from './helpers/hostile.js';
import { png, tiff } from './helpers/encode.js';

/** Every case must end within this (a hang is a failure, not a slow pass). */
const CASE_TIMEOUT = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'fsim-hostile-'));
const corpus = await hostileCorpus(dir);
const files = await baseFiles();

async function outcomeOf(c: HostileCase, engine: Fsim) {
  try {
    return { result: await c.run(engine) };
  } catch (error) {
    return { error };
  }
}

describe.each(['cpu', 'gpu'] as const)('hostile input on the %s backend', (backend) => {
  let engine: Fsim;
  beforeAll(async () => {
    engine = await createFsim({ backend });
  });
  afterAll(() => engine?.dispose());

  it('the corpus has at least 100 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
  });

  it.each(corpus.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { result, error } = await outcomeOf(c, engine);
      if (c.outcome === 'accept') {
        expect(error, String(error)).toBeUndefined();
        if (result) {
          expect(result.fsim).toBe(1);
          expect(result.fsimc).toBe(1);
        }
      } else {
        expect(error, 'expected an error').toBeInstanceOf(FsimError);
        const e = error as FsimError;
        expect(e.code).toBe(c.outcome.code);
        expect(e.message).toMatch(c.outcome.message);
        expect(e.message).not.toMatch(/[\n\r]/);
      }
    },
    CASE_TIMEOUT,
  );

  it('a prepared image and the engine are refused after release() and dispose()', async () => {
    const other = await createFsim({ backend });
    const image: RasterImage = { width: 8, height: 8, channels: 1, data: new Uint8Array(64).map((_, i) => i * 3) };
    const prepared = await other.prepare(image);
    prepared.release();
    await expect(other.compare(prepared, image)).rejects.toSatisfy(
      (e: unknown) => e instanceof FsimError && e.code === 'USAGE' && /after release/.test(e.message),
    );
    await other.dispose();
    await expect(other.compare(image, image)).rejects.toSatisfy(
      (e: unknown) => e instanceof FsimError && e.code === 'USAGE' && /engine was disposed/.test(e.message),
    );
    await expect(other.prepare(image)).rejects.toSatisfy((e: unknown) => e instanceof FsimError && e.code === 'USAGE');
  });

  // Mutated files: every outcome is either a clean input/size error or an image that scores 1 with itself.
  const random = prng(0x5eed);
  const mutants = Object.entries(files).flatMap(([format, bytes]) =>
    Array.from({ length: 6 }, (_, k) => [`${format} mutant ${k}`, mutate(bytes, random)] as const),
  );
  it.each(mutants)(
    'fuzz: %s',
    async (name, bytes) => {
      try {
        const image = await decodeImage(bytes, name);
        const r = await engine.compare(image, image);
        expect(r.fsim).toBe(1);
        expect(r.fsimc).toBe(1);
      } catch (error) {
        expect(error, String(error)).toBeInstanceOf(FsimError);
        expect(['INPUT', 'SIZE']).toContain((error as FsimError).code);
        expect((error as FsimError).message).not.toMatch(/[\n\r]/);
      }
    },
    CASE_TIMEOUT,
  );

  // Lossless twins: PNG, BMP (a random layout that holds 8 bits per channel) and TIFF of one image.
  const twinRandom = prng(0x7a1);
  const layouts: BmpLayout[] = [
    { bitsPerPixel: 24 },
    { bitsPerPixel: 24, topDown: true, gap: 5 },
    { bitsPerPixel: 32 },
    { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff], gap: 17 },
    { bitsPerPixel: 32, masks: [0xff000000, 0xff0000, 0xff00], header: 124 },
  ];
  const twins = Array.from({ length: 8 }, (_, k) => {
    const width = 3 + Math.floor(twinRandom() * 40);
    const height = 3 + Math.floor(twinRandom() * 30);
    const grey = k % 3 === 0;
    const flat = k === 4;
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      const v = flat ? 77 : Math.floor(twinRandom() * 256);
      rgb.set(grey ? [v, v, v] : [v, Math.floor(twinRandom() * 256), (p * 13) % 256], p * 3);
    }
    return [
      `${width}×${height}${grey ? ' grey' : ''}${flat ? ' flat' : ''}`,
      { width, height, rgb, grey, layout: layouts[k % layouts.length] },
    ] as const;
  });
  it.each(twins)(
    'lossless twins score exactly 1: %s',
    async (name, t) => {
      const channels = t.grey ? 1 : 3;
      const samples = t.grey ? t.rgb.filter((_, i) => i % 3 === 0) : t.rgb;
      const encoded = {
        png: png(t.width, t.height, t.grey ? 0 : 2, 8, samples),
        bmp: encodeBmp({ width: t.width, height: t.height, rgb: t.rgb }, t.layout).bytes,
        tiff: t.grey
          ? tiff(t.width, t.height, 1, 8, 1, samples)
          : await sharp(Buffer.from(t.rgb), { raw: { width: t.width, height: t.height, channels: 3 } })
              .tiff({ compression: 'deflate' })
              .toBuffer(),
      };
      const decoded = await Promise.all(Object.entries(encoded).map(([format, bytes]) => decodeImage(bytes, `${name}.${format}`)));
      // Same pixels (BMP has no grey layout: its three channels equal the grey value).
      const rgbOf = (im: RasterImage) =>
        Array.from(
          { length: t.width * t.height * 3 },
          (_, i) => im.data[Math.floor(i / 3) * im.channels + (im.channels === 1 ? 0 : i % 3)],
        );
      for (const image of decoded) expect(rgbOf(image)).toEqual([...t.rgb]);
      expect(decoded[0].channels).toBe(channels);
      for (let a = 0; a < decoded.length; a++) {
        for (let b = a + 1; b < decoded.length; b++) {
          const r = await engine.compare(decoded[a], decoded[b]);
          expect([r.fsim, r.fsimc]).toEqual([1, 1]);
        }
      }
    },
    CASE_TIMEOUT,
  );
});
