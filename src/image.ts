/** Decoded images as the engine takes them, and the checks every path applies. */
import { MAX_PIXELS, MIN_SIDE, SAMPLE_RANGE } from './constants.js';
import { FsimError } from './errors.js';

/** The sample arrays an image may hold. */
export type SampleArray = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array | Float64Array;

/**
 * An interleaved raster: 1 (grey), 3 (RGB) or 4 (RGBA, alpha ignored) channels. 8-bit and
 * float samples are on the 0..255 scale (floats must lie in [0, 255]); Uint16Array samples are
 * 16-bit (0..65535) and read as v / 257 on that scale. Browser ImageData fits as is (channels 4).
 */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  readonly data: SampleArray;
}

/** What a sample is divided by to reach the 0..255 scale: 257 for 16-bit samples, else 1. */
export function sampleDivisor(data: SampleArray): number {
  return data instanceof Uint16Array ? 257 : 1;
}

/**
 * Sample storage for decoders: shareable between threads where the platform allows, so that
 * the CPU path's threads read the samples (chroma at F = 1) without a copy.
 */
export function allocateSamples(length: number, sixteenBit: boolean): Uint8Array | Uint16Array {
  const bytes = sixteenBit ? 2 * length : length;
  const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return sixteenBit ? new Uint16Array(buffer) : new Uint8Array(buffer);
}

const SAMPLE_TYPES = [Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array, Float64Array];

/** Rejects sizes no path accepts, before anything of that size is allocated. */
export function checkPixelCount(name: string, width: number, height: number): void {
  if (width * height > MAX_PIXELS) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} exceeds the ${MAX_PIXELS}-pixel limit (8192×8192)`);
  }
}

/** Throws a one-line FsimError when an image cannot be compared; `name` prefixes the message. */
export function validateImage(image: RasterImage, name = 'image'): void {
  if (image === null || typeof image !== 'object') {
    throw new FsimError(
      'INPUT',
      `${name}: expected an image { width, height, channels, data }, got ${image === null ? 'null' : typeof image}`,
    );
  }
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new FsimError('SIZE', `${name}: invalid dimensions ${String(width)}×${String(height)}`);
  }
  if (width === 0 || height === 0) throw new FsimError('SIZE', `${name}: the image is empty (${width}×${height})`);
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new FsimError('SIZE', `${name}: ${width}×${height} is smaller than the ${MIN_SIDE}×${MIN_SIDE} minimum`);
  }
  checkPixelCount(name, width, height);
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new FsimError('INPUT', `${name}: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  if (!SAMPLE_TYPES.some((type) => data instanceof type)) {
    throw new FsimError('INPUT', `${name}: data must be a Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array or Float64Array`);
  }
  if (data.length !== width * height * channels) {
    throw new FsimError('INPUT', `${name}: ${data.length} samples for ${width}×${height}×${channels}`);
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const [lo, hi] = SAMPLE_RANGE;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= lo && v <= hi)) {
        throw new FsimError('INPUT', `${name}: float sample ${i} is ${v}; float samples must be finite and within [${lo}, ${hi}]`);
      }
    }
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
