/**
 * Chromium's own image decoders as the second decoder: every BMP layout of the Node decode
 * tests, decoded in the page (fsim.decodeBlob: browser codecs, no colour management), must
 * give exactly the pixels Node decodes — so the demo and the CLI score the same files alike.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/node/decode.js';
import { encodeBmp } from '../helpers/bmp.js';
import { bmpVariants } from '../helpers/bmpVariants.js';
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

/** RGB of a file as the page decodes it. */
async function decodeInBrowser(bytes: Uint8Array, name: string): Promise<{ width: number; height: number; rgb: number[] }> {
  return page.evaluate(async (base64, fileName) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const api = (globalThis as unknown as { fsim: { decodeBlob(b: Blob, n: string): Promise<{ width: number; height: number; channels: number; data: ArrayLike<number> }> } }).fsim;
    const image = await api.decodeBlob(new Blob([data]), fileName);
    const rgb: number[] = [];
    for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) rgb.push(image.data[p * image.channels + c]);
    return { width: image.width, height: image.height, rgb };
  }, Buffer.from(bytes).toString('base64'), name);
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
