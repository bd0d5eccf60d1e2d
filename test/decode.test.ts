/** Decoding in Node: every format and sample layout the README promises. */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFile, decodeImage } from '../src/node/decode.js';
import { sampleDivisor } from '../src/image.js';
import { image } from './fixtures.js';
import { encodeBmp } from './helpers/bmp.js';
import { png } from './helpers/encode.js';

/** An RGB gradient test card; `smooth` drops the sawtooth blue channel (for lossy codecs). */
function card(width: number, height: number, smooth = false): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      data[p] = (x * 255) / (width - 1);
      data[p + 1] = (y * 255) / (height - 1);
      data[p + 2] = smooth ? ((x + y) * 255) / (width + height - 2) : (x * y) % 256;
    }
  return data;
}

function rgbOf(data: ArrayLike<number>, channels: number, n: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < n; p++) out.push(data[p * channels], data[p * channels + 1], data[p * channels + 2]);
  return out;
}

describe('decoding', () => {
  it('24-bit BMP gives the same pixels as the PNG of the same image', async () => {
    const bmp = await decodeFile(image('I01.bmp'));
    const png = await decodeFile(image('I01_rgba.png'));
    expect([bmp.width, bmp.height]).toEqual([512, 384]);
    expect(png.channels).toBe(3); // its alpha is dropped on decoding
    expect(rgbOf(bmp.data, bmp.channels, 512 * 384)).toEqual(rgbOf(png.data, png.channels, 512 * 384));
  });

  it('8-bit palette BMP', async () => {
    const palette: [number, number, number][] = [
      [0, 0, 0],
      [255, 0, 0],
      [10, 200, 30],
      [7, 7, 7],
    ];
    const indices = Uint8Array.from({ length: 5 * 3 }, (_, i) => i % 4);
    const rgb = Uint8Array.from([...indices].flatMap((k) => palette[k]));
    const img = await decodeImage(encodeBmp({ width: 5, height: 3, rgb }, { bitsPerPixel: 8 }).bytes, 'palette.bmp');
    expect([img.width, img.height]).toEqual([5, 3]);
    expect(rgbOf(img.data, img.channels, 15)).toEqual([...indices].flatMap((k) => palette[k]));
  });

  it('greyscale GIF (first frame of an animation) and greyscale PNG', async () => {
    const gif = await decodeFile(image('goldhill.gif'));
    const png = await decodeFile(image('goldhill.png'));
    expect(png.channels).toBe(1);
    expect(rgbOf(gif.data, gif.channels, 512 * 512).filter((_, i) => i % 3 === 0)).toEqual([...png.data]);
    const frame = (v: number) =>
      sharp({ create: { width: 8, height: 6, channels: 3, background: { r: v, g: v, b: v } } })
        .png()
        .toBuffer();
    const animated = await sharp([await frame(40), await frame(200)], { join: { animated: true } })
      .gif()
      .toBuffer();
    const first = await decodeImage(animated, 'anim.gif');
    expect([first.width, first.height]).toEqual([8, 6]);
    expect(first.data[0]).toBe(40);
  });

  it('JPEG and lossless WebP', async () => {
    const raw = card(40, 30);
    const webp = await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } })
      .webp({ lossless: true })
      .toBuffer();
    const img = await decodeImage(webp, 'card.webp');
    expect(rgbOf(img.data, img.channels, 1200)).toEqual([...raw]);
    const jpeg = await decodeImage(readFileSync(image('app_shoe.jpg')), 'app_shoe.jpg');
    expect([jpeg.width, jpeg.height, jpeg.channels]).toEqual([780, 838, 3]);
  });

  it('16-bit PNG (grey, RGB, RGBA) keeps its 16-bit samples, read as v / 257, alpha dropped', async () => {
    const samples = [0, 257, 4369, 65535, 1000, 30000, 65534, 12345, 54321];
    const grey = await decodeImage(png(3, 3, 0, 16, samples), 'grey16.png');
    expect(grey.channels).toBe(1);
    expect(grey.data).toBeInstanceOf(Uint16Array);
    expect([...grey.data]).toEqual(samples);
    expect(sampleDivisor(grey.data)).toBe(257);
    const rgb = await decodeImage(png(3, 1, 2, 16, samples), 'rgb16.png');
    expect(rgb.channels).toBe(3);
    expect([...rgb.data]).toEqual(samples);
    const rgba = await decodeImage(png(2, 1, 6, 16, [1, 2, 3, 65535, 4, 5, 6, 0]), 'rgba16.png');
    expect([rgba.channels, ...rgba.data]).toEqual([3, 1, 2, 3, 4, 5, 6]);
  });

  it('CMYK JPEG is converted to RGB (through libvips colour management)', async () => {
    // Inside the CMYK gamut (64..191), so profile conversion cannot clip.
    const raw = card(32, 32, true).map((v) => 64 + (v >> 1));
    const cmyk = await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg({ quality: 100 })
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const img = await decodeImage(cmyk, 'card-cmyk.jpg');
    expect(img.channels).toBe(3);
    // Profiles make the round trip inexact; each channel must still track the original closely.
    for (let c = 0; c < 3; c++) {
      const a: number[] = [],
        b: number[] = [];
      for (let p = 0; p < 32 * 32; p++) {
        a.push(img.data[p * 3 + c]);
        b.push(raw[p * 3 + c]);
      }
      expect(correlation(a, b)).toBeGreaterThan(0.98);
    }
  });

  it('grey + alpha keeps the grey channel only; RGBA keeps RGB', async () => {
    const ga = await decodeImage(png(3, 1, 4, 8, [10, 255, 20, 0, 30, 128]), 'ga.png');
    expect(ga.channels).toBe(1);
    expect([...ga.data]).toEqual([10, 20, 30]);
    const rgba = await decodeImage(png(2, 1, 6, 8, [1, 2, 3, 0, 4, 5, 6, 255]), 'rgba.png');
    expect(rgbOf(rgba.data, rgba.channels, 2)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a),
    mb = mean(b);
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
