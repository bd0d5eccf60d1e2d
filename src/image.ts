/** Decoded images as the engine takes them, and the checks every path applies. */
import { MAX_PIXELS, MIN_SIDE } from './constants.js';
import { FsimError } from './errors.js';

/**
 * An interleaved raster with values on the 0..255 scale: 1 (grey), 3 (RGB) or 4 (RGBA,
 * alpha ignored) channels. Browser ImageData fits as is (channels 4).
 */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;
}

/** Throws a one-line FsimError when an image cannot be compared; `name` prefixes the message. */
export function validateImage(image: RasterImage, name = 'image'): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new FsimError('SIZE', `${name}: invalid dimensions ${width}×${height}`);
  }
  if (width === 0 || height === 0) throw new FsimError('SIZE', `${name}: the image is empty (${width}×${height})`);
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} is smaller than the ${MIN_SIDE}×${MIN_SIDE} minimum`);
  }
  if (width * height > MAX_PIXELS) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} exceeds the ${MAX_PIXELS}-pixel limit`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new FsimError('INPUT', `${name}: unsupported channel count ${channels}`);
  }
  if (data.length !== width * height * channels) {
    throw new FsimError('INPUT', `${name}: ${data.length} samples for ${width}×${height}×${channels}`);
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new FsimError('INPUT', `${name}: non-finite sample at index ${i}`);
    }
  }
}

export function validatePair(ref: RasterImage, dist: RasterImage, names: [string, string] = ['reference', 'distorted']): void {
  validateImage(ref, names[0]);
  validateImage(dist, names[1]);
  if (ref.width !== dist.width || ref.height !== dist.height) {
    throw new FsimError(
      'SIZE',
      `${names[1]}: size ${dist.width}×${dist.height} differs from ${names[0]} ${ref.width}×${ref.height} (FSIM compares images of one size)`,
    );
  }
}

/** True when the image has no colour: one channel, or R = G = B at every pixel. */
export function isGreyscale(image: RasterImage): boolean {
  if (image.channels === 1) return true;
  const { data, channels } = image;
  for (let i = 0; i < data.length; i += channels) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  }
  return true;
}
