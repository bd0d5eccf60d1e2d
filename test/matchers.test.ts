/**
 * The test-suite matchers (fsim-gpu/vitest, fsim-gpu/jest): they pass and fail where they
 * should, write baselines and diff images, and say why in one readable message.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/testing/vitest.js';
import { decodeFile, decodeImage } from '../src/node/decode.js';
import { fsimMatchers } from '../src/testing/matchers.js';
import { image } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'fsim-matchers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** I01 with a 60×40 block repainted, and a mask (black) over it. */
async function changedPair() {
  const ref = await decodeFile(image('I01.bmp'));
  const changed = { ...ref, data: Uint8Array.from(ref.data) };
  for (let y = 100; y < 140; y++)
    for (let x = 200; x < 260; x++) for (let c = 0; c < 3; c++) changed.data[(y * ref.width + x) * 3 + c] = (x * 7 + y * 3) % 256;
  const mask = { width: ref.width, height: ref.height, channels: 1 as const, data: new Uint8Array(ref.width * ref.height).fill(255) };
  for (let y = 90; y < 150; y++) for (let x = 190; x < 270; x++) mask.data[y * ref.width + x] = 0;
  return { ref, changed, mask };
}

/** The matcher's failure message, or null when it passed. */
async function failure(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('toBeSimilarImage', () => {
  it('passes for identical images, as paths, bytes or decoded images', async () => {
    await expect(image('I01.bmp')).toBeSimilarImage(image('I01.bmp'), { minScore: 0.999999 });
    await expect(readFileSync(image('goldhill.png'))).toBeSimilarImage(await decodeFile(image('goldhill.png')), { minScore: 0.999999 });
  });

  it('passes for a JPEG-distorted copy at a tolerant threshold, fails at a strict one', async () => {
    // A pass writes no diff image: only the failing side of the verdict gets one.
    const unused = join(dir, 'passing.png');
    await expect(image('goldhill_jpeg.png')).toBeSimilarImage(image('goldhill.png'), { minScore: 0.8, diffPath: unused });
    expect(existsSync(unused)).toBe(false);
    const message = await failure(() => expect(image('goldhill_jpeg.png')).toBeSimilarImage(image('goldhill.png'), { minScore: 0.999 }));
    expect(message).toMatch(/expected the images to be similar: FSIMc 0\.\d{6} < min score 0\.999 \(FSIM 0\.\d{6}/);
  });

  it('fails for a different scene with both scores, the threshold, the regions and a full-size diff image', async () => {
    const diffPath = join(dir, 'scenes.png');
    const message = await failure(() => expect(image('I03.bmp')).toBeSimilarImage(image('I01.bmp'), { minScore: 0.9, diffPath }));
    expect(message).not.toBeNull();
    expect(message).toMatch(/FSIMc 0\.\d{6} < min score 0\.9 \(FSIM 0\.\d{6}, scale F = 2/);
    expect(message).toMatch(/regions that differ most/);
    expect(message).toMatch(/\(\d+, \d+\) \d+ × \d+: \d+\.\d%/);
    expect(message).toContain(`diff image: ${diffPath}`);
    const diff = await decodeImage(readFileSync(diffPath), 'diff');
    expect([diff.width, diff.height, diff.channels]).toEqual([512, 384, 3]);
    // Not blank: many distinct colours.
    const colours = new Set<number>();
    for (let p = 0; p < diff.width * diff.height; p += 7)
      colours.add((diff.data[3 * p] << 16) | (diff.data[3 * p + 1] << 8) | diff.data[3 * p + 2]);
    expect(colours.size).toBeGreaterThan(100);
    // .not passes for it.
    await expect(image('I03.bmp')).not.toBeSimilarImage(image('I01.bmp'), { minScore: 0.9 });
  });

  it('a masked region that changes: fails without the mask, passes with it', async () => {
    const { ref, changed, mask } = await changedPair();
    const message = await failure(() => expect(changed).toBeSimilarImage(ref, { minScore: 0.995 }));
    // The region found is the repainted block (x 200…259, y 100…139).
    const box = /\((\d+), (\d+)\) (\d+) × (\d+)/.exec(message ?? '');
    expect(box).not.toBeNull();
    const [x, y, w, h] = box!.slice(1).map(Number);
    expect(x).toBeLessThanOrEqual(200);
    expect(y).toBeLessThanOrEqual(100);
    expect(x + w).toBeGreaterThanOrEqual(259);
    expect(y + h).toBeGreaterThanOrEqual(139);
    await expect(changed).toBeSimilarImage(ref, { minScore: 0.995, mask });
  });
});

/** The pixels of two image files are the same (the baseline is re-encoded, never copied). */
async function samePixels(a: string | Uint8Array, b: string | Uint8Array): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map((f) => (typeof f === 'string' ? decodeFile(f) : decodeImage(f, 'image'))));
  return x.width === y.width && x.height === y.height && Buffer.from(x.data).equals(Buffer.from(y.data));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (path: string) => readFileSync(path).subarray(0, 8).equals(PNG_SIGNATURE);

describe('toMatchImageBaseline', () => {
  it('writes a missing baseline, then compares against it; -u rewrites it', async () => {
    const baseline = join(dir, 'baselines', 'goldhill.png');
    await expect(readFileSync(image('goldhill.png'))).toMatchImageBaseline(baseline);
    expect(await samePixels(baseline, image('goldhill.png'))).toBe(true);
    await expect(image('goldhill.png')).toMatchImageBaseline(baseline, { minScore: 0.999999 });
    const message = await failure(() => expect(image('goldhill_jpeg.png')).toMatchImageBaseline(baseline, { minScore: 0.999 }));
    expect(message).toContain(`diff image: ${join(dir, 'baselines', 'goldhill.diff.png')}`);
    // Under -u (snapshot state 'all') the baseline is rewritten and the check passes.
    const jpeg = readFileSync(image('goldhill_jpeg.png'));
    const updated = await fsimMatchers.toMatchImageBaseline.call({ snapshotState: { _updateSnapshot: 'all' } }, jpeg, baseline, {
      minScore: 0.999,
    });
    expect(updated.pass).toBe(true);
    expect(updated.message()).toMatch(/baseline updated/);
    expect(await samePixels(baseline, jpeg)).toBe(true);
  });

  it('writes a baseline from a file path as a PNG of its pixels', async () => {
    const baseline = join(dir, 'from-path.png');
    await expect(image('goldhill.png')).toMatchImageBaseline(baseline);
    expect(await samePixels(baseline, image('goldhill.png'))).toBe(true);
  });

  it('stores a JPEG or a BMP received on the first run as a real PNG (the name says .png)', async () => {
    for (const source of ['app_shoe.jpg', 'I01.bmp']) {
      const baseline = join(dir, `first-${source}.png`);
      await expect(image(source)).toMatchImageBaseline(baseline);
      expect(isPng(baseline), source).toBe(true);
      expect(await samePixels(baseline, image(source)), source).toBe(true);
    }
  });

  it('refuses what is not an image on the first run, and writes no baseline', async () => {
    const corrupt = join(dir, 'corrupt.png');
    writeFileSync(corrupt, readFileSync(image('goldhill.png')).subarray(0, 300));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some words\n');
    for (const [received, message] of [
      [corrupt, /corrupt\.png: truncated or corrupt PNG data/],
      [text, /notes\.txt: not a supported image/],
      [readFileSync(text), /received image: not a supported image/],
      [join(dir, 'nope.png'), /nope\.png: no such file/],
    ] as const) {
      const baseline = join(dir, 'refused', 'baseline.png');
      await expect(expect(received).toMatchImageBaseline(baseline)).rejects.toThrow(message);
      expect(existsSync(baseline)).toBe(false);
    }
  });

  it('checks its options on the first run too', async () => {
    const baseline = join(dir, 'options.png');
    await expect(expect(image('goldhill.png')).toMatchImageBaseline(baseline, { minScore: 2 })).rejects.toThrow(
      /minScore must be a number in \[0, 1\]/,
    );
    expect(existsSync(baseline)).toBe(false);
  });

  it('writes a baseline from a decoded image as PNG', async () => {
    const baseline = join(dir, 'decoded.png');
    const { ref } = await changedPair();
    await expect(ref).toMatchImageBaseline(baseline);
    const back = await decodeImage(readFileSync(baseline), 'baseline');
    expect(Buffer.from(back.data).equals(Buffer.from(ref.data))).toBe(true);
  });
});

describe('toLookLike (a Playwright or Puppeteer page)', () => {
  it('compares the page screenshot with the baseline', async () => {
    const shot = readFileSync(image('goldhill.png'));
    const page = { screenshot: async () => shot };
    const baseline = join(dir, 'page.png');
    await expect(page).toLookLike(baseline); // written
    await expect(page).toLookLike(baseline, { minScore: 0.999999 });
    writeFileSync(baseline, readFileSync(image('goldhill_jpeg.png')));
    const message = await failure(() => expect(page).toLookLike(baseline, { minScore: 0.999 }));
    expect(message).toMatch(/FSIMc 0\.\d{6} < min score 0\.999/);
  });
});

describe('fsim-gpu/jest', () => {
  it('registers the same matchers on the global expect', async () => {
    const extended: object[] = [];
    const global = globalThis as { expect?: unknown };
    const saved = global.expect;
    global.expect = { extend: (m: object) => extended.push(m) };
    try {
      await import('../src/testing/jest.js');
    } finally {
      global.expect = saved;
    }
    expect(extended).toHaveLength(1);
    expect(Object.keys(extended[0]).sort()).toEqual(['toBeSimilarImage', 'toLookLike', 'toMatchImageBaseline']);
  });
});
