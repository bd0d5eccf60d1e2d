/**
 * Image decoding in Node: sharp (libvips) for PNG, JPEG, GIF (first frame), WebP, TIFF and
 * AVIF; decode-bmp for BMP, which libvips does not read (TID2013 and LIVE ship BMP). Output is
 * a RasterImage on the 0..255 scale: 16-bit samples are divided by 257 (65535 → 255), CMYK
 * is converted to sRGB by libvips, alpha is kept as a 4th channel and ignored downstream.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import decodeBmpData from 'decode-bmp';
import { MAX_PIXELS } from '../constants.js';
import { FsimError } from '../errors.js';
import type { RasterImage } from '../image.js';

/** First line of an error message, without libvips' trailing noise. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim().replace(/\s+/g, ' ');
}

export async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EISDIR' ? 'is a directory, not an image file'
      : `cannot read (${oneLine(error)})`;
    throw new FsimError('INPUT', `${path}: ${why}`);
  }
}

/** Rejects dimensions before decoding allocates anything (the minimum size is validateImage's). */
function checkDimensions(name: string, width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new FsimError('INPUT', `${name}: invalid image dimensions ${width}×${height}`);
  if (width * height > MAX_PIXELS) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} exceeds the ${MAX_PIXELS}-pixel limit (${Math.sqrt(MAX_PIXELS)}² pixels)`);
  }
}

function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * BMP through decode-bmp, which reads bottom-up BI_RGB files (1/2/4/8-bit palette, 24 and
 * 32-bit) — the layout TID2013, LIVE and most writers use. The headers are checked here
 * first, so absurd or truncated files fail before anything is allocated, top-down files
 * (negative height) are flipped, and compressed ones get a clear error.
 */
function decodeBmp(bytes: Uint8Array, name: string): RasterImage {
  if (bytes.length < 54) throw new FsimError('INPUT', `${name}: truncated BMP (${bytes.length} bytes; the headers alone need 54)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new FsimError('INPUT', `${name}: unsupported BMP header (OS/2 core header, ${headerSize} bytes)`);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const height = Math.abs(signedHeight);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  checkDimensions(name, width, height);
  if (![1, 2, 4, 8, 24, 32].includes(bitsPerPixel)) throw new FsimError('INPUT', `${name}: unsupported BMP bit depth ${bitsPerPixel}`);
  // BI_RGB, or BI_BITFIELDS with the standard 32-bit masks.
  const standardMasks = compression === 3 && bitsPerPixel === 32 && bytes.length >= 66 &&
    view.getUint32(54, true) === 0xff0000 && view.getUint32(58, true) === 0xff00 && view.getUint32(62, true) === 0xff;
  if (compression !== 0 && !standardMasks) {
    throw new FsimError('INPUT', `${name}: unsupported BMP compression (type ${compression}); save it as an uncompressed BMP or PNG`);
  }
  const rowBytes = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  const needed = dataOffset + rowBytes * height;
  if (bytes.length < needed) {
    throw new FsimError('INPUT', `${name}: truncated BMP (${bytes.length} bytes; ${width}×${height} at ${bitsPerPixel} bits needs ${needed})`);
  }
  let source = bytes;
  if (signedHeight < 0) {
    source = Uint8Array.from(bytes);
    new DataView(source.buffer).setInt32(22, height, true);
  }
  let rgba: Uint8ClampedArray;
  try {
    rgba = decodeBmpData(source).data;
  } catch (error) {
    throw new FsimError('INPUT', `${name}: corrupt BMP (${oneLine(error)})`);
  }
  const data = new Uint8Array(rgba.buffer, rgba.byteOffset, width * height * 4);
  if (signedHeight < 0) flipRows(data, width * 4, height);
  return { width, height, channels: 4, data };
}

function flipRows(data: Uint8Array, stride: number, rows: number): void {
  const line = new Uint8Array(stride);
  for (let top = 0, bottom = rows - 1; top < bottom; top++, bottom--) {
    line.set(data.subarray(top * stride, (top + 1) * stride));
    data.copyWithin(top * stride, bottom * stride, (bottom + 1) * stride);
    data.set(line, bottom * stride);
  }
}

async function decodeWithSharp(bytes: Uint8Array, name: string): Promise<RasterImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const why = oneLine(error);
    if (/unsupported image format/i.test(why)) {
      throw new FsimError('INPUT', `${name}: not a supported image (PNG, JPEG, BMP, GIF, WebP, TIFF or AVIF)`);
    }
    throw new FsimError('INPUT', `${name}: cannot read image header (${why})`);
  }
  checkDimensions(name, meta.width ?? 0, meta.height ?? 0);
  const sixteenBit = meta.depth === 'ushort';
  try {
    let pipeline = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'warning', pages: 1 });
    // Grey stays one channel; everything else (CMYK too) becomes sRGB, at the source depth.
    const grey = (meta.channels ?? 3) <= 2;
    pipeline = pipeline.toColourspace(grey ? (sixteenBit ? 'grey16' : 'b-w') : sixteenBit ? 'rgb16' : 'srgb');
    const { data, info } = await pipeline.raw({ depth: sixteenBit ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const { width, height, channels } = info;
    const n = width * height;
    const samples = sixteenBit
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Keep 1 (grey), 3 (RGB) or 4 (RGBA) channels; grey+alpha drops its alpha.
    const outChannels: 1 | 3 | 4 = channels <= 2 ? 1 : channels === 3 ? 3 : 4;
    if (!sixteenBit && channels === outChannels) return { width, height, channels: outChannels, data: samples as Uint8Array };
    const out = sixteenBit ? new Float64Array(n * outChannels) : new Uint8Array(n * outChannels);
    const scale = sixteenBit ? 1 / 257 : 1;
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < outChannels; c++) out[p * outChannels + c] = samples[p * channels + c] * scale;
    }
    return { width, height, channels: outChannels, data: out };
  } catch (error) {
    throw new FsimError('INPUT', `${name}: truncated or corrupt ${meta.format ?? 'image'} data (${oneLine(error)})`);
  }
}

/** Decodes an encoded image (any supported format); `name` labels errors. */
export async function decodeImage(bytes: Uint8Array, name = 'image'): Promise<RasterImage> {
  if (bytes.length === 0) throw new FsimError('INPUT', `${name}: empty file`);
  return isBmp(bytes) ? decodeBmp(bytes, name) : decodeWithSharp(bytes, name);
}

export async function decodeFile(path: string): Promise<RasterImage> {
  return decodeImage(await readImageFile(path), path);
}
