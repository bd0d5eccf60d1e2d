/**
 * An image's chroma (I, Q of FSIM_SPEC.md §1) as pooling reads it. At F > 1 it is two
 * downsampled float64 planes. At F = 1 with integer samples it is the RGB samples themselves,
 * shared with the threads (3–8 bytes a pixel instead of 16): pooling converts each chunk as it
 * goes, with the same operations as toYiq, so the values are the same bit for bit.
 */
import { YIQ } from '../constants.js';
import { type RasterImage, type SampleArray, sampleDivisor } from '../image.js';

export interface ChromaSamples {
  /** Interleaved samples, `stride` per pixel, R G B first; shareable between threads. */
  readonly data: Uint8Array | Uint16Array;
  readonly stride: number;
  readonly divisor: number;
}

export type Chroma = { readonly i: Float64Array; readonly q: Float64Array } | { readonly samples: ChromaSamples } | null;

/** Samples pooling can convert itself: 8- and 16-bit; float rasters keep their planes. */
export function integerSamples(data: SampleArray): data is Uint8Array | Uint8ClampedArray | Uint16Array {
  return data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Uint16Array;
}

/** The raster's samples for chroma at F = 1, shared with the threads (copied only if they are not already). */
export function chromaSamples(image: RasterImage): ChromaSamples {
  const { data, channels } = image;
  if (!integerSamples(data)) throw new TypeError('chromaSamples: float samples keep their chroma planes');
  const wide = data instanceof Uint16Array;
  let shared: Uint8Array | Uint16Array;
  if (typeof SharedArrayBuffer === 'function' && !(data.buffer instanceof SharedArrayBuffer)) {
    shared = wide ? new Uint16Array(new SharedArrayBuffer(data.byteLength)) : new Uint8Array(new SharedArrayBuffer(data.byteLength));
    shared.set(data);
  } else {
    shared = wide ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  }
  return { data: shared, stride: channels, divisor: sampleDivisor(data) };
}

/** I and Q of pixels [start, end) into i[0 …], q[0 …]: toYiq's arithmetic on the samples. */
export function chromaChunk(samples: ChromaSamples, start: number, end: number, i: Float64Array, q: Float64Array): void {
  const { data, stride, divisor } = samples;
  const [, [ir, ig, ib], [qr, qg, qb]] = YIQ;
  for (let p = start, at = start * stride, k = 0; p < end; p++, at += stride, k++) {
    const red = data[at] / divisor,
      green = data[at + 1] / divisor,
      blue = data[at + 2] / divisor;
    i[k] = ir * red + ig * green + ib * blue;
    q[k] = qr * red + qg * green + qb * blue;
  }
}
