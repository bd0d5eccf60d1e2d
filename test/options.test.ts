/**
 * Options defined once (src/optionTable.ts): the CLI's help and parser, the API's checks and
 * the demo's URL parameters all come from the table; each call checks its options once; one
 * name per concept, the older names as aliases; size is [width, height] (text WxH) at every
 * door, and the older align { size: [rows, cols] } stays what it was.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readUrlParameters } from '../demo/params.js';
import { FsimError } from '../src/errors.js';
import { compareImages, createFsim, decodeFile, Fsim, rank } from '../src/node/index.js';
import { CpuBackend } from '../src/cpu/backend.js';
import { InlineExecutor } from '../src/cpu/executor.js';
import * as table from '../src/optionTable.js';
import { image } from './fixtures.js';

const BIN = resolve(import.meta.dirname, '../bin/fsim.js');
const fsim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const engine = () => new Fsim(new CpuBackend(new InlineExecutor()));

describe('the CLI reads the table', () => {
  it('every flag of every command is in the help, with its help text', () => {
    const help = fsim('--help').stdout;
    for (const spec of [
      ...table.CLI_COMPARE_SPECS,
      ...table.CLI_PAIRS_SPECS,
      ...table.CLI_RANK_SPECS,
      ...table.CLI_MERGE_SPECS,
      ...table.CLI_SERVE_SPECS,
    ] as readonly table.OptionSpec[]) {
      expect(help, spec.flag).toContain(`--${spec.flag}${spec.arg ? ` ${spec.arg}` : ''}`);
      expect(help.replace(/\s+/g, ' '), spec.flag).toContain(spec.help.split(' ').slice(0, 6).join(' '));
    }
  });

  it('its messages name the flag as typed, an older name included', () => {
    expect(fsim('compare', image('I01.bmp'), image('I01.bmp'), '--threshold', '2').stderr).toMatch(
      /--threshold must be a number in \[0, 1\], got '2'/,
    );
    expect(fsim('compare', image('I01.bmp'), image('I01.bmp'), '--min-score', 'x').stderr).toMatch(
      /--min-score must be a number in \[0, 1\], got 'x'/,
    );
    expect(fsim('compare', image('I01.bmp'), image('I01.bmp'), '--scale', '0').stderr).toMatch(
      /--scale must be auto or an integer ≥ 1, got '0'/,
    );
  });
});

describe('each call checks its options once', () => {
  const counted = (spec: table.OptionSpec) => {
    const check = spec.check;
    let calls = 0;
    (spec as { check: typeof check }).check = (value, label) => {
      calls++;
      return check(value, label);
    };
    return { calls: () => calls, restore: () => ((spec as { check: typeof check }).check = check) };
  };
  const spies: ReturnType<typeof counted>[] = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.restore();
  });

  it('compareImages, Fsim.compare and rank: scale, minScore and backend each once', async () => {
    const [scale, minScore, backend] = [table.scale, table.minScore, table.backend].map((spec) => {
      const spy = counted(spec);
      spies.push(spy);
      return spy;
    });
    await compareImages(image('I01.bmp'), image('I01_dist.bmp'), { scale: 'auto', minScore: 0.5, backend: 'cpu' });
    expect([scale.calls(), minScore.calls(), backend.calls()]).toEqual([1, 1, 1]);
    const e = engine();
    const [a, b] = [await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp'))];
    await e.compare(a, b, { scale: 2, minScore: 0.5 });
    expect([scale.calls(), minScore.calls()]).toEqual([2, 2]);
    const candidates = ['I01_dist.bmp', 'I03.bmp', 'I04.bmp'].map((name) => ({ name, load: () => decodeFile(image(name)) }));
    await rank(e, a, candidates, { scale: 'auto', minScore: 0.5 });
    expect([scale.calls(), minScore.calls()]).toEqual([3, 3]);
    await e.dispose();
  });
});

describe('one name per concept, older names as aliases', () => {
  it('minScore (threshold its older name): results carry minScore only; both at once is an error', async () => {
    const e = engine();
    const [a, b] = [await decodeFile(image('I01.bmp')), await decodeFile(image('I01_dist.bmp'))];
    const r = await e.compare(a, b, { threshold: 0.95 });
    expect(r.minScore).toBe(0.95);
    expect(r.similar).toBe(false);
    expect(r).not.toHaveProperty('threshold');
    await expect(e.compare(a, b, { threshold: 0.9, minScore: 0.9 })).rejects.toThrow(/threshold and minScore are one option; give one/);
    await e.dispose();
  });

  it('resize and size ([width, height]) in compare, compareImages, rank and the CLI; align ([rows, cols]) as before', async () => {
    const e = engine();
    const [a, b] = [await decodeFile(image('I01.bmp')), await decodeFile(image('app_printer2.jpg'))];
    const want = [30, 40]; // rows, cols of a 40×30 target
    expect((await e.compare(a, b, { resize: 'stretch', size: [40, 30] })).size).toEqual(want);
    expect((await e.compare(a, b, { align: { mode: 'stretch', size: [30, 40] } })).size).toEqual(want);
    expect((await compareImages(a, b, { resize: 'stretch', size: [40, 30], backend: 'cpu' })).size).toEqual(want);
    const ranked = await rank(e, a, [{ name: 'printer', load: async () => b }], { resize: 'stretch', size: [40, 30] });
    expect(ranked.results[0].resized?.to).toEqual(want);
    const cli = fsim(
      'compare',
      image('I01.bmp'),
      image('app_printer2.jpg'),
      '--resize',
      'stretch',
      '--size',
      '40x30',
      '--backend',
      'cpu',
      '--json',
    );
    expect(JSON.parse(cli.stdout).size).toEqual(want);
    await expect(e.compare(a, b, { size: [40, 30] })).rejects.toThrow(/size goes with resize/);
    await expect(e.compare(a, b, { resize: 'cover', align: { mode: 'cover' } })).rejects.toThrow(/align and resize are one option/);
    await e.dispose();
  });

  it('differing sizes are an error with its own code, whose advice names an option compare takes', async () => {
    const e = engine();
    const [a, b] = [await decodeFile(image('I01.bmp')), await decodeFile(image('app_printer2.jpg'))];
    const error = await e.compare(a, b).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(FsimError);
    expect((error as FsimError).code).toBe('SIZE_MISMATCH');
    expect((error as FsimError).message).toMatch(/option resize 'cover' or 'stretch'/);
    await e.dispose();
  });

  it('unknown options are named with the known ones', async () => {
    const e = await createFsim({ backend: 'cpu' });
    const [a] = [await decodeFile(image('I01.bmp'))];
    await expect(e.compare(a, a, { scael: 2 } as never)).rejects.toThrow(
      /unknown compare option 'scael' \(known: scale, resize, size, align, progress, minScore, threshold, maps, mask\)/,
    );
    await e.dispose();
  });
});

describe("the demo's URL parameters read the table", () => {
  it('every demo option by its flag, older names too; what cannot be honoured is reported as typed', () => {
    const p = readUrlParameters(new URLSearchParams('scale=2&min-score=0.8&resize=stretch&size=40x30&backend=cpu&kernels=fused&colour=0'));
    expect(p).toMatchObject({
      scale: '2',
      minScore: 0.8,
      resize: 'stretch',
      size: [30, 40],
      backend: 'cpu',
      kernels: 'fused',
      colour: false,
    });
    expect(p.problems).toEqual([]);
    expect(readUrlParameters(new URLSearchParams('threshold=0.7')).minScore).toBe(0.7);
    const bad = readUrlParameters(new URLSearchParams('scale=0&threshold=high&size=2x2&backend=tpu'));
    expect(bad.problems).toEqual([
      "scale must be auto or an integer ≥ 1, got '0'",
      "threshold must be a number in [0, 1], got 'high'",
      'size 2x2 is under the 3x3 minimum',
      "backend must be cpu, gpu or auto, got 'tpu'",
    ]);
  });
});
