/** The `fsim` command end to end: results, flags, and every bad input of the issue. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { golden, image, CPU_TOLERANCE } from './fixtures.js';
import { decodeImage } from '../src/node/decode.js';
import { greyPng, png } from './helpers/encode.js';

const BIN = resolve(import.meta.dirname, '../bin/fsim.js');
let tmp: string;

beforeAll(() => {
  if (!existsSync(resolve(import.meta.dirname, '../dist/src/cli.js'))) {
    throw new Error('dist/ is missing: run the tests with `npm test` (it builds first)');
  }
  tmp = mkdtempSync(join(tmpdir(), 'fsim-cli-'));
});

function fsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe('fsim compare', () => {
  it('--json prints one object with every result field, matching the reference', () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const r = fsim('compare', image(c.ref), image(c.dist), '--json', '--backend', 'cpu');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    for (const key of ['fsim', 'fsimc', 'similar', 'minScore', 'scale', 'size', 'downsampled', 'backend', 'timings']) {
      expect(out).toHaveProperty(key);
    }
    // One name per concept: the verdict's threshold is minScore, not also 'threshold'.
    expect(out).not.toHaveProperty('threshold');
    expect(Math.abs(out.fsim - c.fsim)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(Math.abs(out.fsimc - c.fsimc)).toBeLessThanOrEqual(CPU_TOLERANCE);
    expect(out.similar).toBe(true);
    expect(out.size).toEqual([384, 512]);
    expect(out.downsampled).toEqual([192, 256]);
    expect(out.backend).toMatch(/^cpu/);
  });

  it('human output, forced scale and the verdict threshold', () => {
    const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--scale', '1', '--threshold', '0.9');
    expect(r.code).toBe(0);
    const c = golden.find((g) => g.case === 'I01_scale1')!;
    expect(r.stdout).toContain(`FSIM      ${c.fsim.toFixed(6)}`);
    expect(r.stdout).toContain(`FSIMc     ${c.fsimc.toFixed(6)}`);
    expect(r.stdout).toContain('not similar');
    expect(r.stdout).toContain('F = 1');
  });

  it('--assert-similar exits 1 for different scenes and 0 for a distortion', () => {
    expect(fsim('compare', image('I01.bmp'), image('I03.bmp'), '--assert-similar').code).toBe(1);
    expect(fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--assert-similar').code).toBe(0);
  });

  it('--maps writes the five heatmaps as PNG', () => {
    const dir = join(tmp, 'maps');
    const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--maps', dir, '--json');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['gm1.png', 'gm2.png', 'pc1.png', 'pc2.png', 'similarity.png']);
    const pngSignature = readFileSync(join(dir, 'similarity.png')).subarray(1, 4).toString();
    expect(pngSignature).toBe('PNG');
    expect(JSON.parse(r.stdout).mapFiles).toHaveLength(5);
  });

  it('--backend gpu reports webgpu and its adapter, with the reference scores', () => {
    const c = golden.find((g) => g.case === 'I01')!;
    const r = fsim('compare', image(c.ref), image(c.dist), '--backend', 'gpu', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toMatch(/^webgpu \(.+\)$/);
    expect(Math.abs(out.fsimc - c.fsimc)).toBeLessThanOrEqual(1e-4);
    expect(out.timings.phaseCongruency).toBeGreaterThan(0);
  });

  it('--backend gpu without an adapter fails clearly instead of running the CPU path', () => {
    const r = spawnSync(process.execPath, [BIN, 'compare', image('I01.bmp'), image('I01_dist.bmp'), '--backend', 'gpu'], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent.json' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    // Dawn and the Vulkan loader print their own native warnings first; ours is the last line.
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^fsim: no WebGPU adapter found/);
    expect(r.stderr).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  // 'auto' chooses by the work (src/autoBackend.ts): the CPU path below AUTO_GPU_PIXELS
  // downsampled pixels without asking for a GPU; from there a hardware adapter if one is found.
  const large = () => [image('goldhill_x3.png'), image('goldhill_jpeg_x3.png'), '--scale', '1', '--json'];

  it('the default (auto) runs small work on the CPU without looking for a GPU: nothing on stderr, no software adapter', () => {
    const r = spawnSync(process.execPath, [BIN, 'compare', image('I01.bmp'), image('I01_dist.bmp'), '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).backend).toMatch(/^cpu \(float64, \d threads?\)$/);
    expect(r.stderr).toBe('');
  });

  it('from a megapixel of work (1536×1536 at F = 1) auto asks for the GPU and declines a software adapter, saying so', () => {
    // The test environment names SwiftShader's driver (vitest.config.ts).
    const gpu = JSON.parse(fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--backend', 'gpu', '--json').stdout);
    const auto = JSON.parse(fsim('compare', ...large()).stdout);
    if (/swiftshader|lavapipe|llvmpipe/i.test(gpu.backend)) {
      expect(auto.backend).toMatch(
        /^cpu \(float64, \d threads?; webgpu \(.*\) is a software adapter, slower than this path; ask for the gpu backend to use it\)$/,
      );
    } else {
      expect(auto.backend).toBe(gpu.backend);
    }
  });

  it('without an adapter, or without any GPU driver, auto computes on the CPU and says why; without a driver, quietly', () => {
    const noAdapter = spawnSync(process.execPath, [BIN, 'compare', ...large()], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent.json' },
    });
    expect(noAdapter.status).toBe(0);
    expect(JSON.parse(noAdapter.stdout).backend).toMatch(/^cpu \(float64, \d threads?; WebGPU unavailable: no WebGPU adapter/);
    // No driver manifest where the Vulkan loader looks: Dawn is not even loaded.
    const empty = mkdtempSync(join(tmp, 'no-drivers-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: empty,
      XDG_DATA_DIRS: empty,
      XDG_CONFIG_DIRS: empty,
      XDG_DATA_HOME: empty,
      XDG_CONFIG_HOME: empty,
    };
    for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES']) delete env[name];
    const systemDrivers = ['/etc/vulkan/icd.d'].some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.json')));
    const noDriver = spawnSync(process.execPath, [BIN, 'compare', ...large()], { encoding: 'utf8', env });
    expect(noDriver.status).toBe(0);
    if (!systemDrivers) {
      expect(JSON.parse(noDriver.stdout).backend).toMatch(/^cpu \(float64, \d threads?; WebGPU unavailable: no GPU driver is installed\)$/);
      expect(noDriver.stderr).toBe('');
    } else expect(JSON.parse(noDriver.stdout).backend).toMatch(/^(cpu|webgpu) \(/);
  });
});

describe('bad input: one line naming the file, non-zero exit, no stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing file', () => [join(tmp, 'nope.png'), image('I01.bmp')], /nope\.png: no such file/],
    [
      'a directory',
      () => {
        mkdirSync(join(tmp, 'dir.png'), { recursive: true });
        return [image('I01.bmp'), join(tmp, 'dir.png')];
      },
      /dir\.png: is a directory/,
    ],
    ['empty file', () => [file('empty.png', ''), image('I01.bmp')], /empty\.png: empty file/],
    ['not an image', () => [file('notes.png', 'hello, this is text\n'.repeat(20)), image('I01.bmp')], /notes\.png: not a supported image/],
    [
      'truncated PNG',
      () => [file('cut.png', readFileSync(image('goldhill.png')).subarray(0, 4000)), image('goldhill.png')],
      /cut\.png: truncated or corrupt/,
    ],
    [
      'truncated JPEG',
      () => [image('app_shoe.jpg'), file('cut.jpg', readFileSync(image('app_shoe1.jpg')).subarray(0, 20000))],
      /cut\.jpg: truncated or corrupt/,
    ],
    [
      'truncated BMP',
      () => [file('cut.bmp', readFileSync(image('I01.bmp')).subarray(0, 300000)), image('I01_dist.bmp')],
      /cut\.bmp: truncated BMP/,
    ],
    [
      'BMP headers only',
      () => [file('stub.bmp', readFileSync(image('I01.bmp')).subarray(0, 30)), image('I01_dist.bmp')],
      /stub\.bmp: truncated BMP/,
    ],
    [
      'different sizes',
      () => [image('app_printer1.jpg'), image('app_printer2.jpg')],
      /app_printer2\.jpg: size 1200×900 differs from the reference 333×187 \(to compare them anyway, align them: .*--resize in the CLI\)/,
    ],
    [
      'smaller than 3×3',
      () => [
        file(
          'tiny.png',
          greyPng(2, 2, () => 9),
        ),
        file(
          'tiny2.png',
          greyPng(2, 2, () => 9),
        ),
      ],
      /tiny\.png: 2×2 is smaller than the 3×3 minimum/,
    ],
    [
      'absurd PNG dimensions',
      () => [file('huge.png', png(1, 1, 0, 8, [0], { width: 100000, height: 100000 })), image('I01.bmp')],
      /huge\.png: 100000×100000 exceeds the 67108864-pixel limit/,
    ],
    [
      'absurd BMP dimensions',
      () => {
        const bmp = Buffer.from(readFileSync(image('I01.bmp')).subarray(0, 54));
        bmp.writeInt32LE(60000, 18);
        bmp.writeInt32LE(60000, 22);
        return [file('huge.bmp', bmp), image('I01.bmp')];
      },
      /huge\.bmp: 60000×60000 exceeds the 67108864-pixel limit/,
    ],
  ];

  it.each(cases)('%s', (name, setup, message) => {
    const r = fsim('compare', ...setup());
    expect(r.signal).toBeNull();
    // Sizes that differ have their own status (3), so CI can tell them from bad input (2).
    expect(r.code).toBe(name === 'different sizes' ? 3 : 2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fsim: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      'a FIFO (would block on open)',
      () => {
        execFileSync('mkfifo', [join(tmp, 'pipe.png')]);
        return [join(tmp, 'pipe.png'), image('I01.bmp')];
      },
      /pipe\.png: not a regular file/,
    ],
    ['/dev/zero (never ends)', () => ['/dev/zero', image('I01.bmp')], /^fsim: \/dev\/zero: not a regular file/],
    ['an empty path', () => ['', image('I01.bmp')], /^fsim: \(empty path\): no such file/],
    ['a file name with a newline', () => [join(tmp, 'two\nlines.png'), image('I01.bmp')], /two\\nlines\.png: no such file/],
  ] as [string, () => string[], RegExp][])('special paths: %s', (_name, setup, message) => {
    const r = fsim('compare', ...setup(), '--backend', 'cpu');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('-- ends the options: file names may start with a dash', () => {
    writeFileSync(join(tmp, '-ref.bmp'), readFileSync(image('I01.bmp')));
    const here = spawnSync(process.execPath, [BIN, 'compare', '--backend', 'cpu', '--json', '--', '-ref.bmp', image('I01_dist.bmp')], {
      encoding: 'utf8',
      cwd: tmp,
    });
    expect(here.status).toBe(0);
    expect(JSON.parse(here.stdout).fsim).toBeCloseTo(golden.find((g) => g.case === 'I01')!.fsim, 6);
    const without = spawnSync(process.execPath, [BIN, 'compare', '--backend', 'cpu', '-ref.bmp', image('I01_dist.bmp')], {
      encoding: 'utf8',
      cwd: tmp,
    });
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/unknown option -ref\.bmp/);
  });

  it('--maps into a place that cannot hold a folder fails before computing, as an input error', () => {
    for (const dir of ['/proc/fsim-maps', join(image('I01.bmp'), 'maps')]) {
      const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--backend', 'cpu', '--maps', dir, '--json');
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ code: 'INPUT', error: expect.stringMatching(/cannot write the maps there/) });
    }
  });

  it('--json reports the error as a JSON object too', () => {
    const r = fsim('compare', join(tmp, 'nope.png'), image('I01.bmp'), '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 'INPUT', error: expect.stringMatching(/nope\.png: no such file/) });
  });

  it.each([
    [['compare', 'a.png'], /compare takes two images/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--scale', '0'], /--scale must be auto or an integer/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--scale', '1.5'], /--scale must be auto or an integer/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--threshold', 'high'], /threshold must be a number in \[0, 1\]/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--threshold', '2'], /threshold must be a number in \[0, 1\]/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--backend', 'tpu'], /backend must be cpu, gpu or auto/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--frobnicate'], /unknown option --frobnicate/],
    [['compare', image('I01.bmp'), image('I01.bmp'), '--scale', '200'], /scale 200 leaves 2×3 of a 384×512 image/],
    [['frob'], /unknown command 'frob'/],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'squash'],
      /--resize must be stretch or cover, got 'squash'/,
    ],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'cover', '--size', '0x5'],
      /--size 0x5 is under the 3x3 minimum/,
    ],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'cover', '--size', '2x2'],
      /--size 2x2 is under the 3x3 minimum/,
    ],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'cover', '--size', '100000x100000'],
      /--size 100000x100000 exceeds the 67108864-pixel limit/,
    ],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'cover', '--size', 'abc'],
      /--size must be WIDTHxHEIGHT/,
    ],
    [
      ['compare', image('app_printer1.jpg'), image('app_printer2.jpg'), '--size', '300x300'],
      /--size goes with --resize \(stretch or cover\)/,
    ],
    [['rank', image('app_printer1.jpg'), image('app_printer2.jpg'), '--resize', 'cover', '--size', '-3x4'], /--size must be WIDTHxHEIGHT/],
  ])('usage error %j', (args, message) => {
    const r = fsim(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('conventions: --version, version in JSON, --min-score, exit statuses, --diff, --mask', () => {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

  it('--version and -V print the package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = fsim(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`fsim-gpu ${pkg.version}\n`);
    }
  });

  it('every --json output carries the version: a result, an error, a ranking', () => {
    const ok = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--json', '--backend', 'cpu');
    expect(JSON.parse(ok.stdout).version).toBe(pkg.version);
    const bad = fsim('compare', image('I01.bmp'), join(tmp, 'nope.png'), '--json');
    expect(JSON.parse(bad.stdout)).toMatchObject({ version: pkg.version, code: 'INPUT' });
    const ranked = fsim('rank', image('I01.bmp'), image('I01_dist.bmp'), '--json', '--backend', 'cpu');
    expect(JSON.parse(ranked.stdout).version).toBe(pkg.version);
  });

  it('--min-score is the verdict threshold, --threshold its alias; both at once is a usage error', () => {
    const strict = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--min-score', '0.95', '--assert-similar', '--backend', 'cpu');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/not similar \(FSIMc < 0\.95\)/);
    const alias = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--threshold=0.9', '--assert-similar', '--backend', 'cpu');
    expect(alias.code).toBe(0);
    const both = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--min-score', '0.9', '--threshold', '0.9');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--min-score and --threshold are one option/);
  });

  it('fsim without a command prints its usage on stderr, exit 2; --help on stdout, exit 0', () => {
    const bare = fsim();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^usage: fsim compare REF DIST/);
    const help = fsim('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: fsim compare REF DIST/);
    expect(help.stderr).toBe('');
  });

  it('exit statuses: 0 done, 1 not similar, 2 bad usage or input, 3 sizes differ', () => {
    expect(fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--backend', 'cpu').code).toBe(0);
    expect(fsim('compare', image('I01.bmp'), image('I03.bmp'), '--assert-similar', '--backend', 'cpu').code).toBe(1);
    expect(fsim('compare', image('I01.bmp'), '--bogus').code).toBe(2);
    expect(fsim('compare', image('I01.bmp'), join(tmp, 'nope.png')).code).toBe(2);
    const sizes = fsim('compare', image('I01.bmp'), image('I01_640x1000.png'), '--backend', 'cpu');
    expect(sizes.code).toBe(3);
    expect(sizes.stderr).toMatch(/I01_640x1000\.png: size 1000×640 differs from the reference 512×384/);
    expect(fsim('compare', image('I01.bmp'), image('I01_640x1000.png'), '--resize', 'cover', '--backend', 'cpu').code).toBe(0);
  });

  it('--diff writes a full-size diff image of the I01 pair and lists the regions; --json has them', async () => {
    const path = join(tmp, 'i01-diff.png');
    const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--diff', path, '--json', '--backend', 'cpu');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diffPath).toBe(path);
    expect(out.regions.length).toBeGreaterThan(0);
    for (const g of out.regions) {
      expect(g.x + g.width).toBeLessThanOrEqual(512);
      expect(g.y + g.height).toBeLessThanOrEqual(384);
      expect(g.share).toBeGreaterThan(0);
    }
    // The reference's full size, and not blank: the heat colours vary over the picture.
    const diff = await decodeImage(readFileSync(path), 'diff');
    expect([diff.width, diff.height, diff.channels]).toEqual([512, 384, 3]);
    const colours = new Set<number>();
    for (let p = 0; p < 512 * 384; p++) colours.add((diff.data[3 * p] << 16) | (diff.data[3 * p + 1] << 8) | diff.data[3 * p + 2]);
    expect(colours.size).toBeGreaterThan(1000);
    const human = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--diff', path, '--backend', 'cpu');
    expect(human.stdout).toMatch(/^diff {6}.*i01-diff\.png$/m);
    expect(human.stdout).toMatch(/^region {4}\d+×\d+ at \(\d+, \d+\): \d+\.\d% of the difference$/m);
  });

  it('--diff into a folder that does not exist creates it; into a place that cannot hold it, fails before computing', () => {
    const nested = join(tmp, 'new', 'deeper', 'd.png');
    const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--diff', nested, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(nested)).toBe(true);
    // Refused before the images are even read: a cut-short image would fail otherwise.
    const blocked = file('a-file', 'x');
    const cut = file('cut.bmp', readFileSync(image('I01_dist.bmp')).subarray(0, 4000));
    const bad = fsim('compare', image('I01.bmp'), cut, '--diff', join(blocked, 'd.png'), '--backend', 'cpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a-file\/d\.png: cannot write the diff image there \(.*a-file is not a folder\)/);
  });

  it('--mask leaves the black regions out', () => {
    // A flat-grey mask with a black band: the result counts what it left out.
    const mask = file(
      'mask.png',
      greyPng(512, 384, (_x, y) => (y >= 100 && y < 200 ? 0 : 200)),
    );
    const r = fsim('compare', image('I01.bmp'), image('I01_dist.bmp'), '--mask', mask, '--json', '--backend', 'cpu');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // Rows 100…199 at F = 2: the boxes of rows 50…99 are all black (boxes start at 2i).
    expect(out.masked).toEqual({ ignored: 50 * 256, of: 192 * 256 });
    const wrong = fsim(
      'compare',
      image('I01.bmp'),
      image('I01_dist.bmp'),
      '--mask',
      file(
        'small.png',
        greyPng(10, 10, () => 255),
      ),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/the mask is 10×10, not the compared size 512×384/);
  });
});
