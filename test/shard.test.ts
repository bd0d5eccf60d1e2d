/**
 * Batches on a cluster: `--shard K/N` (or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX and
 * JOB_COMPLETIONS) splits `compare --pairs` by row and `rank` by sorted candidate path, and
 * `fsim merge` joins the shards' --json outputs into exactly what one process prints.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { image } from './fixtures.js';
import { runFsim } from './helpers/cli.js';

let dir: string;
let pairsFile: string;
let folder: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fsim-shard-'));
  pairsFile = join(dir, 'pairs.csv');
  const rows = [
    ['I01.bmp', 'I01_dist.bmp', 'a'],
    ['I03.bmp', 'I03_dist.bmp', 'b'],
    ['I01.bmp', 'missing.png', 'c'],
    ['I04.bmp', 'I04_dist.bmp', 'd'],
    ['I06.bmp', 'I06_dist.bmp', 'e'],
    ['I01.bmp', 'I03.bmp', 'f'],
    ['I08.bmp', 'I08_dist.bmp', 'g'],
  ];
  writeFileSync(pairsFile, `ref_img,dist_img,note\n${rows.map(([r, d, n]) => `${image(r)},${image(d)},${n}`).join('\n')}\n`);
  folder = join(dir, 'candidates');
  mkdirSync(folder);
  for (const name of ['I01_dist.bmp', 'I03.bmp', 'I04.bmp', 'I06.bmp', 'I08.bmp', 'I19.bmp', 'I03_dist.bmp'])
    copyFileSync(image(name), join(folder, name));
  // A damaged file: listed in errors by the shard that has it.
  writeFileSync(join(folder, 'broken.png'), 'not a png');
});

const lines = (text: string) => text.trim().split('\n');

describe('compare --pairs --shard K/N', () => {
  it('N shards merged print what one process prints, in row order', () => {
    const whole = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu']);
    expect(whole.status).toBe(1); // one pair has a missing file
    const files: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const shard = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu', '--shard', `${k}/3`]);
      const out = lines(shard.stdout).map((l) => JSON.parse(l));
      // Rows k, k+3, …: each line says its row.
      expect(out.map((o) => o.row)).toEqual([1, 2, 3, 4, 5, 6, 7].filter((row) => (row - 1) % 3 === k - 1));
      files.push(join(dir, `pairs-${k}.ndjson`));
      writeFileSync(files.at(-1)!, shard.stdout);
    }
    const merged = runFsim(['merge', ...files.reverse()]);
    expect(merged.status, merged.stderr).toBe(0);
    const got = lines(merged.stdout).map((l) => {
      const { row: _row, ...rest } = JSON.parse(l);
      return rest;
    });
    expect(got).toEqual(lines(whole.stdout).map((l) => JSON.parse(l)));
  });

  it('takes its share from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX is 0-based)', () => {
    const env = { ...process.env, JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '3' };
    const fromJob = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu'], { env });
    const fromFlag = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu', '--shard', '2/3']);
    const rows = (text: string) => lines(text).map((l) => [JSON.parse(l).row, JSON.parse(l).fsim]);
    expect(rows(fromJob.stdout)).toEqual(rows(fromFlag.stdout));
    expect(rows(fromJob.stdout).map(([row]) => row)).toEqual([2, 5]);
    const noCount = runFsim(['compare', '--pairs', pairsFile, '--json'], { env: { ...process.env, JOB_COMPLETION_INDEX: '0' } });
    expect(noCount.status).toBe(2);
    expect(noCount.stderr).toMatch(/JOB_COMPLETIONS is not/);
  });

  it('refuses a share that is not K/N with 1 ≤ K ≤ N', () => {
    for (const bad of ['0/3', '4/3', '3', 'a/b', '1/0']) {
      const r = runFsim(['compare', '--pairs', pairsFile, '--shard', bad]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--shard must be K\/N/);
    }
  });
});

describe('rank --shard K/N', () => {
  it('N shards of a folder merged are one ranking, best first, as one process ranks it (with --top too)', () => {
    for (const top of [[], ['--top', '3']]) {
      const whole = JSON.parse(runFsim(['rank', image('I01.bmp'), folder, '--json', '--backend', 'cpu', ...top]).stdout);
      const files: string[] = [];
      for (let k = 1; k <= 3; k++) {
        const shard = runFsim(['rank', image('I01.bmp'), folder, '--json', '--backend', 'cpu', '--shard', `${k}/3`, ...top]);
        // 1 for the shard that has broken.png (its errors say so).
        expect(shard.status, shard.stderr).toBe(JSON.parse(shard.stdout).errors.length > 0 ? 1 : 0);
        expect(JSON.parse(shard.stdout).shard).toBe(`${k}/3`);
        files.push(join(dir, `rank-${k}.json`));
        writeFileSync(files.at(-1)!, shard.stdout);
      }
      const merged = runFsim(['merge', ...files, ...top]);
      expect(merged.status, merged.stderr).toBe(0);
      expect(JSON.parse(merged.stdout)).toEqual(whole);
    }
  });

  it('a shard with no candidates (more shards than files) merges as nothing', () => {
    const files: string[] = [];
    for (let k = 1; k <= 9; k++) {
      const shard = runFsim(['rank', image('I01.bmp'), folder, '--json', '--backend', 'cpu', '--shard', `${k}/9`]);
      expect(shard.status, shard.stderr).toBe(JSON.parse(shard.stdout).errors.length > 0 ? 1 : 0);
      files.push(join(dir, `rank9-${k}.json`));
      writeFileSync(files.at(-1)!, shard.stdout);
    }
    const whole = JSON.parse(runFsim(['rank', image('I01.bmp'), folder, '--json', '--backend', 'cpu']).stdout);
    expect(JSON.parse(runFsim(['merge', ...files]).stdout)).toEqual(whole);
  });
});

describe('fsim merge', () => {
  it('refuses a shard given twice, lines that are not JSON, and mixed outputs', () => {
    const one = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu', '--shard', '1/3']).stdout;
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, one);
    const twice = runFsim(['merge', file, file]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/row 1 is also at .*a shard given twice/);
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'FSIMc 0.9\n');
    const notJson = runFsim(['merge', text]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/not a JSON line/);
    const unsharded = join(dir, 'unsharded.ndjson');
    writeFileSync(unsharded, runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu']).stdout);
    expect(runFsim(['merge', unsharded]).stderr).toMatch(/no row number/);
  });

  it('reads stdin when no file is named', () => {
    const one = runFsim(['compare', '--pairs', pairsFile, '--json', '--backend', 'cpu', '--shard', '2/2']).stdout;
    const merged = runFsim(['merge'], { input: one });
    expect(merged.status).toBe(0);
    expect(lines(merged.stdout).map((l) => JSON.parse(l).row)).toEqual([2, 4, 6]);
  });
});
