/**
 * The demo never freezes its page: with backend=gpu (SwiftShader where there is no GPU) a
 * 3640×2400 comparison at F = 1 and a 20-image rank each keep the main thread's longest task
 * ≤ 100 ms and its total blocking time ≤ 300 ms (Long Tasks API, from the document's start),
 * with the right scores: the engine decodes, aligns, computes and draws in its Worker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile } from '../../src/node/index.js';
import { GPU_TOLERANCE, golden, goldenResize, image } from '../fixtures.js';
import { launch, serve } from './harness.js';
import { longTasks, recordLongTasks } from './responsiveness.js';

const LONGEST_MS = 100;
const BLOCKING_MS = 300;

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let generated: string;

beforeAll(async () => {
  // A 3640×2400 pair: I01 and its distortion, enlarged (no fixture is that large).
  generated = mkdtempSync(join(tmpdir(), 'fsim-4k-'));
  await Promise.all(
    ['I01.bmp', 'I01_dist.bmp'].map(async (name, k) => {
      const { width, height, channels, data } = await decodeFile(image(name));
      await sharp(data as Uint8Array, { raw: { width, height, channels: channels as 3 } })
        .resize(3640, 2400, { fit: 'fill' })
        .png({ compressionLevel: 1 })
        .toFile(join(generated, k === 0 ? 'ref.png' : 'dist.png'));
    }),
  );
  server = await serve({ '/generated/': generated });
  browser = await launch(true);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');
const settled = (page: Page, key = 'state') =>
  page.waitForFunction((k) => ['done', 'error'].includes(document.body.dataset[k] ?? ''), { timeout: 900_000, polling: 500 }, key);

describe('the demo keeps its page responsive on WebGPU', () => {
  it('a 3640×2400 comparison at F = 1', async () => {
    const page = await browser.newPage();
    await recordLongTasks(page);
    await page.goto(`${server.url}/?backend=gpu&scale=1&ref=/generated/ref.png&dist=/generated/dist.png`);
    await settled(page);
    expect(await page.evaluate(() => document.body.dataset.state), await text(page, 'status')).toBe('done');
    expect(await text(page, 'backend')).toMatch(/^webgpu \(/);
    const tasks = await longTasks(page);
    // The float64 CPU path (the yardstick for the GPU path) on the same files, in Node.
    const cpu = await createFsim({ backend: 'cpu' });
    const want = await cpu.compare(await decodeFile(join(generated, 'ref.png')), await decodeFile(join(generated, 'dist.png')), {
      scale: 1,
    });
    await cpu.dispose();
    expect(Math.abs(Number(await text(page, 'fsim')) - want.fsim)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(Math.abs(Number(await text(page, 'fsimc')) - want.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    console.log(`3640×2400 F = 1 on WebGPU: ${JSON.stringify(tasks)}`);
    expect(tasks.longestMs).toBeLessThanOrEqual(LONGEST_MS);
    expect(tasks.totalBlockingMs).toBeLessThanOrEqual(BLOCKING_MS);
    await page.close();
  }, 900_000);

  it('a 20-image rank, candidates of several sizes aligned to the reference', async () => {
    const page = await browser.newPage();
    await recordLongTasks(page);
    await page.goto(`${server.url}/?backend=gpu&ref=/fixtures/images/I01_tiny17x23.png&dist=/fixtures/images/I01_dist_tiny17x23.png`);
    await settled(page);
    const now = () => page.evaluate(() => Math.round(performance.now()));
    const phases: Record<string, number> = { booted: await now() };
    await page.click('nav [data-mode="rank"]');
    phases.rankMode = await now();
    await ((await page.$('[data-testid="rank-ref-input"]')) as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
      image('I01.bmp'),
    );
    const candidates = [
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
    expect(candidates).toHaveLength(20);
    phases.referenceChosen = await now();
    await ((await page.$('[data-testid="rank-candidates-input"]')) as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(
      ...candidates.map(image),
    );
    phases.candidatesChosen = await now();
    await settled(page, 'rankState');
    phases.ranked = await now();
    const tasks = await longTasks(page);
    const items = await page.$$eval('[data-testid="rank-item"]', (els) =>
      els.map((e) => ({ file: (e as HTMLElement).dataset.file!, score: Number((e as HTMLElement).dataset.score) })),
    );
    expect(items).toHaveLength(20);
    const score = (file: string) => items.find((i) => i.file === file)!.score;
    // The reference's own scores where the fixtures have them (FSIMc, the rank's key for colour).
    expect(score('I01.bmp')).toBeCloseTo(1, 6);
    expect(Math.abs(score('I01_dist.bmp') - golden.find((g) => g.case === 'I01')!.fsimc)).toBeLessThanOrEqual(GPU_TOLERANCE);
    for (const other of ['I03', 'I04', 'I06', 'I08', 'I19']) {
      const want = golden.find((g) => g.case === `I01_vs_${other}`)!.fsimc;
      expect(Math.abs(score(`${other}.bmp`) - want), other).toBeLessThanOrEqual(GPU_TOLERANCE);
    }
    const cover = goldenResize.find((g) => g.case === 'I01_vs_dist640x1000_cover')!.fsimc;
    expect(Math.abs(score('I01_dist_640x1000.png') - cover)).toBeLessThanOrEqual(GPU_TOLERANCE);
    expect(items[0].file).toBe('I01.bmp');
    console.log(`20-image rank on WebGPU: ${JSON.stringify(tasks)}; phases (ms): ${JSON.stringify(phases)}`);
    expect(tasks.longestMs).toBeLessThanOrEqual(LONGEST_MS);
    expect(tasks.totalBlockingMs).toBeLessThanOrEqual(BLOCKING_MS);
    await page.close();
  });
});
