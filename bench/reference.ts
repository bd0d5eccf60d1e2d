/**
 * fsim-gpu against the authors' reference implementation, whole processes, one run:
 *   npm run bench:reference -- --reference-dir DIR [--runs 5] [--sizes 512x384,1920x1080,3640x2400] [--scale 1]
 * Both sides score the same files at the reference's own scale (auto), or at a fixed
 * downsampling factor with --scale F, alternating A B A B,
 * and each side's median wall time (process start to exit) is compared; peak resident memory
 * comes from /usr/bin/time -v.
 *
 * The reference is not part of this project and is never committed: install GNU Octave with
 * its image package (`apt-get install octave octave-image`) and put the authors' FeatureSIM.m
 * (e.g. from github.com/yfor1008/image_quality_assessment) into DIR yourself. The reference
 * chooses F itself; for --scale F this script writes a copy of the user's file into a
 * temporary folder with the one line that assigns F replaced by `F = <F>;` (nothing of the
 * reference is stored here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { fixture, flag, machine, median } from './common.js';

const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');
const referenceDir = flag('reference-dir') ?? process.env.FSIM_REFERENCE_DIR;
if (!referenceDir || !existsSync(join(referenceDir, 'FeatureSIM.m'))) {
  console.error("bench:reference needs --reference-dir DIR holding the authors' FeatureSIM.m (see the top of bench/reference.ts)");
  process.exit(2);
}
const runs = Number(flag('runs') ?? 5);
const scale = flag('scale');
if (scale !== undefined && !/^[1-9]\d*$/.test(scale)) {
  console.error('--scale must be a positive integer (the downsampling factor F)');
  process.exit(2);
}
const sizes = (flag('sizes') ?? '512x384,1920x1080,3640x2400').split(',').map((s) => s.split('x').map(Number) as [number, number]);

interface Measured {
  seconds: number;
  rssMiB: number;
  fsim: number;
}

/** One whole process under /usr/bin/time -v: wall time, peak RSS, and the FSIM it printed. */
function measure(command: string, args: string[], parse: (stdout: string) => number): Measured {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', command, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
  return { seconds, rssMiB: rss, fsim: parse(r.stdout) };
}

const dir = mkdtempSync(join(tmpdir(), 'fsim-reference-'));
/** Where Octave finds the FeatureSIM.m it runs: the user's, or the fixed-F copy. */
let codeDir = referenceDir;
try {
  if (scale !== undefined) {
    const source = readFileSync(join(referenceDir, 'FeatureSIM.m'), 'utf8');
    const assignments = source.match(/^[ \t]*F[ \t]*=.*$/gm) ?? [];
    if (assignments.length !== 1) throw new Error(`expected one line assigning F in FeatureSIM.m, found ${assignments.length}`);
    codeDir = join(dir, 'reference');
    mkdirSync(codeDir);
    writeFileSync(join(codeDir, 'FeatureSIM.m'), source.replace(/^[ \t]*F[ \t]*=.*$/m, `F = ${scale};`));
  }
  const scaleNote = scale === undefined ? 'scale auto' : `F = ${scale}`;
  console.log(
    `# fsim-gpu (CPU path) against the reference (GNU Octave), whole processes, ${scaleNote}, medians of ${runs}\n${machine()}\n`,
  );
  console.log('| case | reference | fsim-gpu | speed-up | peak RSS reference / fsim-gpu | |ΔFSIM| |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [width, height] of sizes) {
    let ref = fixture('I01.bmp');
    let dist = fixture('I01_dist.bmp');
    if (width !== 512 || height !== 384) {
      // The TID2013 I01 pair resampled to the size, as lossless PNGs both sides read alike.
      [ref, dist] = [join(dir, `ref-${width}.png`), join(dir, `dist-${width}.png`)];
      for (const [source, target] of [
        ['I01_x2.png', ref],
        ['I01_dist_x2.png', dist],
      ]) {
        await sharp(fixture(source)).resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).removeAlpha().png().toFile(target);
      }
    }
    const octave = () =>
      measure(
        'octave',
        [
          '--no-gui',
          '--quiet',
          '--eval',
          `pkg load image; addpath('${codeDir}'); [f, fc] = FeatureSIM(imread('${ref}'), imread('${dist}')); printf('%.12f %.12f\\n', f, fc);`,
        ],
        (out) => Number(out.trim().split(/\s+/)[0]),
      );
    const ours = () =>
      measure(
        process.execPath,
        [BIN, 'compare', ref, dist, '--backend', 'cpu', '--json', ...(scale === undefined ? [] : ['--scale', scale])],
        (out) => JSON.parse(out).fsim,
      );
    const a: Measured[] = [];
    const b: Measured[] = [];
    for (let k = 0; k < runs; k++) {
      a.push(octave());
      b.push(ours());
    }
    const [ta, tb] = [median(a.map((m) => m.seconds)), median(b.map((m) => m.seconds))];
    const [ma, mb] = [Math.max(...a.map((m) => m.rssMiB)), Math.max(...b.map((m) => m.rssMiB))];
    const delta = Math.abs(a[0].fsim - b[0].fsim);
    console.log(
      `| ${width}×${height}, ${scaleNote} | ${ta.toFixed(3)} s | ${tb.toFixed(3)} s | ${(ta / tb).toFixed(2)}× | ${ma.toFixed(0)} / ${mb.toFixed(0)} MiB | ${delta.toExponential(1)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
