/**
 * Image decoding in Node: sharp (libvips) for PNG, JPEG, GIF (first frame), WebP, TIFF and
 * AVIF; bmp-ts for BMP, which libvips does not read (TID2013 and LIVE ship BMP). Output is
 * a RasterImage on the 0..255 scale: 16-bit samples are divided by 257 (65535 → 255), CMYK
 * is converted to sRGB by libvips, alpha is kept as a 4th channel and ignored downstream.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { decode as decodeBmpData } from 'bmp-ts';
import { MAX_PIXELS, MIN_SIDE } from '../constants.js';
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

function checkDimensions(name: string, width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new FsimError('INPUT', `${name}: invalid image dimensions ${width}×${height}`);
  if (width * height > MAX_PIXELS) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} exceeds the ${MAX_PIXELS}-pixel limit (${Math.sqrt(MAX_PIXELS)}² pixels)`);
  }
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} is smaller than the ${MIN_SIDE}×${MIN_SIDE} minimum`);
  }
}

function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Reads the BMP headers ourselves so absurd or truncated files fail before bmp-ts allocates. */
function decodeBmp(bytes: Uint8Array, name: string): RasterImage {
  if (bytes.length < 54) throw new FsimError('INPUT', `${name}: truncated BMP (${bytes.length} bytes, headers need 54)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new FsimError('INPUT', `${name}: unsupported BMP header (OS/2 core header, ${headerSize} bytes)`);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  checkDimensions(name, width, height);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    throw new FsimError('INPUT', `${name}: unsupported BMP bit depth ${bitsPerPixel}`);
  }
  // Uncompressed (BI_RGB) and bit-field rows are padded to 4 bytes: the pixel data size is known.
  if (compression === 0 || compression === 3 || compression === 6) {
    const rowBytes = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
    const needed = dataOffset + rowBytes * height;
    if (bytes.length < needed) {
      throw new FsimError('INPUT', `${name}: truncated BMP (${bytes.length} bytes, ${width}×${height}×${bitsPerPixel}-bit needs ${needed})`);
    }
  } else if (compression !== 1 && compression !== 2) {
    throw new FsimError('INPUT', `${name}: unsupported BMP compression ${compression}`);
  }
  let rgba: Uint8Array;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    rgba = decodeBmpData(buffer, { toRGBA: true }).data;
  } catch (error) {
    throw new FsimError('INPUT', `${name}: corrupt BMP (${oneLine(error)})`);
  }
  return { width, height, channels: 4, data: new Uint8Array(rgba.buffer, rgba.byteOffset, width * height * 4) };
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
    if (meta.space === 'cmyk') pipeline = pipeline.toColourspace(sixteenBit ? 'rgb16' : 'srgb');
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
