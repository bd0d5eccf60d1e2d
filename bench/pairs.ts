/**
 * Many pairs: `fsim compare --pairs FILE` (one process) against a shell loop of single
 * `fsim compare` calls on the same pairs, whole processes, CPU backend.
 *   npm run bench:pairs [-- --pairs 100 --runs 3]
 * The pairs are the six TID2013 reference/distortion pairs of the fixtures (512×384, scale
 * auto), repeated; consecutive pairs share their reference, as IQA datasets list them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, flag, machine, median } from './common.js';

const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');
const count = Number(flag('pairs') ?? 100);
const runs = Number(flag('runs') ?? 3);
const cases = ['I01', 'I03', 'I04', 'I06', 'I08', 'I19'];
const pairs = Array.from({ length: count }, (_, k) => {
  const c = cases[Math.floor((k * cases.length) / count)];
  return [fixture(`${c}.bmp`), fixture(`${c}_dist.bmp`)];
});
const dir = mkdtempSync(join(tmpdir(), 'fsim-bench-pairs-'));
const file = join(dir, 'pairs.csv');
writeFileSync(file, `ref,dist\n${pairs.map((p) => p.join(',')).join('\n')}\n`);

const seconds = (work: () => void) => {
  const t = performance.now();
  work();
  return (performance.now() - t) / 1000;
};
const one = () => {
  const r = spawnSync(process.execPath, [BIN, 'compare', '--pairs', file, '--backend', 'cpu', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};
const loop = () => {
  for (const [ref, dist] of pairs) {
    const r = spawnSync(process.execPath, [BIN, 'compare', ref, dist, '--backend', 'cpu', '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
};

try {
  const batch: number[] = [];
  const single: number[] = [];
  for (let k = 0; k < runs; k++) {
    // Alternating, so both see the same machine state.
    batch.push(seconds(one));
    single.push(seconds(loop));
  }
  const [b, s] = [median(batch), median(single)];
  console.log(`# ${count} pairs (512×384, scale auto, CPU backend) on ${machine()}, medians of ${runs}\n`);
  console.log('| how | time | pairs/s |');
  console.log('| --- | --- | --- |');
  console.log(`| fsim compare --pairs (one process) | ${b.toFixed(2)} s | ${(count / b).toFixed(1)} |`);
  console.log(`| shell loop of fsim compare | ${s.toFixed(2)} s | ${(count / s).toFixed(1)} |`);
  console.log(`\n--pairs is ${(s / b).toFixed(1)}× the loop's throughput.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
