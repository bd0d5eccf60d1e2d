/** Small encoders for test inputs that no fixture covers (hand-built headers, odd formats). */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of any colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA) and depth 8 or 16, from
 * interleaved samples; `claim` overrides the dimensions written in the header.
 */
export function png(
  width: number,
  height: number,
  colourType: 0 | 2 | 4 | 6,
  bitDepth: 8 | 16,
  samples: ArrayLike<number>,
  claim?: { width: number; height: number },
): Buffer {
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType];
  const bytesPerSample = bitDepth / 8;
  const stride = width * channels * bytesPerSample;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++)
    for (let k = 0; k < width * channels; k++) {
      const v = samples[y * width * channels + k];
      const at = y * (stride + 1) + 1 + k * bytesPerSample;
      if (bitDepth === 16) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(claim?.width ?? width, 0);
  ihdr.writeUInt32BE(claim?.height ?? height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A greyscale 8-bit PNG of value(x, y). */
export function greyPng(width: number, height: number, value: (x: number, y: number) => number): Buffer {
  const samples = Array.from({ length: width * height }, (_, i) => value(i % width, Math.floor(i / width)));
  return png(width, height, 0, 8, samples);
}

/**
 * An uncompressed little-endian TIFF, one strip: `format` 1 unsigned, 2 signed, 3 float;
 * `bits` 8, 16 or 32 per sample; 1 (grey) or 3 (RGB) samples per pixel.
 */
export function tiff(
  width: number,
  height: number,
  channels: 1 | 3,
  bits: 8 | 16 | 32,
  format: 1 | 2 | 3,
  samples: ArrayLike<number>,
): Buffer {
  const bytesPerSample = bits / 8;
  const dataBytes = width * height * channels * bytesPerSample;
  const tags: [tag: number, type: number, count: number, value: number][] = [];
  const entries = 11;
  const ifd = 8;
  const ifdBytes = 2 + entries * 12 + 4;
  const bitsAt = ifd + ifdBytes; // three SHORTs when RGB
  const formatAt = bitsAt + 8;
  const dataAt = formatAt + 8;
  const out = Buffer.alloc(dataAt + dataBytes);
  out.write('II', 0, 'ascii');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifd, 4);
  const SHORT = 3,
    LONG = 4;
  tags.push([256, LONG, 1, width], [257, LONG, 1, height]);
  if (channels === 3) {
    for (let k = 0; k < 3; k++) out.writeUInt16LE(bits, bitsAt + 2 * k);
    for (let k = 0; k < 3; k++) out.writeUInt16LE(format, formatAt + 2 * k);
    tags.push([258, SHORT, 3, bitsAt]);
  } else {
    tags.push([258, SHORT, 1, bits]);
  }
  tags.push(
    [259, SHORT, 1, 1],
    [262, SHORT, 1, channels === 3 ? 2 : 1],
    [273, LONG, 1, dataAt],
    [277, SHORT, 1, channels],
    [278, LONG, 1, height],
    [279, LONG, 1, dataBytes],
    [284, SHORT, 1, 1],
    [339, SHORT, channels, channels === 3 ? formatAt : format],
  );
  out.writeUInt16LE(entries, ifd);
  tags.forEach(([tag, type, count, value], k) => {
    const at = ifd + 2 + k * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === SHORT && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  out.writeUInt32LE(0, ifd + 2 + entries * 12);
  for (let i = 0; i < width * height * channels; i++) {
    const at = dataAt + i * bytesPerSample;
    const v = samples[i];
    if (format === 3) out.writeFloatLE(v, at);
    else if (bits === 8) format === 2 ? out.writeInt8(v, at) : out.writeUInt8(v, at);
    else if (bits === 16) format === 2 ? out.writeInt16LE(v, at) : out.writeUInt16LE(v, at);
    else format === 2 ? out.writeInt32LE(v, at) : out.writeUInt32LE(v, at);
  }
  return out;
}

export interface PngLayout {
  width: number;
  height: number;
  colourType: 0 | 2 | 3 | 4 | 6;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  /** Interleaved samples (palette indices for colour type 3), each within the bit depth. */
  samples: ArrayLike<number>;
  /** RGB triples for colour type 3. */
  palette?: ArrayLike<number>;
  /** Raw tRNS bytes, written after PLTE. */
  transparency?: ArrayLike<number>;
  interlaced?: boolean;
  /** The filter of scanline k is filters[k % filters.length] (default [0]). */
  filters?: number[];
  /** Split the compressed data into IDAT chunks of this many bytes. */
  idatBytes?: number;
  /** Extra chunks written before the IDATs (e.g. gAMA). */
  ancillary?: [string, Uint8Array][];
}

function filterScanline(filter: number, line: Uint8Array, prior: Uint8Array | null, bpp: number): Uint8Array {
  const out = new Uint8Array(line.length + 1);
  out[0] = filter;
  for (let k = 0; k < line.length; k++) {
    const a = k >= bpp ? line[k - bpp] : 0;
    const b = prior ? prior[k] : 0;
    const c = k >= bpp && prior ? prior[k - bpp] : 0;
    let predictor = 0;
    if (filter === 1) predictor = a;
    else if (filter === 2) predictor = b;
    else if (filter === 3) predictor = (a + b) >> 1;
    else if (filter === 4) {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[k + 1] = (line[k] - predictor) & 0xff;
  }
  return out;
}

/** Packs one scanline of a (sub)image: samples at `bitDepth` bits, most significant first. */
function packScanline(values: number[], bitDepth: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * bitDepth) / 8));
  values.forEach((v, k) => {
    if (bitDepth === 16) {
      out[2 * k] = v >> 8;
      out[2 * k + 1] = v & 0xff;
    } else if (bitDepth === 8) out[k] = v;
    else out[(k * bitDepth) >> 3] |= v << (8 - bitDepth - ((k * bitDepth) & 7));
  });
  return out;
}

/** A PNG of any layout the format allows, written independently of the decoder under test. */
export function pngFile(layout: PngLayout): Buffer {
  const { width, height, colourType, bitDepth, samples, interlaced = false, filters = [0] } = layout;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colourType];
  const bpp = Math.max(1, (channels * bitDepth) >> 3);
  const passes = interlaced
    ? [
        [0, 0, 8, 8],
        [0, 4, 8, 8],
        [4, 0, 8, 4],
        [0, 2, 4, 4],
        [2, 0, 4, 2],
        [0, 1, 2, 2],
        [1, 0, 2, 1],
      ]
    : [[0, 0, 1, 1]];
  const lines: Uint8Array[] = [];
  let count = 0;
  for (const [r0, c0, dr, dc] of passes) {
    let prior: Uint8Array | null = null;
    for (let r = r0; r < height; r += dr) {
      const values: number[] = [];
      for (let c = c0; c < width; c += dc) for (let k = 0; k < channels; k++) values.push(samples[(r * width + c) * channels + k]);
      if (values.length === 0) continue;
      const line = packScanline(values, bitDepth);
      lines.push(filterScanline(filters[count++ % filters.length], line, prior, bpp));
      prior = line;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colourType;
  ihdr[12] = interlaced ? 1 : 0;
  const compressed = deflateSync(Buffer.concat(lines));
  const step = layout.idatBytes ?? compressed.length;
  const idats: Buffer[] = [];
  for (let at = 0; at < compressed.length; at += step) idats.push(chunk('IDAT', compressed.subarray(at, at + step)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(layout.ancillary ?? []).map(([type, data]) => chunk(type, data)),
    ...(layout.palette ? [chunk('PLTE', Uint8Array.from(layout.palette))] : []),
    ...(layout.transparency ? [chunk('tRNS', Uint8Array.from(layout.transparency))] : []),
    ...idats,
    chunk('IEND', new Uint8Array(0)),
  ]);
}
