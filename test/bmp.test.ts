/**
 * BMP decoding against the pixels each file was made from: every header variant, bit depth,
 * mask set, palette size, row order and pixel-data offset the format allows, and the layouts
 * it refuses with a clear message. (test/browser/decode.test.ts decodes the same files with
 * Chromium's own decoder and checks that the two agree.)
 */
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../src/node/decode.js';
import { FsimError } from '../src/errors.js';
import { bmpVariants, testCard } from './helpers/bmpVariants.js';
import { encodeBmp, type BmpLayout } from './helpers/bmp.js';

describe('BMP layouts decode to the pixels they were made from', () => {
  it.each(bmpVariants.map((v) => [v.name, v] as const))('%s', async (_name, variant) => {
    const { bytes, expected } = encodeBmp(variant.image, variant.layout);
    const decoded = await decodeImage(bytes, `${variant.name}.bmp`);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([variant.image.width, variant.image.height, 3]);
    expect(Buffer.from(decoded.data as Uint8Array).equals(Buffer.from(expected))).toBe(true);
  });

  it('the expected pixels are the source pixels wherever the layout holds 8 bits per channel', () => {
    const image = testCard(7, 5);
    const layouts: BmpLayout[] = [
      { bitsPerPixel: 24 },
      { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] },
      { bitsPerPixel: 32, masks: [0xff, 0xff00, 0xff0000] },
    ];
    for (const layout of layouts) expect(encodeBmp(image, layout).expected).toEqual(image.rgb);
  });
});

function refused(bytes: Uint8Array, pattern: RegExp) {
  return expect(decodeImage(bytes, 'bad.bmp')).rejects.toSatisfy(
    (e: unknown) => e instanceof FsimError && e.code === 'INPUT' && pattern.test(e.message),
  );
}

describe('BMP layouts that cannot be decoded exactly are refused', () => {
  const card = testCard(6, 4);
  const base = () => encodeBmp(card, { bitsPerPixel: 24 }).bytes;
  const patch = (bytes: Uint8Array, at: number, value: number, size: 2 | 4 = 4) => {
    const view = new DataView(bytes.buffer);
    if (size === 4) view.setUint32(at, value, true);
    else view.setUint16(at, value, true);
    return bytes;
  };

  it('RLE8, RLE4, JPEG and PNG compression', async () => {
    for (const [type, name] of [
      [1, 'RLE8'],
      [2, 'RLE4'],
      [4, 'JPEG'],
      [5, 'PNG'],
    ] as const) {
      await refused(patch(base(), 30, type), new RegExp(`${name}-compressed BMP is not supported`));
    }
    await refused(patch(base(), 30, 11), /unknown BMP compression type 11/);
  });

  it('masks wider than 8 bits, non-contiguous or empty', async () => {
    const patchMasks = (masks: [number, number, number]) => {
      const bytes = encodeBmp(testCard(4, 3), { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] }).bytes;
      masks.forEach((m, k) => {
        patch(bytes, 54 + 4 * k, m);
      });
      return bytes;
    };
    await refused(patchMasks([0x3ff00000, 0xffc00, 0x3ff]), /mask has 10 bits; masks wider than 8 bits/);
    await refused(patchMasks([0xf0f000, 0xff00, 0xff]), /red mask 0xf0f000 is not contiguous/);
    await refused(patchMasks([0xff0000, 0, 0xff]), /green mask is empty/);
  });

  it('unknown header sizes, depths and impossible dimensions', async () => {
    await refused(patch(base(), 14, 64), /unsupported BMP header of 64 bytes/);
    await refused(patch(base(), 28, 7, 2), /unsupported BMP bit depth 7/);
    await refused(patch(base(), 18, 0), /invalid BMP dimensions 0×4/);
    await refused(patch(base(), 18, -6 >>> 0), /invalid BMP dimensions -6×4/);
    await refused(patch(base(), 22, 0), /invalid BMP dimensions 6×0/);
  });

  it('a pixel offset inside the headers, past the end, or data cut short', async () => {
    await refused(patch(base(), 10, 20), /pixel data offset 20 points into its headers/);
    await refused(patch(base(), 10, 5000), /truncated BMP/);
    const bytes = base();
    await refused(bytes.subarray(0, bytes.length - 30), /truncated BMP/);
    await refused(bytes.subarray(0, 20), /truncated BMP/);
    await refused(bytes.subarray(0, 40), /truncated BMP/);
    // Without the last row's padding, as browsers refuse it too (test/browser/decode.test.ts).
    await refused(encodeBmp(card, { bitsPerPixel: 24, trimLastRow: true }).bytes, /truncated BMP/);
  });

  it('palette indices past the palette, and a palette with more colours than the depth allows', async () => {
    const grey = { width: 4, height: 3, rgb: new Uint8Array(36).map((_, i) => (Math.floor(i / 3) % 3) * 100) };
    const { bytes } = encodeBmp(grey, { bitsPerPixel: 8, colorsUsed: 3 });
    patch(bytes, 46, 2); // now only two colours; index 2 is used
    // The file is unchanged otherwise: the third entry now reads as a gap before the pixels.
    await refused(bytes, /uses palette index 2 of a 2-colour palette/);
    await refused(patch(encodeBmp(grey, { bitsPerPixel: 4 }).bytes, 46, 17), /declares 17 palette colours for 4-bit pixels/);
  });
});
