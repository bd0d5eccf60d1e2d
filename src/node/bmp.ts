/**
 * BMP decoding that honours every header field locating or describing the pixels: the
 * pixel-data offset, the header variant (core, info, v2–v5), bottom-up or top-down rows,
 * palette size (biClrUsed, bounded by the space before the pixels), bit depth and the
 * channel bit masks. What it cannot decode exactly it refuses with a one-line reason:
 * RLE, JPEG- or PNG-in-BMP, masks wider than 8 bits, palette indices past the palette.
 *
 * Samples of a k-bit mask map to round(v·255 / (2^k − 1)), as browsers decode them, so
 * Node and the demo page see the same pixels. Alpha is dropped (FSIM ignores it).
 */
import { FsimError } from '../errors.js';
import type { RasterImage } from '../image.js';
import { allocateSamples, checkPixelCount } from '../image.js';

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = {
  [BI_RLE8]: 'RLE8',
  [BI_RLE4]: 'RLE4',
  [BI_JPEG]: 'JPEG',
  [BI_PNG]: 'PNG',
};

const FILE_HEADER = 14;
/** Header sizes: core (OS/2 1.x), info, v2 (RGB masks), v3 (+alpha mask), v4, v5. */
const KNOWN_HEADERS = [12, 40, 52, 56, 108, 124];

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** A channel mask as shift and width, with the table that widens its samples to 8 bits. */
interface Channel {
  shift: number;
  bits: number;
  table: Uint8Array;
}

function channelOf(mask: number, name: string, file: string): Channel {
  if (mask === 0) throw new FsimError('INPUT', `${file}: BMP ${name} mask is empty`);
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const field = mask >>> shift;
  if ((field & (field + 1)) !== 0)
    throw new FsimError('INPUT', `${file}: BMP ${name} mask 0x${(mask >>> 0).toString(16)} is not contiguous`);
  const bits = Math.log2(field + 1);
  if (bits > 8)
    throw new FsimError(
      'INPUT',
      `${file}: BMP ${name} mask has ${bits} bits; masks wider than 8 bits are not supported (save as 16-bit PNG or TIFF)`,
    );
  const max = 2 ** bits - 1;
  const table = Uint8Array.from({ length: max + 1 }, (_, v) => Math.round((v * 255) / max));
  return { shift, bits, table };
}

