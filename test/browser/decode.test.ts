/**
 * Chromium's own image decoders as the second decoder: every BMP layout of the Node decode
 * tests, decoded in the page (fsim.decodeBlob: browser codecs, no colour management), must
 * give exactly the pixels Node decodes — so the demo and the CLI score the same files alike.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { sampleDivisor } from '../../src/image.js';
import { decodeImage } from '../../src/node/decode.js';
import { encodeBmp } from '../helpers/bmp.js';
import { bmpVariants, testCard } from '../helpers/bmpVariants.js';
import { png } from '../helpers/encode.js';
import { image } from '../fixtures.js';
import { launch, serve } from './harness.js';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serve();
  browser = await launch(false);
  page = await browser.newPage();
  await page.goto(`${server.url}/?backend=cpu`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 600_000 });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * RGB of a file as the page decodes it (fsim.decodeBlob in the page), after checking that the
 * engine's Worker (createFsim({ worker: true }).decode, as the demo decodes) gives the same.
 */
async function decodeInBrowser(bytes: Uint8Array, name: string): Promise<{ width: number; height: number; rgb: number[] }> {
  const { inPage, inWorker } = await page.evaluate(
    async (base64, fileName) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      type Raster = { width: number; height: number; channels: number; data: ArrayLike<number> };
      type Engine = { decode(b: Blob, n: string): Promise<{ raster(): Promise<Raster>; release(): void }> };
      const api = (
        globalThis as unknown as { fsim: { decodeBlob(b: Blob, n: string): Promise<Raster>; createFsim(o: object): Promise<Engine> } }
      ).fsim;
      const host = globalThis as unknown as { engine?: Promise<Engine> };
      host.engine ??= api.createFsim({ worker: true, backend: 'cpu' });
      const rgbOf = (image: Raster) => {
        const rgb: number[] = [];
        for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) rgb.push(image.data[p * image.channels + c]);
        return { width: image.width, height: image.height, rgb };
      };
      const handle = await (await host.engine).decode(new Blob([data]), fileName);
      const worker = rgbOf(await handle.raster());
      handle.release();
      return { inPage: rgbOf(await api.decodeBlob(new Blob([data]), fileName)), inWorker: worker };
    },
    Buffer.from(bytes).toString('base64'),
    name,
  );
  expect(inWorker, `${name}: decoded in the engine's worker as in the page`).toEqual(inPage);
  return inPage;
}

describe('BMP layouts: Chromium and Node decode the same pixels', () => {
  it.each(bmpVariants.map((v) => [v.name, v] as const))('%s', async (name, variant) => {
    const { bytes } = encodeBmp(variant.image, variant.layout);
    const node = await decodeImage(bytes, name);
    const browserImage = await decodeInBrowser(bytes, name);
    expect([browserImage.width, browserImage.height]).toEqual([node.width, node.height]);
    expect(browserImage.rgb).toEqual([...node.data]);
  });
});

describe('the same files decode alike in Chromium and Node (pixels as stored)', () => {
  const sameAsNode = async (bytes: Uint8Array, name: string, tolerance = 0) => {
    const node = await decodeImage(bytes, name);
    const browserImage = await decodeInBrowser(bytes, name);
    expect([browserImage.width, browserImage.height]).toEqual([node.width, node.height]);
    const nodeRgb = Array.from(
      { length: node.width * node.height * 3 },
      (_, i) => node.data[Math.floor(i / 3) * node.channels + (node.channels === 1 ? 0 : i % 3)] / sampleDivisor(node.data),
    );
    let worst = 0;
    for (let i = 0; i < nodeRgb.length; i++) worst = Math.max(worst, Math.abs(browserImage.rgb[i] - nodeRgb[i]));
    expect(worst).toBeLessThanOrEqual(tolerance);
  };

  it.each(['app_printer1.jpg', 'app_printer2.jpg'])('%s (an ICC-tagged JPEG: the profile is not applied)', async (name) => {
    await sameAsNode(readFileSync(image(name)), name);
  });

  it('a JPEG with an EXIF orientation tag (not applied: stored rows and columns)', async () => {
    const rgb = Buffer.from(testCard(24, 16).rgb);
    const jpeg = await sharp(rgb, { raw: { width: 24, height: 16, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const node = await decodeImage(jpeg, 'rotated.jpg');
    expect([node.width, node.height]).toEqual([24, 16]);
    await sameAsNode(jpeg, 'rotated.jpg');
  });

  it('a palette PNG with transparency (colours as stored, alpha ignored)', async () => {
    const rgba = Buffer.from(
      Array.from({ length: 20 * 12 * 4 }, (_, i) => (i % 4 === 3 ? (i * 37) % 256 : (Math.floor(i / 4) * 11 + (i % 4) * 80) % 256)),
    );
    const pal = await sharp(rgba, { raw: { width: 20, height: 12, channels: 4 } })
      .png({ palette: true, colours: 12, dither: 0 })
      .toBuffer();
    await sameAsNode(pal, 'palette.png');
  });

  it('the same rotation tag in a PNG (eXIf) and a WebP (EXIF) is not applied either', async () => {
    const rgb = Buffer.from(testCard(24, 16).rgb);
    for (const format of ['png', 'webp'] as const) {
      const bytes = await sharp(rgb, { raw: { width: 24, height: 16, channels: 3 } })
        [format](format === 'webp' ? { lossless: true } : {})
        .withMetadata({ orientation: 8 })
        .toBuffer();
      expect((await sharp(bytes).metadata()).orientation).toBe(8);
      await sameAsNode(bytes, `rotated.${format}`);
    }
  });

  it('a 16-bit PNG: Node keeps 16 bits (v / 257), the browser decodes 8 (⌊v / 256⌋), less than one level apart', async () => {
    const samples = Array.from({ length: 16 * 10 * 3 }, (_, i) => (i * 2741) % 65536);
    const bytes = png(16, 10, 2, 16, samples);
    await sameAsNode(bytes, 'deep.png', 1 - 1e-9);
    expect((await decodeInBrowser(bytes, 'deep.png')).rgb).toEqual(samples.map((v) => v >> 8));
  });
});
