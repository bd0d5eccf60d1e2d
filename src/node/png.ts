/**
 * PNG without libvips: encoding (the CLI's diff image and heatmaps) and decoding, for the
 * common case: a PNG of moderate size is decoded here
 * (zlib is built into Node), so a command that reads only such files never loads sharp
 * (~0.1 s of every start). The pixels are exactly libvips' (tested against it, every colour
 * type, depth, filter and interlace): samples as stored, no gamma (gAMA, sRGB, iCCP ignored),
 * depths 1, 2, 4 widened to 8 bits as v·255/(2^k − 1), palettes expanded to RGB, alpha and
 * tRNS dropped (FSIM ignores them). What is not well-formed is refused with a one-line reason:
 * a bad CRC, chunks out of order, a palette index past the palette, data cut short.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { FsimError } from '../errors.js';
import { allocateSamples, checkPixelCount, type RasterImage } from '../image.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Inflated scanline bytes above which decodePng declines (decode.ts then uses libvips, which
 * streams and unfilters on several threads): past ~2.5K × 2K RGB, libvips' start-up is lost
 * in its speed (whole-process medians here: 3640×2400 pair 0.84 s through libvips, 0.89 s
 * through this decoder; 1920×1080 pair 0.50 s vs 0.49 s), and holding the inflated image
 * next to its samples would double a large decode's peak memory.
 */
export const MAX_INFLATED_BYTES = 16 * 2 ** 20;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, k) => bytes[k] === b);
}

/** Samples per pixel of each colour type: grey, RGB, palette, grey + alpha, RGBA. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Adam7 passes: first row, first column, row step, column step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [0, 4, 8, 8],
  [4, 0, 8, 4],
  [0, 2, 4, 4],
  [2, 0, 4, 2],
  [0, 1, 2, 2],
  [1, 0, 2, 1],
] as const;

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

interface Chunks {
  header: PngHeader;
  palette: Uint8Array | null;
  data: Uint8Array[];
}

const corrupt = (name: string, why: string) => new FsimError('INPUT', `${name}: truncated or corrupt PNG data (${why})`);

/** Bytes of the scanlines of a (sub)image, filter bytes included. */
function scanlineBytes(width: number, height: number, bitsPerPixel: number): number {
  return width === 0 || height === 0 ? 0 : height * (1 + Math.ceil((width * bitsPerPixel) / 8));
}

function passSizes(header: PngHeader): [number, number][] {
  const { width, height, interlaced } = header;
  if (!interlaced) return [[width, height]];
  return ADAM7.map(([r0, c0, dr, dc]) => [Math.ceil(Math.max(0, width - c0) / dc), Math.ceil(Math.max(0, height - r0) / dr)]);
}

/** Bytes the inflated image data must have. */
export function inflatedSize(header: PngHeader): number {
  const bits = SAMPLES[header.colourType] * header.bitDepth;
  return passSizes(header).reduce((sum, [w, h]) => sum + scanlineBytes(w, h, bits), 0);
}