/** Decodes a BMP file; `file` names it in errors. Output: grey-free RGB, 8 bits per sample. */
export function decodeBmp(bytes: Uint8Array, file: string): RasterImage {
  const fail = (why: string): never => {
    throw new FsimError('INPUT', `${file}: ${why}`);
  };
  if (bytes.length < FILE_HEADER + 12) fail(`truncated BMP (${bytes.length} bytes; the headers alone need at least 26)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (!KNOWN_HEADERS.includes(headerSize)) fail(`unsupported BMP header of ${headerSize} bytes`);
  const headerEnd = FILE_HEADER + headerSize;
  if (bytes.length < headerEnd) fail(`truncated BMP (${bytes.length} bytes; its ${headerSize}-byte header ends at ${headerEnd})`);

  const core = headerSize === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const colorsUsed = core ? 0 : view.getUint32(46, true);
  const topDown = signedHeight < 0;
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0) fail(`invalid BMP dimensions ${width}×${signedHeight}`);
  checkPixelCount(file, width, height);

  if (COMPRESSION_NAMES[compression]) {
    fail(`${COMPRESSION_NAMES[compression]}-compressed BMP is not supported; save it as an uncompressed BMP or PNG`);
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    fail(`unknown BMP compression type ${compression}`);
  }
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) fail(`unsupported BMP bit depth ${bitsPerPixel}`);
  const bitfields = compression !== BI_RGB;
  if (bitfields && bitsPerPixel !== 16 && bitsPerPixel !== 32) fail(`BMP bit masks with ${bitsPerPixel} bits per pixel`);
  if (topDown && compression !== BI_RGB && !bitfields) fail('top-down BMPs must be uncompressed');

  // Channel masks: inside a v2+ header, else right after a 40-byte header.
  let tableEnd = headerEnd;
  let masks: [number, number, number] | null = null;
  if (bitfields) {
    const at = headerSize >= 52 ? 54 : headerEnd;
    if (headerSize < 52) tableEnd += compression === BI_ALPHABITFIELDS ? 16 : 12;
    if (bytes.length < at + 12) fail('truncated BMP (its bit masks are missing)');
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)];
  } else if (bitsPerPixel === 16) {
    masks = [0x7c00, 0x03e0, 0x001f]; // BI_RGB 16-bit is 5-5-5
  }

  // Palette: biClrUsed entries (0 = 2^bits), no more than fit before the pixel data.
  let palette: Uint8Array | null = null;
  if (bitsPerPixel <= 8) {
    const entryBytes = core ? 3 : 4;
    const declared = colorsUsed === 0 ? 2 ** bitsPerPixel : colorsUsed;
    if (colorsUsed > 2 ** bitsPerPixel) fail(`BMP declares ${colorsUsed} palette colours for ${bitsPerPixel}-bit pixels`);
    const room = Math.floor((Math.min(dataOffset, bytes.length) - tableEnd) / entryBytes);
    const entries = Math.min(declared, Math.max(0, room));
    if (entries === 0) fail('BMP palette is missing');
    palette = new Uint8Array(entries * 3);
    for (let k = 0; k < entries; k++) {
      const at = tableEnd + k * entryBytes;
      palette[k * 3] = bytes[at + 2];
      palette[k * 3 + 1] = bytes[at + 1];
      palette[k * 3 + 2] = bytes[at];
    }
    tableEnd += entries * entryBytes;
  }

  if (dataOffset < tableEnd) fail(`BMP pixel data offset ${dataOffset} points into its headers (they end at ${tableEnd})`);
  const stride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  // Every row whole, the last one's padding included (browsers refuse a file without it too).
  const needed = dataOffset + stride * height;
  if (bytes.length < needed)
    fail(`truncated BMP (${bytes.length} bytes; ${width}×${height} at ${bitsPerPixel} bits from offset ${dataOffset} needs ${needed})`);

  const out = allocateSamples(width * height * 3, false) as Uint8Array;
  const channels = masks?.map((m, k) => channelOf(m, ['red', 'green', 'blue'][k], file));
  for (let row = 0; row < height; row++) {
    const src = dataOffset + (topDown ? row : height - 1 - row) * stride;
    let dst = row * width * 3;
    if (palette) {
      const colours = palette.length / 3;
      const perByte = 8 / bitsPerPixel;
      const valueMask = (1 << bitsPerPixel) - 1;
      for (let x = 0; x < width; x++) {
        const byte = bytes[src + Math.floor(x / perByte)];
        const index = (byte >> (8 - bitsPerPixel * ((x % perByte) + 1))) & valueMask;
        if (index >= colours) fail(`BMP pixel (${x}, ${row}) uses palette index ${index} of a ${colours}-colour palette`);
        out[dst++] = palette[index * 3];
        out[dst++] = palette[index * 3 + 1];
        out[dst++] = palette[index * 3 + 2];
      }
    } else if (channels) {
      const wide = bitsPerPixel === 32;
      for (let x = 0; x < width; x++) {
        const value = wide ? view.getUint32(src + 4 * x, true) : view.getUint16(src + 2 * x, true);
        for (const { shift, bits, table } of channels) out[dst++] = table[(value >>> shift) & ((1 << bits) - 1)];
      }
    } else {
      // 24-bit BGR, or 32-bit BI_RGB BGRx.
      const step = bitsPerPixel / 8;
      for (let x = 0, at = src; x < width; x++, at += step) {
        out[dst++] = bytes[at + 2];
        out[dst++] = bytes[at + 1];
        out[dst++] = bytes[at];
      }
    }
  }
  return { width, height, channels: 3, data: out };
}
