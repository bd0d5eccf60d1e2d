/**
 * Renders the README's demo screenshots (docs/*.webp) in headless Chromium on WebGPU:
 *   npm run screenshots
 */
import { mkdirSync } from 'node:fs';
import { launch, serve } from '../test/browser/harness.js';

mkdirSync('docs', { recursive: true });
const server = await serve();
const browser = await launch(true);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  await page.goto(`${server.url}/?ref=/fixtures/images/I01.bmp&dist=/fixtures/images/I01_dist.bmp`);
  await page.waitForFunction(() => document.body.dataset.state === 'done', { timeout: 300_000 });
  await page.click('[data-zoom="1"]');
  await page.screenshot({ path: 'docs/demo-compare.webp', type: 'webp', quality: 82 });
  await page.click('[data-view="pc"]');
  const maps = await page.$('.maps');
  await maps!.screenshot({ path: 'docs/demo-pc.webp', type: 'webp', quality: 82 });
  await page.click('[data-view="difference"]');
  await maps!.screenshot({ path: 'docs/demo-difference.webp', type: 'webp', quality: 82 });
  // Two images of different sizes: aligned (cover), with the note saying how.
  await page.goto(`${server.url}/?ref=/fixtures/images/app_printer1.jpg&dist=/fixtures/images/app_printer2.jpg`);
  await page.waitForFunction(() => document.body.dataset.state === 'done', { timeout: 300_000 });
  await page.click('[data-zoom="1"]');
  await page.screenshot({ path: 'docs/demo-mixed-sizes.webp', type: 'webp', quality: 82 });
  console.log('wrote docs/demo-compare.webp, docs/demo-pc.webp, docs/demo-difference.webp, docs/demo-mixed-sizes.webp');
} finally {
  await browser.close();
  await server.close();
}
