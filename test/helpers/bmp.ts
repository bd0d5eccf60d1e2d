/**
 * A BMP writer for tests: known RGB pixels in, a file in any layout the BMP format allows
 * out — every header variant, bit depth, mask set, palette size, row order and pixel-data
 * offset — so the decoder can be checked against the pixels the file was made from.
 */

export interface BmpLayout {
  /** 1, 2, 4, 8 (palette), 16, 24 or 32. */
  bitsPerPixel: 1 | 2 | 4 | 8 | 16 | 24 | 32;
  /** DIB header size: 12 (core), 40, 52, 56, 108 or 124. */
  header?: 12 | 40 | 52 | 56 | 108 | 124;
  /** Rows stored top-down (negative height). */
  topDown?: boolean;
  /** Bytes of gap between the headers (and palette) and the pixels. */
  gap?: number;
  /** Channel masks [r, g, b] (16 and 32 bits): written as BI_BITFIELDS. */
  masks?: [number, number, number];
  /** BI_ALPHABITFIELDS with this alpha mask (40-byte header). */
  alphaMask?: number;
  /** biClrUsed: palette entries written (default 2^bits). */
  colorsUsed?: number;
  /** Drop the last row's padding, as some writers do. */
  trimLastRow?: boolean;
  /** Value of the spare 4th byte of 32-bit BI_RGB pixels. */
  spare?: number;
}

/** RGB pixels (3 bytes each) representable in the layout: quantised to the masks or palette. */
export interface BmpImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const round = (v: number, bits: number) => Math.round((v * (2 ** bits - 1)) / 255);
const widen = (v: number, bits: number) => Math.round((v * 255) / (2 ** bits - 1));

function maskInfo(mask: number): { shift: number; bits: number } {
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, bits: Math.log2((mask >>> shift) + 1) };
}

/**
 * Encodes `image` in `layout`; returns the file and the RGB the decoder must give back (the
 * input quantised to what the layout can hold; palette layouts take a palette of the image's
 * distinct colours, which must fit).
 */
export function encodeBmp(image: BmpImage, layout: BmpLayout): { bytes: Uint8Array; expected: Uint8Array } {
  const { width, height, rgb } = image;
  const { bitsPerPixel: bpp, topDown = false, gap = 0, trimLastRow = false, spare = 0 } = layout;
  const header = layout.header ?? 40;
  const core = header === 12;
  const n = width * height;
  const expected = new Uint8Array(n * 3);
  let masks = layout.masks ?? (bpp === 16 ? ([0x7c00, 0x03e0, 0x001f] as [number, number, number]) : undefined);
  if (bpp === 24 || (bpp === 32 && !layout.masks)) masks = undefined;
  const bitfields = layout.masks !== undefined;

  // Palette: the distinct colours, in order of appearance.
  let palette: number[][] = [];
  const indexOf = new Map<number, number>();
  if (bpp <= 8) {
    for (let p = 0; p < n; p++) {
      const key = (rgb[p * 3] << 16) | (rgb[p * 3 + 1] << 8) | rgb[p * 3 + 2];
      if (!indexOf.has(key)) {
        indexOf.set(key, palette.length);
        palette.push([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]]);
      }
    }
    const entries = layout.colorsUsed ?? 2 ** bpp;
    if (palette.length > entries) throw new Error(`${palette.length} colours do not fit a ${entries}-entry palette`);
    while (palette.length < entries) palette.push([0, 0, 0]);
  } else {
    palette = [];
  }

  const entryBytes = core ? 3 : 4;
  const maskBytes = bitfields && header === 40 ? (layout.alphaMask !== undefined ? 16 : 12) : 0;
  const tableEnd = 14 + header + maskBytes + palette.length * entryBytes;
  const offset = tableEnd + gap;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const size = offset + stride * height - (trimLastRow ? stride - Math.ceil((bpp * width) / 8) : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, header, true);
  if (core) {
    view.setUint16(18, width, true);
    view.setInt16(20, topDown ? -height : height, true);
    view.setUint16(22, 1, true);
    view.setUint16(24, bpp, true);
  } else {
    view.setInt32(18, width, true);
    view.setInt32(22, topDown ? -height : height, true);
    view.setUint16(26, 1, true);
    view.setUint16(28, bpp, true);
    view.setUint32(30, bitfields ? (layout.alphaMask !== undefined ? 6 : 3) : 0, true);
    view.setUint32(34, stride * height, true);
    view.setUint32(46, bpp <= 8 ? (layout.colorsUsed ?? 0) : 0, true);
    if (bitfields) {
      view.setUint32(54, masks![0], true);
      view.setUint32(58, masks![1], true);
      view.setUint32(62, masks![2], true);
      if (layout.alphaMask !== undefined || header >= 56) view.setUint32(66, layout.alphaMask ?? 0, true);
    }
    if (header >= 108) view.setUint32(70, 0x73524742, true); // 'sRGB' colour space type
  }
  palette.forEach(([r, g, b], k) => {
    const at = 14 + header + maskBytes + k * entryBytes;
    out[at] = b;
    out[at + 1] = g;
    out[at + 2] = r;
  });

  const channelInfo = masks?.map(maskInfo);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const [r, g, b] = [rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]];
      if (bpp <= 8) {
        const index = indexOf.get((r << 16) | (g << 8) | b)!;
        const perByte = 8 / bpp;
        out[row + Math.floor(x / perByte)] |= index << (8 - bpp * ((x % perByte) + 1));
        expected.set([r, g, b], p * 3);
      } else if (channelInfo) {
        let value = 0;
        [r, g, b].forEach((v, c) => {
          const { shift, bits } = channelInfo[c];
          const q = round(v, bits);
          value |= q << shift;
          expected[p * 3 + c] = widen(q, bits);
        });
        if (bpp === 32) view.setUint32(row + 4 * x, value >>> 0, true);
        else view.setUint16(row + 2 * x, value, true);
      } else {
        const at = row + (bpp / 8) * x;
        out[at] = b;
        out[at + 1] = g;
        out[at + 2] = r;
        if (bpp === 32) out[at + 3] = spare;
        expected.set([r, g, b], p * 3);
      }
    }
  }
  return { bytes: out, expected };
}
