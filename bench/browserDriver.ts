/**
 * `npm run bench:browser`: runs the benchmark page (demo/bench.html) in headless Chromium
 * with WebGPU and writes its results as JSON.
 *   tsx bench/browserDriver.ts [--sizes 512x384,1920x1080] [--runs 10] [--cpu 1] [--threads 1,2] [--out bench/results/browser.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { launch, serve } from '../test/browser/harness.js';
import { flag } from './common.js';

const query = new URLSearchParams({
  sizes: flag('sizes') ?? '512x384,1920x1080',
  runs: flag('runs') ?? '10',
  cpu: flag('cpu') ?? '1',
  source: flag('source') ?? 'synthetic',
  threads: flag('threads') ?? '',
});
const out = flag('out') ?? 'bench/results/browser.json';
const server = await serve();
const browser = await launch(true);
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`page: ${m.text()}`));
  await page.goto(`${server.url}/bench.html?${query}`);
  await page.waitForFunction(() => (window as unknown as { benchResults?: unknown }).benchResults !== undefined, {
    timeout: 0,
    polling: 1000,
  });
  const results = await page.evaluate(() => (window as unknown as { benchResults: unknown }).benchResults);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${out}`);
} finally {
  await browser.close();
  await server.close();
}
