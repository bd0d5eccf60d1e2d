/**
 * `fsim compare --pairs FILE`: many pairs in one process, a bad pair reported on its own line,
 * the file's columns passed through, references prepared once when they repeat.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveCompareOptions } from '../src/fsim.js';
import { createFsim } from '../src/node/index.js';
import { comparePairs, parseTable, readPairs } from '../src/node/pairs.js';
import { CPU_TOLERANCE, golden, image } from './fixtures.js';
import { BIN, countPrepares, runFsim } from './helpers/cli.js';

const fsim = (...args: string[]) => runFsim(args);

/** Golden pairs of 512×384 TID2013 images, by file name. */
const PAIRS = ['I01', 'I03', 'I04', 'I06', 'I08', 'I19'].map((c) => golden.find((g) => g.case === c)!);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fsim-pairs-'));
  mkdirSync(join(dir, 'images'));
  for (const c of PAIRS) for (const f of [c.ref, c.dist]) copyFileSync(image(f), join(dir, 'images', f));
  writeFileSync(join(dir, 'images', 'cut.bmp'), readFileSync(image('I01_dist.bmp')).subarray(0, 5000));
});

describe('the pairs table', () => {
  it('CSV with quotes, CRLF and a BOM; TSV when the header has a tab', () => {
    expect(parseTable('\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n\r\n4,5,6\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', '3'],
      ['4', '5', '6'],
    ]);
    expect(parseTable('ref\tdist\tmos\nr.png\td,1.png\t2\n')).toEqual([
      ['ref', 'dist', 'mos'],
      ['r.png', 'd,1.png', '2'],
    ]);
  });

  it('recognises the usual column names, resolves paths against the file or --root, and says what it lacks', async () => {
    writeFileSync(join(dir, 'kadid.csv'), 'dist_img,ref_img,dmos\nimages/I01_dist.bmp,images/I01.bmp,4.1\n');
    const table = await readPairs(join(dir, 'kadid.csv'));
    expect([table.refColumn, table.distColumn]).toEqual(['ref_img', 'dist_img']);
    expect(table.rows[0]).toMatchObject({
      ref: join(dir, 'images/I01.bmp'),
      dist: join(dir, 'images/I01_dist.bmp'),
      columns: { dmos: '4.1' },
    });
    expect((await readPairs(join(dir, 'kadid.csv'), { root: '/data' })).rows[0].ref).toBe('/data/images/I01.bmp');
    writeFileSync(join(dir, 'odd.csv'), 'original,copy\na.png,b.png\n');
    await expect(readPairs(join(dir, 'odd.csv'))).rejects.toThrow(
      /no reference column .* its columns are original, copy: name one with --ref-column/,
    );
    expect((await readPairs(join(dir, 'odd.csv'), { refColumn: 'original', distColumn: 'copy' })).rows[0].dist).toBe(join(dir, 'b.png'));
    await expect(readPairs(join(dir, 'odd.csv'), { refColumn: 'nope' })).rejects.toThrow(/--ref-column 'nope' is not a column/);
  });

  it('a reference that repeats is prepared once', async () => {
    const rows = Array.from({ length: 6 }, (_, k) => ({
      line: k + 1,
      ref: image('I01.bmp'),
      dist: image(k % 2 ? 'I01_dist.bmp' : 'I01.bmp'),
      columns: {},
    }));
    const engine = await createFsim({ backend: 'cpu' });
    const prepares = countPrepares(engine);
    try {
      const results = [];
      for await (const r of comparePairs(engine, rows, resolveCompareOptions({}))) results.push(r);
      expect(results.map((r) => r.fsim === 1)).toEqual([true, false, true, false, true, false]);
      expect(prepares()).toBe(1 + 6); // the reference once, each distorted image once
    } finally {
      await engine.dispose();
    }
  });
});

