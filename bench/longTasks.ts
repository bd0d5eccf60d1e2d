/**
 * `npm run bench:long-tasks`: how long the demo's main thread is blocked while it works, in
 * headless Chromium (WebGPU on SwiftShader where there is no GPU). Each case opens the demo with
 * its URL parameters (or, for a rank, uploads 20 fixture images in rank mode), waits until it
 * is done, and reads the page's long tasks (Long Tasks API, from the document's start): the
 * longest, and the total blocking time (Σ of each one's time over 50 ms).
 *   tsx bench/longTasks.ts [--site DIR] [--cases 3640x2400@1/gpu,…] [--json FILE]
 * A case is WIDTHxHEIGHT@SCALE/BACKEND (a pair of I01_x2 resampled to that size, written as PNG)
 * or rank20/BACKEND. --site serves another build of the demo (an older commit's dist-demo, for
 * a before/after in one run); the default is this checkout's dist-demo.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { launch, SITE, serve } from '../test/browser/harness.js';
import { longTasks, recordLongTasks } from '../test/browser/responsiveness.js';
import { fixture, flag, machine, pairAt } from './common.js';

const DEFAULT_CASES = '3640x2400@1/gpu,1920x1080@1/gpu,3640x2400@auto/gpu,1920x1080@1/cpu,rank20/gpu';
const RANK_CANDIDATES = [
  ...['I01', 'I03', 'I04', 'I06', 'I08', 'I19'].flatMap((n) => [`${n}.bmp`, `${n}_dist.bmp`]),
  'I01_640x1000.png',
  'I01_dist_640x1000.png',
  'I01_x2.png',
  'I01_dist_x2.png',
  'I01_crop383x511.png',
  'goldhill.png',
  'app_shoe.jpg',
  'app_printer2.jpg',
];

const site = resolve(flag('site') ?? SITE);
const generated = mkdtempSync(join(tmpdir(), 'fsim-long-tasks-'));
const server = await serve({ '/generated/': generated }, site);
const browser = await launch(true);
const rows: Record<string, unknown>[] = [];
console.log(`Long tasks of the demo (${site}) in headless Chromium: ${machine()}`);
console.log('| case | longest main-thread task | total blocking time | long tasks | wall time | FSIMc |');
console.log('| --- | --- | --- | --- | --- | --- |');
try {
  for (const spec of (flag('cases') ?? DEFAULT_CASES).split(',')) {
    const [what, backend] = spec.split('/');
    const page = await browser.newPage();
    await recordLongTasks(page);
    const done = (key: string) =>
      page.waitForFunction((k) => ['done', 'error'].includes(document.body.dataset[k] ?? ''), { timeout: 0, polling: 500 }, key);
    const started = performance.now();
    let score = '';
    if (what === 'rank20') {
      await page.goto(
        `${server.url}/?backend=${backend}&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`,
      );
      await done('state');
      await page.click('nav [data-mode="rank"]');
      await ((await page.$('[data-testid="rank-ref-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
        fixture('I01.bmp'),
      );
      await (
        (await page.$('[data-testid="rank-candidates-input"]')) as unknown as { uploadFile(...p: string[]): Promise<void> }
      ).uploadFile(...RANK_CANDIDATES.map(fixture));
      await done('rankState');
      score = await page.$eval('[data-testid="rank-status"]', (e) => e.textContent ?? '');
    } else {
      const [size, scale] = what.split('@');
      const [width, height] = size.split('x').map(Number);
      const [ref, dist] = await pairAt(width, height);
      for (const [name, image] of [
        [`ref-${size}.png`, ref],
        [`dist-${size}.png`, dist],
      ] as const) {
        const png = await sharp(image.data as Uint8Array, { raw: { width, height, channels: 3 } })
          .png({ compressionLevel: 1 })
          .toBuffer();
        writeFileSync(join(generated, name), png);
      }
      await page.goto(`${server.url}/?backend=${backend}&scale=${scale}&ref=/generated/ref-${size}.png&dist=/generated/dist-${size}.png`);
      await done('state');
      score = await page.$eval('[data-testid="fsimc"]', (e) => e.textContent ?? '');
    }
    const wallMs = performance.now() - started;
    const state = await page.evaluate(() => `${document.body.dataset.state}/${document.body.dataset.rankState ?? ''}`);
    const tasks = await longTasks(page);
    const shownBackend = await page.$eval('[data-testid="backend"]', (e) => e.textContent ?? '');
    rows.push({ case: spec, ...tasks, wallMs: Math.round(wallMs), score, backend: shownBackend, state });
    console.log(
      `| ${spec} (${shownBackend}) | ${tasks.longestMs.toFixed(0)} ms | ${tasks.totalBlockingMs.toFixed(0)} ms | ${tasks.count} | ${(wallMs / 1000).toFixed(1)} s | ${score} |`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const out = flag('json');
if (out) writeFileSync(out, JSON.stringify({ machine: machine(), site, rows }, null, 2));
console.log(JSON.stringify({ longTasks: rows }));
