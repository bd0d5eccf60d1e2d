/** Ranking (issue 5): order from the reference scores, bad candidates kept aside, the reference prepared once. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsim, decodeFile, decodeImage, FsimError, rank, type Fsim, type RankCandidate } from '../src/node/index.js';
import { CPU_TOLERANCE, GPU_TOLERANCE, golden, image } from './fixtures.js';

const score = (name: string) => golden.find((g) => g.case === name)!;
// Against I01: itself (1), its distortion, then the other scenes in their golden FSIMc order.
const EXPECTED = ['I01.bmp', 'I01_dist.bmp', 'I04.bmp', 'I06.bmp', 'I19.bmp', 'I08.bmp', 'I03.bmp'];
const GOLDEN_FSIMC: Record<string, number> = {
  'I01.bmp': 1,
  'I01_dist.bmp': score('I01').fsimc,
  'I03.bmp': score('I01_vs_I03').fsimc,
  'I04.bmp': score('I01_vs_I04').fsimc,
  'I06.bmp': score('I01_vs_I06').fsimc,
  'I08.bmp': score('I01_vs_I08').fsimc,
  'I19.bmp': score('I01_vs_I19').fsimc,
};

function candidates(): RankCandidate[] {
  const files = ['I03.bmp', 'I19.bmp', 'I01_dist.bmp', 'I08.bmp', 'I01.bmp', 'I06.bmp', 'I04.bmp'];
  const good = files.map((f) => ({ name: f, load: () => decodeFile(image(f)) }));
  const truncated = { name: 'cut.png', load: () => decodeImage(readFileSync(image('I01_rgba.png')).subarray(0, 5000), 'cut.png') };
  const wrongSize = { name: 'app_printer1.jpg', load: () => decodeFile(image('app_printer1.jpg')) };
  return [good[0], truncated, ...good.slice(1, 4), wrongSize, ...good.slice(4)];
}

describe.each(['cpu', 'gpu'] as const)('rank() on the %s backend', (backend) => {
  let engine: Fsim;
  let prepares = 0;
  beforeAll(async () => {
    engine = await createFsim({ backend, limits: 'default' });
    const prepare = engine.backend.prepare.bind(engine.backend);
    engine.backend.prepare = (...args) => {
      prepares++;
      return prepare(...args);
    };
  });
  afterAll(() => engine.dispose());

  it('orders by the reference scores, lists bad candidates, prepares the reference once', async () => {
    const tolerance = backend === 'cpu' ? CPU_TOLERANCE : GPU_TOLERANCE;
    const seen: string[] = [];
    prepares = 0;
    const r = await rank(engine, await decodeFile(image('I01.bmp')), candidates(), {
      progress: (done, total, name) => seen.push(`${done}/${total}:${name}`),
    });
    expect(r.by).toBe('fsimc');
    expect(r.results.map((e) => e.file)).toEqual(EXPECTED);
    for (const e of r.results) expect(Math.abs(e.fsimc - GOLDEN_FSIMC[e.file])).toBeLessThanOrEqual(tolerance);
    expect(r.results.map((e) => e.similar)).toEqual([true, true, false, false, false, false, false]);
    expect(r.errors.map((e) => e.file)).toEqual(['cut.png', 'app_printer1.jpg']);
    expect(r.errors[0].error).toMatch(/truncated or corrupt/);
    expect(r.errors[1].error).toMatch(/size|differs/);
    expect(seen).toHaveLength(9);
    expect(seen[8]).toBe('9/9:I04.bmp');
    // The reference once, then each decodable candidate of the right size once.
    expect(r.referencePrepared).toBe(1);
    expect(prepares).toBe(1 + 7);
  });

  it('top K, sort by FSIM, and cancellation', async () => {
    const ref = await decodeFile(image('I01.bmp'));
    const top = await rank(engine, ref, candidates(), { top: 3, by: 'fsim' });
    expect(top.by).toBe('fsim');
    expect(top.results.map((e) => e.file)).toEqual(['I01.bmp', 'I01_dist.bmp', 'I04.bmp']);
    const abort = new AbortController();
    const cancelled = rank(engine, ref, candidates(), { progress: (done) => done === 2 && abort.abort(), signal: abort.signal });
    await expect(cancelled).rejects.toThrow(FsimError);
    await expect(cancelled).rejects.toThrow(/cancelled/);
  });
});

describe('greyscale candidates of a colour reference', () => {
  it('are ranked on both backends, with the CPU scores on the GPU (chroma compared against zero)', async () => {
    const ref = await decodeFile(image('I01.bmp'));
    const greyOf = async (f: string) => {
      const rgb = await decodeFile(image(f));
      return {
        width: rgb.width,
        height: rgb.height,
        channels: 1 as const,
        data: new Uint8Array(rgb.width * rgb.height).map((_, p) => rgb.data[p * 3 + 1]),
      };
    };
    const list = (): RankCandidate[] => ['I01_dist.bmp', 'I03.bmp'].map((f) => ({ name: f, load: () => greyOf(f) }));
    const scores: Record<string, Record<string, number>> = {};
    for (const backend of ['cpu', 'gpu'] as const) {
      const engine = await createFsim({ backend });
      try {
        const r = await rank(engine, ref, list());
        expect(r.errors).toEqual([]);
        expect(r.results.map((e) => e.file)).toEqual(['I01_dist.bmp', 'I03.bmp']);
        for (const e of r.results) expect(e.fsimc).toBeLessThan(e.fsim);
        scores[backend] = Object.fromEntries(r.results.map((e) => [e.file, e.fsimc]));
      } finally {
        await engine.dispose();
      }
    }
    for (const f of ['I01_dist.bmp', 'I03.bmp']) expect(Math.abs(scores.gpu[f] - scores.cpu[f])).toBeLessThanOrEqual(GPU_TOLERANCE);
  });
});

describe('fsim rank', () => {
  const BIN = resolve(import.meta.dirname, '../bin/fsim.js');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fsim-rank-'));
    mkdirSync(join(dir, 'set/nested'), { recursive: true });
    for (const f of ['I03.bmp', 'I01_dist.bmp']) copyFileSync(image(f), join(dir, 'set', f));
    copyFileSync(image('I19.bmp'), join(dir, 'set/nested/I19.bmp'));
    writeFileSync(join(dir, 'set/nested/notes.txt'), 'not an image');
    writeFileSync(join(dir, 'set/broken.png'), 'not a png either');
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'rank', ...args], { encoding: 'utf8', timeout: 300_000 });

  it('--json ranks a directory recursively plus files, bad candidates in errors, exit 1', () => {
    const r = run(image('I01.bmp'), join(dir, 'set'), image('I06.bmp'), image('app_printer2.jpg'), '--json', '--backend', 'cpu');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.reference).toBe(image('I01.bmp'));
    expect(out.results.map((e: { file: string }) => e.file.split('/').pop())).toEqual(['I01_dist.bmp', 'I06.bmp', 'I19.bmp', 'I03.bmp']);
    for (const e of out.results) expect(Object.keys(e).sort()).toEqual(['file', 'fsim', 'fsimc', 'similar']);
    expect(out.errors.map((e: { file: string }) => e.file.split('/').pop())).toEqual(['broken.png', 'app_printer2.jpg']);
    expect(out.errors[0].error).toMatch(/not a supported image/);
  });

  it('exit 0 when every candidate is scored; --top; human output; progress on stderr', () => {
    const r = run(image('I01.bmp'), image('I03.bmp'), image('I01_dist.bmp'), '--top', '1', '--backend', 'cpu', '--progress');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ 1 {2}0\.925871 {2}0\.936738 {2}similar +.*I01_dist\.bmp/);
    expect(r.stdout).not.toMatch(/I03\.bmp/);
    expect(r.stderr).toMatch(/\[#+-*\] 2\/2/);
  });

  it('special files among the candidates land in errors without blocking the ranking', () => {
    spawnSync('mkfifo', [join(dir, 'pipe.png')]);
    const r = run(image('I01.bmp'), join(dir, 'pipe.png'), '/dev/zero', image('I01_dist.bmp'), '--json', '--backend', 'cpu');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((e: { file: string }) => e.file)).toEqual([image('I01_dist.bmp')]);
    expect(out.errors).toEqual([
      { file: join(dir, 'pipe.png'), error: expect.stringMatching(/not a regular file/) },
      { file: '/dev/zero', error: expect.stringMatching(/not a regular file/) },
    ]);
  });

  it('a folder is read for images by their bytes (an extensionless PNG counts, a text file does not); no candidate at all is an error', () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder, { recursive: true });
    copyFileSync(image('I01_dist.bmp'), join(folder, 'no-extension'));
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    const r = run(image('I01.bmp'), folder, '--json', '--backend', 'cpu');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results.map((e: { file: string }) => e.file)).toEqual([join(folder, 'no-extension')]);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const none = run(image('I01.bmp'), empty, '--backend', 'cpu');
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/no candidate images in .*empty/);
  });

  it('exit 2 for an unreadable reference or bad usage', () => {
    const missing = run(join(dir, 'nope.png'), image('I01.bmp'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.png: no such file/);
    expect(run(image('I01.bmp')).status).toBe(2);
    expect(run(image('I01.bmp'), image('I03.bmp'), '--by', 'psnr').stderr).toMatch(/--by must be fsim or fsimc/);
    expect(run(image('I01.bmp'), image('I03.bmp'), '--maps', 'x').stderr).toMatch(/unknown option --maps/);
  });
});
