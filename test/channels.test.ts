/**
 * Every channel layout and sample type against every other, on both backends: grey, RGB and
 * RGBA, 8-bit, 16-bit and float. 16-bit samples (v·257) and float samples (v) carry the same
 * values as 8-bit v, so the CPU path must give the 8-bit scores exactly, and the GPU path the
 * CPU scores within the f32 tolerance — colour against grey included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, type Fsim, type RasterImage } from '../src/node/index.js';
import { GPU_TOLERANCE, image } from './fixtures.js';

const W = 128,
  H = 96;

/** A crop of a decoded RGB image. */
function crop(source: RasterImage, x0: number, y0: number): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = source.data[((y0 + y) * source.width + x0 + x) * source.channels + c];
    }
  return out;
}

type Layout = 'grey8' | 'rgb8' | 'rgba8' | 'grey16' | 'rgb16' | 'rgba16' | 'rgbFloat';
const LAYOUTS: Layout[] = ['grey8', 'rgb8', 'rgba8', 'grey16', 'rgb16', 'rgba16', 'rgbFloat'];

function asLayout(rgb: Uint8Array, layout: Layout): RasterImage {
  const n = W * H;
  const channels = layout.startsWith('grey') ? 1 : layout.startsWith('rgba') ? 4 : 3;
  const data = layout.endsWith('16')
    ? new Uint16Array(n * channels)
    : layout === 'rgbFloat'
      ? new Float32Array(n * channels)
      : new Uint8Array(n * channels);
  const scale = layout.endsWith('16') ? 257 : 1;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      // Grey takes the green channel; alpha gets noise that must be ignored.
      const v = channels === 1 ? rgb[p * 3 + 1] : c < 3 ? rgb[p * 3 + c] : (p * 37) % 256;
      data[p * channels + c] = v * scale;
    }
  }
  return { width: W, height: H, channels: channels as 1 | 3 | 4, data };
}

/** The layout whose 8-bit twin gives the same scores. */
const canonical = (layout: Layout): Layout => (layout.startsWith('grey') ? 'grey8' : 'rgb8');

let cpu: Fsim, gpu: Fsim;
let refRgb: Uint8Array, distRgb: Uint8Array;
beforeAll(async () => {
  [cpu, gpu] = await Promise.all([createFsim({ backend: 'cpu' }), createFsim({ backend: 'gpu' })]);
  refRgb = crop(await decodeFile(image('I01.bmp')), 200, 150);
  distRgb = crop(await decodeFile(image('I01_dist.bmp')), 200, 150);
});
afterAll(async () => {
  await cpu?.dispose();
  await gpu?.dispose();
});

const pairs = LAYOUTS.flatMap((a) => LAYOUTS.map((b) => [a, b] as const));

describe('channel layouts and sample types', () => {
  const canonicalScores = new Map<string, { fsim: number; fsimc: number }>();
  const cpuScore = async (a: Layout, b: Layout) => {
    const key = `${a}/${b}`;
    if (!canonicalScores.has(key)) canonicalScores.set(key, await cpu.compare(asLayout(refRgb, a), asLayout(distRgb, b), { scale: 1 }));
    return canonicalScores.get(key)!;
  };

  it.each(pairs)('%s against %s', async (a, b) => {
    const ref = asLayout(refRgb, a);
    const dist = asLayout(distRgb, b);
    const onCpu = await cpu.compare(ref, dist, { scale: 1 });
    const expected = await cpuScore(canonical(a), canonical(b));
    expect(onCpu.fsim).toBe(expected.fsim);
    expect(onCpu.fsimc).toBe(expected.fsimc);
    expect(onCpu.colour).toBe(!(a.startsWith('grey') && b.startsWith('grey')));
    if (onCpu.colour && (a.startsWith('grey') || b.startsWith('grey'))) expect(onCpu.fsimc).toBeLessThan(onCpu.fsim);
    const onGpu = await gpu.compare(ref, dist, { scale: 1 });
    expect(Math.abs(onGpu.fsim - onCpu.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(onGpu.fsimc - onCpu.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});
