/** Shared helpers for the benchmarks: fixture inputs at any size, statistics, the machine. */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_IMAGES } from '../scripts/fixtures.js';
import type { RasterImage } from '../src/image.js';

export { FIXTURES } from '../scripts/fixtures.js';

export function fixture(name: string): string {
  return join(FIXTURE_IMAGES, name);
}

/** A fixture photo resampled to width × height (Lanczos), as RGB. */
export async function photoAt(name: string, width: number, height: number): Promise<RasterImage> {
  // Loaded here, not on import: the device kit runs bench code without sharp.
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(fixture(name))
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The pair every size uses: TID2013 I01 and its distortion (2× versions for detail). */
export async function pairAt(width: number, height: number): Promise<[RasterImage, RasterImage]> {
  return Promise.all([photoAt('I01_x2.png', width, height), photoAt('I01_dist_x2.png', width, height)]);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