function readHeader(bytes: Uint8Array, name: string): PngHeader {
  if (!isPng(bytes)) throw new FsimError('INPUT', `${name}: not a PNG file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
    throw new FsimError('INPUT', `${name}: cannot read the PNG header (no IHDR chunk first)`);
  const width = view.getUint32(16),
    height = view.getUint32(20);
  const [bitDepth, colourType, compression, filter, interlace] = bytes.subarray(24, 29);
  const why =
    width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff
      ? `invalid dimensions ${width}×${height}`
      : !(colourType in SAMPLES)
        ? `colour type ${colourType} does not exist`
        : !DEPTHS[colourType].includes(bitDepth)
          ? `bit depth ${bitDepth} is not allowed for colour type ${colourType}`
          : compression !== 0 || filter !== 0 || interlace > 1
            ? 'unknown compression, filter or interlace method'
            : null;
  if (why) throw new FsimError('INPUT', `${name}: cannot read the PNG header (${why})`);
  return { width, height, bitDepth, colourType, interlaced: interlace === 1 };
}

/** The header (checked, before anything is allocated), the palette and the IDAT chunks. */
function readChunks(bytes: Uint8Array, name: string): Chunks {
  const header = readHeader(bytes, name);
  checkPixelCount(name, header.width, header.height);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let palette: Uint8Array | null = null;
  const data: Uint8Array[] = [];
  let dataEnded = false;
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) throw corrupt(name, 'the file ends before its IEND chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw corrupt(name, `the ${type} chunk runs past the end of the file`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0 !== view.getUint32(at + 8 + length))
      throw corrupt(name, `bad CRC in the ${type} chunk`);
    if (type === 'IEND') break;
    if (type === 'IHDR' && at !== 8) throw corrupt(name, 'a second IHDR chunk');
    if (type === 'PLTE') {
      if (palette || data.length > 0) throw corrupt(name, 'PLTE chunk out of place');
      if (length === 0 || length % 3 !== 0 || length / 3 > 256) throw corrupt(name, `a palette of ${length} bytes`);
      palette = body;
    } else if (type === 'IDAT') {
      if (dataEnded) throw corrupt(name, 'IDAT chunks are not consecutive');
      data.push(body);
    } else if (data.length > 0) dataEnded = true;
    // Other chunks (gAMA, sRGB, iCCP, tRNS, text, APNG frames, …) do not change the stored samples.
    at = end;
  }
  if (data.length === 0) throw corrupt(name, 'no IDAT chunk');
  if (header.colourType === 3 && !palette) throw corrupt(name, 'a palette image without a PLTE chunk');
  return { header, palette, data };
}

/** Reverses the scanline filters of one (sub)image in place; returns the offset after it. */
function unfilter(raw: Uint8Array, at: number, width: number, height: number, bitsPerPixel: number, name: string): number {
  if (width === 0 || height === 0) return at;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  for (let r = 0; r < height; r++, at += stride + 1) {
    const filter = raw[at];
    const line = at + 1;
    const prior = r === 0 ? -1 : line - stride - 1;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let k = bpp; k < stride; k++) raw[line + k] += raw[line + k - bpp];
        break;
      case 2:
        if (prior >= 0) for (let k = 0; k < stride; k++) raw[line + k] += raw[prior + k];
        break;
      case 3:
        for (let k = 0; k < stride; k++) {
          const left = k >= bpp ? raw[line + k - bpp] : 0;
          const up = prior >= 0 ? raw[prior + k] : 0;
          raw[line + k] += (left + up) >> 1;
        }
        break;
      case 4:
        for (let k = 0; k < stride; k++) {
          const a = k >= bpp ? raw[line + k - bpp] : 0;
          const b = prior >= 0 ? raw[prior + k] : 0;
          const c = k >= bpp && prior >= 0 ? raw[prior + k - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          raw[line + k] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        break;
      default:
        throw corrupt(name, `unknown scanline filter ${filter}`);
    }
  }
  return at;
}

/**
 * Decodes a PNG to the pixels libvips gives for it, or returns null where the inflated data
 * would exceed MAX_INFLATED_BYTES (the caller decodes those with libvips).
 */
export function decodePng(bytes: Uint8Array, name: string): RasterImage | null {
  const { header, palette, data } = readChunks(bytes, name);
  const { width, height, bitDepth, colourType } = header;
  const expected = inflatedSize(header);
  if (expected > MAX_INFLATED_BYTES) return null;
  let raw: Uint8Array;
  try {
    // One output chunk a byte larger than the image data: no concatenating copy.
    raw = inflateSync(data.length === 1 ? data[0] : Buffer.concat(data), {
      maxOutputLength: Math.max(1, expected),
      chunkSize: Math.max(64, expected + 1),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw corrupt(name, code === 'ERR_BUFFER_TOO_LARGE' ? 'more image data than the header declares' : 'the compressed data is damaged');
  }
  if (raw.length < expected) throw corrupt(name, `the image data ends after ${raw.length} of ${expected} bytes`);

  const samples = SAMPLES[colourType];
  const outChannels = colourType === 0 || colourType === 4 ? 1 : 3;
  const sixteen = bitDepth === 16;
  const out = allocateSamples(width * height * outChannels, sixteen);
  const widen = bitDepth < 8 && colourType === 0 ? 255 / (2 ** bitDepth - 1) : 1;
  const entries = palette ? palette.length / 3 : 0;
  const bitsPerPixel = samples * bitDepth;

  // Each pass (one when not interlaced) is unfiltered, then its pixels are placed.
  const passes = header.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const sizes = passSizes(header);
  let at = 0;
  for (let p = 0; p < passes.length; p++) {
    const [r0, c0, dr, dc] = passes[p];
    const [pw, ph] = sizes[p];
    const start = at;
    at = unfilter(raw, at, pw, ph, bitsPerPixel, name);
    const stride = Math.ceil((pw * bitsPerPixel) / 8);
    if (!header.interlaced && bitDepth === 8 && samples === outChannels) {
      // 8-bit grey or RGB, not interlaced (most files): each scanline is the output row.
      for (let r = 0; r < ph; r++) out.set(raw.subarray(start + r * (stride + 1) + 1, start + (r + 1) * (stride + 1)), r * stride);
      continue;
    }
    for (let r = 0; r < ph; r++) {
      const line = start + r * (stride + 1) + 1;
      for (let c = 0; c < pw; c++) {
        const target = ((r0 + r * dr) * width + c0 + c * dc) * outChannels;
        if (sixteen) {
          const src = line + c * samples * 2;
          for (let k = 0; k < outChannels; k++) out[target + k] = (raw[src + 2 * k] << 8) | raw[src + 2 * k + 1];
        } else if (bitDepth === 8) {
          const src = line + c * samples;
          if (colourType === 3) {
            const index = raw[src];
            if (index >= entries) throw corrupt(name, `palette index ${index} past the ${entries}-entry palette`);
            out[target] = palette![3 * index];
            out[target + 1] = palette![3 * index + 1];
            out[target + 2] = palette![3 * index + 2];
          } else for (let k = 0; k < outChannels; k++) out[target + k] = raw[src + k];
        } else {
          // 1, 2 or 4 bits, most significant first: grey widened, or a palette index.
          const bit = c * bitDepth;
          const v = (raw[line + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
          if (colourType === 3) {
            if (v >= entries) throw corrupt(name, `palette index ${v} past the ${entries}-entry palette`);
            out[target] = palette![3 * v];
            out[target + 1] = palette![3 * v + 1];
            out[target + 2] = palette![3 * v + 2];
          } else out[target] = v * widen;
        }
      }
    }
  }
  return { width, height, channels: outChannels, data: out };
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)) >>> 0, 8 + body.length);
  return out;
}

/** An 8-bit grey (1 channel) or RGB (3) PNG of interleaved samples: every row Sub-filtered, deflated. */
export function encodePng(width: number, height: number, channels: 1 | 3, samples: Uint8Array): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let r = 0; r < height; r++) {
    const at = r * (stride + 1);
    raw[at] = 1;
    for (let k = 0; k < stride; k++) raw[at + 1 + k] = samples[r * stride + k] - (k >= channels ? samples[r * stride + k - channels] : 0);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 3 ? 2 : 0;
  return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}