describe('fsim compare --pairs', () => {
  it('scores 100 pairs in one process, in order, streaming NDJSON; a missing and a truncated file are reported on their lines; exit 1', () => {
    const lines = ['ref,dist,mos'];
    for (let k = 0; k < 100; k++) {
      if (k === 17) lines.push('images/I01.bmp,images/missing.bmp,1.0');
      else if (k === 58) lines.push('images/I01.bmp,images/cut.bmp,2.0');
      else {
        const c = PAIRS[k % PAIRS.length];
        lines.push(`images/${c.ref},images/${c.dist},${k}`);
      }
    }
    writeFileSync(join(dir, 'hundred.csv'), `${lines.join('\n')}\n`);
    const r = fsim('compare', '--pairs', join(dir, 'hundred.csv'), '--backend', 'cpu', '--json');
    expect(r.status).toBe(1);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(out).toHaveLength(100);
    expect(out[17]).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      ref: 'images/I01.bmp',
      dist: 'images/missing.bmp',
      mos: '1.0',
      error: expect.stringMatching(/missing\.bmp: no such file/),
    });
    expect(out[58].error).toMatch(/cut\.bmp: truncated BMP/);
    for (const [k, o] of out.entries()) {
      if (k === 17 || k === 58) continue;
      const c = PAIRS[k % PAIRS.length];
      expect(o.mos).toBe(String(k));
      expect(Math.abs(o.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
      expect(Math.abs(o.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
    }
    expect(r.stderr).toMatch(/2 of 100 pairs could not be scored/);
  });

  it('--csv passes the columns through; TSV in with --ref-column and --dist-column; exit 0 when all score', () => {
    writeFileSync(join(dir, 'named.tsv'), `original\tcopy\tnote\nimages/I01.bmp\timages/I01_dist.bmp\t"a, b"\n`);
    const r = fsim(
      'compare',
      '--pairs',
      join(dir, 'named.tsv'),
      '--ref-column',
      'original',
      '--dist-column',
      'copy',
      '--csv',
      '--backend',
      'cpu',
    );
    expect(r.status).toBe(0);
    const [header, row] = r.stdout.trim().split('\n');
    expect(header).toBe('original,copy,note,fsim,fsimc,similar,error');
    expect(row).toMatch(/^images\/I01\.bmp,images\/I01_dist\.bmp,"a, b",0\.9367\d+,0\.9258\d+,true,$/);
  });

  it.each([
    [['--pairs', 'x.csv', 'a.png'], /compare --pairs takes no image arguments/],
    [['--pairs', 'x.csv', '--json', '--csv'], /--json and --csv exclude each other/],
    [['a.png', 'b.png', '--root', '/data'], /--root goes with --pairs/],
    [['--pairs', '/nonexistent/pairs.csv'], /pairs\.csv: no such file/],
  ])('bad usage %j: one line, exit 2', (args, message) => {
    const r = fsim('compare', ...(args as string[]), '--backend', 'cpu');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('human output: a header naming the scores, the passed-through columns on every line', () => {
    writeFileSync(
      join(dir, 'noted.csv'),
      'ref,dist,mos,lab\nimages/I01.bmp,images/I01_dist.bmp,4.2,A\nimages/I03.bmp,images/missing.bmp,1.0,B\n',
    );
    const r = fsim('compare', '--pairs', join(dir, 'noted.csv'), '--backend', 'cpu');
    const [header, scored, failed] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^FSIMc {5}FSIM {6}verdict {6}ref {2}dist {2}mos {2}lab$/);
    expect(scored).toMatch(/^0\.925871 {2}0\.936738 {2}similar {6}images\/I01\.bmp {2}images\/I01_dist\.bmp {2}4\.2 {2}A$/);
    expect(failed).toMatch(/^error .*images\/missing\.bmp {2}1\.0 {2}B: .*no such file/);
  });

  it('a progress bar on the same screen leaves the result lines whole (it clears its line before each)', () => {
    // stdout and stderr into one pipe, as a terminal shows them.
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${BIN}" compare --pairs "${join(dir, 'noted.csv')}" --backend cpu --progress 2>&1`],
      {
        encoding: 'utf8',
      },
    );
    const lines = [...r.stdout.matchAll(/0\.\d{6} {2}0\.\d{6} {2}similar/g)];
    expect(lines.length).toBe(1);
    for (const line of lines) expect(['\n', 'K']).toContain(r.stdout[line.index! - 1]);
  });
});
