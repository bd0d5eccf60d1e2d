/**
 * `npm run bench:matchers`: 100 toBeSimilarImage assertions (a 512×384 pair, from files) in one
 * Vitest file, as a test suite runs them; each assertion timed. Runs this checkout's package and,
 * with --before DIR, another checkout's (built) package in the same run, alternating.
 *   node dist/bench/matchers.js [--before /tmp/old] [--assertions 100] [--rounds 2]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, flag, machine, median } from './common.js';

const ROOT = resolve(import.meta.dirname, '../..');
const assertions = Number(flag('assertions') ?? 100);
const rounds = Number(flag('rounds') ?? 2);
const packages: [string, string][] = [['this checkout', ROOT]];
const before = flag('before');
if (before) packages.unshift(['before', resolve(before)]);

/** One Vitest run of `assertions` assertions against the package at `dir`: each one's milliseconds. */
function runOnce(dir: string): number[] {
  const work = mkdtempSync(join(tmpdir(), 'fsim-matchers-'));
  const out = join(work, 'timings.json');
  // A config of its own, so that Vitest does not look for one above the temporary folder.
  writeFileSync(join(work, 'vitest.config.mjs'), 'export default {};\n');
  writeFileSync(
    join(work, 'hundred.test.mjs'),
    `import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import '${join(dir, 'dist/src/testing/vitest.js')}';
it('${assertions} assertions', async () => {
  const times = [];
  for (let k = 0; k < ${assertions}; k++) {
    const started = performance.now();
    await expect(${JSON.stringify(fixture('I01_dist.bmp'))}).toBeSimilarImage(${JSON.stringify(fixture('I01.bmp'))});
    times.push(performance.now() - started);
  }
  writeFileSync(${JSON.stringify(out)}, JSON.stringify(times));
}, 600_000);
`,
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', work], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  if (r.status !== 0) throw new Error(`vitest failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

console.log(`${assertions} toBeSimilarImage assertions (512×384, files) in one Vitest file, ${rounds} rounds, on ${machine()}`);
console.log('| package | first assertion | later ones (median) | later ones (max) | all |');
console.log('| --- | --- | --- | --- | --- |');
const rows = new Map<string, number[][]>();
for (let round = 0; round < rounds; round++)
  for (const [name, dir] of packages) {
    const list = rows.get(name) ?? [];
    list.push(runOnce(dir));
    rows.set(name, list);
  }
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
for (const [name, runs] of rows) {
  const first = median(runs.map((t) => t[0]));
  const later = median(runs.map((t) => median(t.slice(1))));
  const worst = median(runs.map((t) => Math.max(...t.slice(1))));
  const total = median(runs.map((t) => t.reduce((a, b) => a + b, 0)));
  console.log(`| ${name} | ${ms(first)} | ${ms(later)} | ${ms(worst)} | ${(total / 1000).toFixed(2)} s |`);
}
