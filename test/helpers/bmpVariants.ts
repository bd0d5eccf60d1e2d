/** The BMP layouts the decoder must read, shared by the Node and the browser decode tests. */
import type { BmpImage, BmpLayout } from './bmp.js';

/** An RGB card with gradients and a sawtooth: every channel and position differs. */
export function testCard(width: number, height: number): BmpImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      rgb[p] = Math.round((x * 255) / Math.max(1, width - 1));
      rgb[p + 1] = Math.round((y * 255) / Math.max(1, height - 1));
      rgb[p + 2] = (x * 37 + y * 91) % 256;
    }
  return { width, height, rgb };
}

/** A card of at most `colours` distinct colours (for palette layouts). */
export function paletteCard(width: number, height: number, colours: number): BmpImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const k = (p * 7 + Math.floor(p / width)) % colours;
    rgb.set([(k * 73) % 256, (k * 151 + 40) % 256, (k * 29 + 200) % 256], p * 3);
  }
  return { width, height, rgb };
}

export interface BmpVariant {
  name: string;
  image: BmpImage;
  layout: BmpLayout;
}

// Odd widths on purpose: every row has padding.
const card = testCard(13, 7);
export const bmpVariants: BmpVariant[] = [
  { name: '24-bit bottom-up', image: card, layout: { bitsPerPixel: 24 } },
  { name: '24-bit top-down', image: card, layout: { bitsPerPixel: 24, topDown: true } },
  { name: '24-bit with a gap before the pixels', image: card, layout: { bitsPerPixel: 24, gap: 37 } },
  { name: '24-bit core header', image: card, layout: { bitsPerPixel: 24, header: 12 } },
  { name: '24-bit v4 header', image: card, layout: { bitsPerPixel: 24, header: 108 } },
  { name: '24-bit v5 header top-down with a gap', image: card, layout: { bitsPerPixel: 24, header: 124, topDown: true, gap: 3 } },
  { name: '32-bit BI_RGB', image: card, layout: { bitsPerPixel: 32 } },
  { name: '32-bit BI_RGB with a spare byte of 255', image: card, layout: { bitsPerPixel: 32, spare: 255 } },
  { name: '32-bit bitfields, standard masks', image: card, layout: { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff] } },
  {
    name: '32-bit bitfields, standard masks, with a gap',
    image: card,
    layout: { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff], gap: 84 },
  },
  { name: '32-bit bitfields, RGBA byte order', image: card, layout: { bitsPerPixel: 32, masks: [0xff000000, 0xff0000, 0xff00] } },
  { name: '32-bit bitfields, BGR order', image: card, layout: { bitsPerPixel: 32, masks: [0xff, 0xff00, 0xff0000] } },
  { name: '32-bit alpha bitfields', image: card, layout: { bitsPerPixel: 32, masks: [0xff0000, 0xff00, 0xff], alphaMask: 0xff000000 } },
  { name: '32-bit v3 header masks', image: card, layout: { bitsPerPixel: 32, header: 56, masks: [0xff0000, 0xff00, 0xff] } },
  {
    name: '32-bit v5 header masks, top-down',
    image: card,
    layout: { bitsPerPixel: 32, header: 124, masks: [0xff0000, 0xff00, 0xff], topDown: true },
  },
  { name: '16-bit 5-5-5 (BI_RGB)', image: card, layout: { bitsPerPixel: 16 } },
  { name: '16-bit 5-6-5 bitfields', image: card, layout: { bitsPerPixel: 16, masks: [0xf800, 0x07e0, 0x001f] } },
  { name: '16-bit 4-4-4 bitfields, v2 header', image: card, layout: { bitsPerPixel: 16, header: 52, masks: [0x0f00, 0x00f0, 0x000f] } },
  { name: '8-bit palette', image: paletteCard(13, 7, 200), layout: { bitsPerPixel: 8 } },
  {
    name: '8-bit palette, 20 colours used, with a gap',
    image: paletteCard(13, 7, 20),
    layout: { bitsPerPixel: 8, colorsUsed: 20, gap: 9 },
  },
  { name: '8-bit palette, top-down', image: paletteCard(13, 7, 50), layout: { bitsPerPixel: 8, topDown: true } },
  { name: '8-bit palette, core header', image: paletteCard(13, 7, 60), layout: { bitsPerPixel: 8, header: 12 } },
  { name: '4-bit palette', image: paletteCard(13, 7, 16), layout: { bitsPerPixel: 4 } },
  { name: '4-bit palette, 5 colours used', image: paletteCard(13, 7, 5), layout: { bitsPerPixel: 4, colorsUsed: 5 } },
  { name: '2-bit palette', image: paletteCard(13, 7, 4), layout: { bitsPerPixel: 2 } },
  { name: '1-bit palette', image: paletteCard(13, 7, 2), layout: { bitsPerPixel: 1 } },
  { name: '1-bit palette, top-down', image: paletteCard(13, 7, 2), layout: { bitsPerPixel: 1, topDown: true } },
];
