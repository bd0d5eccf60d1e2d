/**
 * The built-in PNG decoder (src/node/png.ts) against libvips, the decoder it stands in for:
 * every colour type and bit depth, every scanline filter, Adam7, split IDATs, tRNS and gAMA,
 * the fixtures' PNGs and what sharp itself writes — identical pixels, channels and sample
 * type — and a one-line refusal for what is malformed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FsimError } from '../src/errors.js';
import type { RasterImage } from '../src/image.js';
import { decodeImage, decodeWithSharp } from '../src/node/decode.js';
import { decodePng, MAX_INFLATED_BYTES } from '../src/node/png.js';
import { FIXTURE_IMAGES } from '../scripts/fixtures.js';
import { type PngLayout, pngFile } from './helpers/encode.js';

/** A small deterministic generator (xorshift32), so failures reproduce. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

async function expectSamePixels(bytes: Uint8Array, name: string): Promise<RasterImage> {
  const ours = decodePng(bytes, name);
  const theirs = await decodeWithSharp(bytes, 'png', name);
  expect(ours).not.toBeNull();
  const { width, height, channels, data } = ours!;
  expect([width, height, channels]).toEqual([theirs.width, theirs.height, theirs.channels]);
  expect(data.constructor).toBe(theirs.data.constructor);
  expect(
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(
      Buffer.from(theirs.data.buffer, theirs.data.byteOffset, theirs.data.byteLength),
    ),
  ).toBe(true);
  return ours!;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const DEPTHS = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] } as const;

function layout(
  colourType: PngLayout['colourType'],
  bitDepth: PngLayout['bitDepth'],
  width: number,
  height: number,
  seed: number,
): PngLayout {
  const next = random(seed);
  const entries = colourType === 3 ? Math.min(2 ** bitDepth, 5 + (seed % 7)) : 0;
  const max = colourType === 3 ? entries - 1 : 2 ** bitDepth - 1;
  const samples = Array.from({ length: width * height * CHANNELS[colourType] }, () => Math.floor(next() * (max + 1)));
  const palette = colourType === 3 ? Array.from({ length: entries * 3 }, () => Math.floor(next() * 256)) : undefined;
  return { width, height, colourType, bitDepth, samples, palette };
}

describe('built-in PNG decoder gives libvips’ pixels', () => {
  const cases: [string, PngLayout][] = [];
  let seed = 1;
  for (const colourType of [0, 2, 3, 4, 6] as const) {
    for (const bitDepth of DEPTHS[colourType]) {
      for (const interlaced of [false, true]) {
        for (const [width, height] of [
          [13, 9],
          [1, 1],
          [33, 3],
        ]) {
          const base = layout(colourType, bitDepth as PngLayout['bitDepth'], width, height, seed++);
          cases.push([
            `type ${colourType}, ${bitDepth}-bit, ${width}×${height}${interlaced ? ', Adam7' : ''}`,
            { ...base, interlaced, filters: [0, 1, 2, 3, 4], idatBytes: seed % 2 ? 7 : undefined },
          ]);
        }
      }
    }
  }
  it.each(cases)('%s', async (name, spec) => {
    await expectSamePixels(pngFile(spec), name);
  });

  it('ignores tRNS, gAMA and other ancillary chunks (samples as stored)', async () => {
    const grey = layout(0, 8, 9, 7, 99);
    await expectSamePixels(pngFile({ ...grey, transparency: [0, 17] }), 'grey tRNS');
    const palette = layout(3, 8, 9, 7, 98);
    await expectSamePixels(pngFile({ ...palette, transparency: [0, 128, 255] }), 'palette tRNS');
    const gamma = new Uint8Array([0, 0, 0xaf, 0xc8]); // gAMA 0.45
    await expectSamePixels(pngFile({ ...layout(2, 8, 9, 7, 97), ancillary: [['gAMA', gamma]] }), 'gAMA');
  });

  it('decodes every PNG of the fixtures as libvips does', async () => {
    const dir = FIXTURE_IMAGES;
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) await expectSamePixels(readFileSync(join(dir, file)), file);
  });

  it('decodes what sharp writes: palette, interlaced, 16-bit, every filter heuristic', async () => {
    const next = random(7);
    const rgba = Buffer.from(Array.from({ length: 41 * 23 * 4 }, () => Math.floor(next() * 256)));
    const raw = { raw: { width: 41, height: 23, channels: 4 as const } };
    const outputs = [
      await sharp(rgba, raw).png({ palette: true, colours: 12, dither: 0 }).toBuffer(),
      await sharp(rgba, raw).png({ progressive: true }).toBuffer(),
      await sharp(rgba, raw).png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer(),
      await sharp(rgba, raw).toColourspace('rgb16').png().toBuffer(),
      await sharp(rgba, raw).greyscale().png({ progressive: true }).toBuffer(),
    ];
    for (const [k, bytes] of outputs.entries()) await expectSamePixels(bytes, `sharp output ${k}`);
  });
});

describe('built-in PNG decoder refuses malformed files in one line', () => {
  const good = pngFile({ ...layout(2, 8, 8, 6, 5), filters: [1] });
  const refusal = (bytes: Uint8Array): string => {
    try {
      decodePng(bytes, 'f.png');
    } catch (error) {
      expect(error).toBeInstanceOf(FsimError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      return message;
    }
    throw new Error('decoded without complaint');
  };
  /** The offset of a chunk's length field. */
  const chunkAt = (bytes: Uint8Array, type: string) => Buffer.from(bytes).indexOf(type) - 4;

  it('a bad CRC', () => {
    const bytes = Uint8Array.from(good);
    bytes[chunkAt(bytes, 'IDAT') + 10] ^= 1;
    expect(refusal(bytes)).toMatch(/bad CRC in the IDAT chunk/);
  });
  it('a file cut short, anywhere', () => {
    for (const end of [20, 40, good.length - 13, good.length - 1]) expect(refusal(good.subarray(0, end))).toMatch(/PNG/);
  });
  it('an unknown scanline filter', () => {
    expect(refusal(pngFile({ ...layout(0, 8, 4, 4, 3), filters: [5] }))).toMatch(/unknown scanline filter 5/);
  });
  it('a palette index past the palette', () => {
    const spec = layout(3, 8, 4, 4, 3);
    expect(refusal(pngFile({ ...spec, samples: spec.samples.length ? [...Array.from(spec.samples).slice(1), 200] : [] }))).toMatch(
      /palette index 200 past/,
    );
  });
  it('a palette image without a palette, a bad depth, a second IHDR', () => {
    expect(refusal(pngFile({ ...layout(3, 8, 4, 4, 3), palette: undefined }))).toMatch(/without a PLTE/);
    const depth = Uint8Array.from(good);
    depth[24] = 3;
    expect(refusal(depth)).toMatch(/cannot read the PNG header/);
  });
  it('less image data than the header declares', () => {
    const spec = layout(0, 8, 6, 6, 4);
    const short = pngFile({ ...spec, height: 5, samples: Array.from(spec.samples).slice(0, 30) });
    const claim = Uint8Array.from(short);
    // Claim 6 rows in the IHDR, fixing its CRC.
    const tall = pngFile({ ...spec });
    claim.set(tall.subarray(8, 33), 8);
    expect(refusal(claim)).toMatch(/image data ends after 35 of 42 bytes/);
  });
});

