/**
 * `npm run bench:auto`: what the default backend costs against `--backend cpu`, whole `fsim
 * compare` processes alternating (wall time and peak RSS, medians), at sizes either side of
 * AUTO_GPU_PIXELS (src/autoBackend.ts); and the CPU path's own time per comparison by
 * downsampled size, in process — the CPU side of the crossover where 'auto' asks for a GPU.
 *   node dist/bench/backendChoice.js [--runs 11]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AUTO_GPU_PIXELS } from '../src/autoBackend.js';
import { createFsim } from '../src/node/index.js';
import { encodePng } from '../src/node/png.js';
import { fixture, flag, machine, median, pairAt } from './common.js';

const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');
const runs = Number(flag('runs') ?? 11);
const dir = mkdtempSync(join(tmpdir(), 'fsim-auto-'));

/** One whole process: wall ms and peak RSS MiB (GNU time). */
function processRun(args: string[]): { ms: number; rssMiB: number } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'compare', ...args], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`fsim failed: ${r.stderr}`);
  return { ms, rssMiB: Number(r.stderr.trim().split('\n').at(-1)) / 1024 };
}

async function pairFiles(width: number, height: number): Promise<[string, string]> {
  const [a, b] = await pairAt(width, height);
  const files = [a, b].map((image, k) => {
    const path = join(dir, `${width}x${height}-${k}.png`);
    writeFileSync(path, encodePng(width, height, 3, image.data as Uint8Array));
    return path;
  });
  return files as [string, string];
}

console.log(`The default backend against --backend cpu, whole processes alternating, medians of ${runs}: ${machine()}`);
console.log(`AUTO_GPU_PIXELS = ${AUTO_GPU_PIXELS} downsampled pixels\n`);
console.log('| input | scale | downsampled | default (auto) | --backend cpu | auto / cpu | peak RSS auto / cpu | auto chose |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const cases: [string, string, string][] = [
  [fixture('I01.bmp'), fixture('I01_dist.bmp'), 'auto'],
  ...(await Promise.all(
    [
      [1920, 1080, 'auto'],
      [1024, 1024, '1'],
      [1536, 1536, '1'],
    ].map(async ([w, h, scale]) => [...(await pairFiles(w as number, h as number)), scale as string] as [string, string, string]),
  )),
];
for (const [a, b, scale] of cases) {
  const auto: { ms: number; rssMiB: number }[] = [];
  const cpu: typeof auto = [];
  for (let k = 0; k < runs; k++) {
    auto.push(processRun([a, b, '--scale', scale]));
    cpu.push(processRun([a, b, '--scale', scale, '--backend', 'cpu']));
  }
  const json = JSON.parse(spawnSync(process.execPath, [BIN, 'compare', a, b, '--scale', scale, '--json'], { encoding: 'utf8' }).stdout);
  const [autoMs, cpuMs] = [median(auto.map((r) => r.ms)), median(cpu.map((r) => r.ms))];
  console.log(
    `| ${json.size[1]}×${json.size[0]} | ${scale} | ${json.downsampled[1]}×${json.downsampled[0]} | ${autoMs.toFixed(0)} ms | ${cpuMs.toFixed(0)} ms | ${(autoMs / cpuMs).toFixed(2)} | ${median(auto.map((r) => r.rssMiB)).toFixed(0)} / ${median(cpu.map((r) => r.rssMiB)).toFixed(0)} MiB | ${json.backend} |`,
  );
}

// The CPU path's own time per comparison by downsampled size (warm engine).
console.log('\n| downsampled (F = 1) | pixels | CPU path, warm comparison (median of 5) |');
console.log('| --- | --- | --- |');
const engine = await createFsim({ backend: 'cpu' });
for (const [w, h] of [
  [512, 384],
  [768, 768],
  [1024, 1024],
  [1448, 1448],
  [1920, 1080],
]) {
  const [a, b] = await pairAt(w, h);
  await engine.compare(a, b, { scale: 1 });
  const times: number[] = [];
  for (let k = 0; k < 5; k++) times.push((await engine.compare(a, b, { scale: 1 })).timings.total!);
  console.log(`| ${w}×${h} | ${((w * h) / 1e6).toFixed(2)} MP | ${median(times).toFixed(0)} ms |`);
}
await engine.dispose();
