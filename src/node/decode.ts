/**
 * Image files in Node, read safely and decoded to the pixels as stored (what the reference's
 * imread sees): no ICC colour conversion, no EXIF rotation, alpha dropped.
 *   read:   regular files only (FIFOs, devices and directories are refused before any read),
 *           at most MAX_FILE_BYTES, checked before reading;
 *   sniff:  the format from the file's first bytes, before any decoder sees it: PNG, JPEG,
 *           GIF (first frame), WebP, TIFF, AVIF through sharp (libvips), BMP through bmp.ts,
 *           PNG through png.ts up to its size limit (libvips above it; the same pixels);
 *           anything else (SVG, PDF, HEIC, …) is refused;
 *   decode: dimensions checked on the header (MAX_PIXELS) before pixels are allocated;
 *           8-bit samples as Uint8Array, 16-bit as Uint16Array (read as v / 257), CMYK
 *           converted to RGB by libvips; float and signed samples are refused.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { MAX_FILE_BYTES } from '../constants.js';
import { FsimError, printable } from '../errors.js';
import { checkPixelCount, type RasterImage } from '../image.js';
import { decodeBmp, isBmp } from './bmp.js';
import { importOptional } from './optional.js';
import { decodePng } from './png.js';

/** First line of an error message, without libvips' trailing noise. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim().replace(/\s+/g, ' ');
}

function readError(name: string, error: unknown): FsimError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory, not an image file'
          : code === 'ENAMETOOLONG'
            ? 'file name too long'
            : code === 'ELOOP'
              ? 'too many symbolic links'
              : `cannot read (${oneLine(error)})`;
  return new FsimError('INPUT', `${name}: ${why}`);
}

function checkRegularFile(name: string, info: { isFile(): boolean; isDirectory(): boolean; size: number }): void {
  if (info.isDirectory()) throw new FsimError('INPUT', `${name}: is a directory, not an image file`);
  if (!info.isFile()) throw new FsimError('INPUT', `${name}: not a regular file (a pipe, socket or device); give an image file`);
  if (info.size > MAX_FILE_BYTES) {
    throw new FsimError('SIZE', `${name}: the file has ${info.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
  }
}

/** Reads into `bytes` from `filled` up to `end` (or the end of the file); returns how far it got. */
async function readUpTo(handle: FileHandle, bytes: Uint8Array, filled: number, end: number): Promise<number> {
  while (filled < end) {
    const { bytesRead } = await handle.read(bytes, filled, end - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * The bytes of an image file. Only regular files are opened: a FIFO would block the open
 * itself, a device (/dev/zero) never ends; the size is checked on the inode before reading,
 * and the read stops at that size even if the file grows meanwhile.
 */
export async function readImageFile(path: string): Promise<Uint8Array> {
  if (typeof path !== 'string') throw new FsimError('USAGE', `a file path must be a string, got ${path === null ? 'null' : typeof path}`);
  if (path === '') throw new FsimError('INPUT', `${printable(path)}: no such file (the path is empty)`);
  const name = printable(path);
  try {
    checkRegularFile(name, await stat(path));
  } catch (error) {
    throw error instanceof FsimError ? error : readError(name, error);
  }
  let handle: FileHandle;
  try {
    // O_NONBLOCK: should the path have become a FIFO since stat, open must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw readError(name, error);
  }
  try {
    const info = await handle.stat();
    checkRegularFile(name, info);
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    // The signature first: a file that is no image of ours is refused before the rest is read.
    filled = await readUpTo(handle, bytes, filled, Math.min(bytes.length, SNIFF_BYTES));
    if (filled === 0) throw new FsimError('INPUT', `${name}: empty file`);
    if (!sniffFormat(bytes.subarray(0, filled))) throw notSupported(name);
    filled = await readUpTo(handle, bytes, filled, bytes.length);
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (error) {
    throw error instanceof FsimError ? error : readError(name, error);
  } finally {
    await handle.close();
  }
}

/** Bytes that hold every signature sniffFormat looks for (an AVIF ftyp box's first brands). */
const SNIFF_BYTES = 64;

export type ImageFormat = 'bmp' | 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'avif';

const ascii = (bytes: Uint8Array, from: number, length: number): string => String.fromCharCode(...bytes.subarray(from, from + length));

/** The format by its signature, or null: no decoder ever sees a file that is not one of ours. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const starts = (...signature: number[]) => signature.every((b, k) => bytes[k] === b);
  if (isBmp(bytes)) return 'bmp';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  // Classic and BigTIFF, either byte order.
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a) || starts(0x49, 0x49, 0x2b, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2b))
    return 'tiff';
  if (bytes.length >= 16 && ascii(bytes, 4, 4) === 'ftyp') {
    // The ftyp box's brands: the major brand, then the compatible ones.
    const boxSize = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
    for (let at = 8; at + 4 <= boxSize; at += at === 8 ? 8 : 4) {
      const brand = ascii(bytes, at, 4);
      if (brand === 'avif' || brand === 'avis') return 'avif';
    }
  }
  return null;
}

const SUPPORTED = 'PNG, JPEG, BMP, GIF, WebP, TIFF or AVIF';
const notSupported = (name: string) => new FsimError('INPUT', `${name}: not a supported image (${SUPPORTED})`);

const DEPTH_NAMES: Record<string, string> = {
  float: '32-bit float',
  double: '64-bit float',
  complex: 'complex',
  dpcomplex: 'complex',
  char: 'signed 8-bit',
  short: 'signed 16-bit',
  int: 'signed 32-bit',
  uint: '32-bit unsigned',
};

/** Colour spaces decoded as stored; CMYK is converted (by libvips, documented). */
const SPACES = new Set(['srgb', 'rgb', 'rgb16', 'b-w', 'grey16', 'cmyk']);

/** libvips is loaded on the first file that needs it (BMP and most PNGs never do): ~0.1 s off a start. */
const loadSharp = async (format: ImageFormat) =>
  (await importOptional('sharp', () => import('sharp'), `decoding ${format.toUpperCase()}`)).default;

/** Decoding through libvips; exported for the tests that hold png.ts to it. */
export async function decodeWithSharp(bytes: Uint8Array, format: ImageFormat, name: string): Promise<RasterImage> {
  const sharp = await loadSharp(format);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    throw new FsimError('INPUT', `${name}: cannot read the ${format.toUpperCase()} header (${oneLine(error)})`);
  }
  // AVIF reads as HEIF; a HEIC (HEVC) file in an AVIF-branded box is not AVIF.
  const actual = meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : meta.format;
  if (actual !== format)
    throw new FsimError('INPUT', `${name}: not a valid ${format.toUpperCase()} file (it reads as ${String(meta.format)})`);
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (!(width > 0 && height > 0)) throw new FsimError('INPUT', `${name}: invalid image dimensions ${width}×${height}`);
  checkPixelCount(name, width, height);
  if (meta.depth !== 'uchar' && meta.depth !== 'ushort') {
    const kind = DEPTH_NAMES[meta.depth ?? ''] ?? String(meta.depth);
    throw new FsimError(
      'INPUT',
      `${name}: ${kind} samples are not supported: only 8- and 16-bit unsigned samples have a known 0..255 scale (convert the file, or pass values on that scale as a Float32Array image through the API)`,
    );
  }
  if (!SPACES.has(meta.space ?? ''))
    throw new FsimError('INPUT', `${name}: the ${String(meta.space)} colour space is not supported (RGB, greyscale or CMYK)`);
  const sixteenBit = meta.depth === 'ushort';
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  try {
    // Pixels as stored: the embedded ICC profile is ignored (as the reference's imread does);
    // alpha is dropped here, so the decoded raster is at most 3 samples per pixel.
    // Naming the space it already has keeps libvips from converting (grey stays one channel).
    const space = grey ? (sixteenBit ? 'grey16' : 'b-w') : sixteenBit ? 'rgb16' : 'srgb';
    const pipeline = sharp(bytes, { limitInputPixels: false, failOn: 'warning', pages: 1, ignoreIcc: true })
      .removeAlpha()
      .toColourspace(space);
    const { data, info } = await pipeline.raw({ depth: sixteenBit ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (grey ? channels !== 1 : channels !== 3) throw new Error(`libvips gave ${channels} channels for a ${meta.space} image`);
    const samples = sixteenBit
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { width: info.width, height: info.height, channels: grey ? 1 : 3, data: samples };
  } catch (error) {
    throw new FsimError('INPUT', `${name}: truncated or corrupt ${format.toUpperCase()} data (${oneLine(error)})`);
  }
}

/** Decodes an encoded image (any supported format); `name` labels errors. */
export async function decodeImage(bytes: Uint8Array, name = 'image'): Promise<RasterImage> {
  const label = printable(name);
  if (!(bytes instanceof Uint8Array)) throw new FsimError('INPUT', `${label}: expected the encoded bytes as a Uint8Array or Buffer`);
  if (bytes.length === 0) throw new FsimError('INPUT', `${label}: empty file`);
  if (bytes.length > MAX_FILE_BYTES) throw new FsimError('SIZE', `${label}: ${bytes.length} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
  const format = sniffFormat(bytes);
  if (!format) throw notSupported(label);
  if (format === 'bmp') return decodeBmp(bytes, label);
  if (format === 'png') return decodePng(bytes, label) ?? decodeWithSharp(bytes, format, label);
  return decodeWithSharp(bytes, format, label);
}

export async function decodeFile(path: string): Promise<RasterImage> {
  return decodeImage(await readImageFile(path), path);
}