describe('where the built-in decoder is used', () => {
  it('declines only what exceeds its inflated-size limit, which libvips then decodes', async () => {
    // 2400×2400 grey: 5.8 MB inflated, decoded here; RGB: 17.3 MB, over the limit.
    const width = 2400;
    const grey = pngFile({ width, height: width, colourType: 0, bitDepth: 8, samples: new Uint8Array(width * width) });
    expect(decodePng(grey, 'grey')).not.toBeNull();
    const rgb = pngFile({ width, height: width, colourType: 2, bitDepth: 8, samples: new Uint8Array(width * width * 3).fill(9) });
    expect(width * width * 3).toBeGreaterThan(MAX_INFLATED_BYTES);
    expect(decodePng(rgb, 'rgb')).toBeNull();
    const image = await decodeImage(rgb, 'rgb');
    expect([image.width, image.height, image.channels, image.data[12345]]).toEqual([width, width, 3, 9]);
  });

  it('a command that reads only PNGs never loads sharp', () => {
    const script = `
      const { decodeFile } = await import(${JSON.stringify(new URL('../src/node/decode.ts', import.meta.url).href)});
      await decodeFile(process.argv.at(-1));
      // sharp's native part (and libvips) show among the process's shared objects once loaded.
      const loaded = process.report.getReport().sharedObjects.filter((path) => /sharp|vips/.test(path));
      console.log(JSON.stringify(loaded));`;
    const run = (file: string) =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], { encoding: 'utf8' }));
    expect(run(join(FIXTURE_IMAGES, 'goldhill.png'))).toEqual([]);
    // The check sees sharp where it is loaded: a JPEG needs it.
    expect(run(join(FIXTURE_IMAGES, 'app_shoe.jpg')).length).toBeGreaterThan(0);
  });
});
