/**
 * fsim-gpu in the browser: WebGPU through navigator.gpu, images decoded by the browser.
 * The CPU backend runs inline here; pages should call it from a Web Worker (the demo does).
 */
import { CpuBackend } from '../cpu/backend.js';
import { InlineExecutor } from '../cpu/executor.js';
import { FsimError } from '../errors.js';
import { Fsim } from '../fsim.js';
import { GpuBackend } from '../gpu/backend.js';
import { DeviceManager, type LimitsPolicy } from '../gpu/device.js';
import type { RasterImage } from '../image.js';

export * from '../index.js';
export { GpuBackend } from '../gpu/backend.js';
export { DeviceManager } from '../gpu/device.js';

export interface BrowserEngineOptions {
  /** 'gpu' never falls back; 'auto' (default) uses the CPU when WebGPU is missing and says so in `backend`. */
  backend?: 'gpu' | 'cpu' | 'auto';
  limits?: LimitsPolicy;
}

export const browserGpu = async (): Promise<GPU | undefined> => (globalThis.navigator as Navigator | undefined)?.gpu;

export async function createFsim(options: BrowserEngineOptions = {}): Promise<Fsim> {
  const kind = options.backend ?? 'auto';
  if (kind !== 'cpu') {
    try {
      return new Fsim(await GpuBackend.create(new DeviceManager(browserGpu, { limits: options.limits, noAdapterHint: 'WebGPU is disabled or unsupported in this browser' })));
    } catch (error) {
      if (kind === 'gpu') throw error;
      return new Fsim(new CpuBackend(new InlineExecutor(), `WebGPU unavailable: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  return new Fsim(new CpuBackend(new InlineExecutor()));
}

/**
 * Decodes an encoded image with the browser's codecs, without colour management or alpha
 * premultiplication (both would change the pixel values the reference sees).
 */
export async function decodeBlob(blob: Blob, name = 'image'): Promise<RasterImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new FsimError('INPUT', `${name}: not a decodable image (PNG, JPEG, BMP, GIF or WebP)`);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new FsimError('INPUT', `${name}: no 2-D canvas to decode into`);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { width, height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export async function decodeUrl(url: string): Promise<RasterImage> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new FsimError('INPUT', `${url}: cannot fetch (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new FsimError('INPUT', `${url}: HTTP ${response.status}`);
  return decodeBlob(await response.blob(), url);
}
