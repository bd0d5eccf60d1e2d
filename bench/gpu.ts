/**
 * GPU path benchmark (Node, Dawn): per-stage GPU time from timestamp queries and end-to-end
 * wall time, median of --runs after one warm-up, next to the CPU path in the same run, under the
 * adapter's limits (default; --limits default for WebGPU's 16 KiB workgroup storage and
 * 128 MiB per binding, the browser's path), with the peak GPU memory the backend held.
 *   node dist/bench/gpu.js [--sizes 512x384,1920x1080,3640x2400,7680x4320] [--runs 10] [--cpu-runs 3]
 *                          [--limits default|adapter] [--json out.json]
 * The adapter's maxima (larger workgroup storage lets the fused FFT take 4K rows and columns)
 * are what a GPU benchmark should measure; --limits default proves the browser's default path.
 * Sizes are width×height; 512×384 runs at scale auto (F = 2), the rest at full resolution.
 *
 *   node dist/bench/gpu.js --model [--sizes 1920x1080,3640x2400,7680x4320] [--scale 1|auto|F] [--json]
 * needs no GPU: the traffic MODEL (src/gpu/trafficModel.ts) of a warm FSIMc pair (the size's
 * filter bank already built) under 16 KiB (WebGPU's default) and 48 KiB (NVIDIA's) workgroup
 * storage — the path taken, dispatches, modelled DRAM bytes per pixel per stage, and the
 * bandwidth-bound time on an H100 (3.35 TB/s) and an H200 (4.8 TB/s); rows of the downsampled
 * size. Without --sizes, also 4K on the per-stage path the fused one replaced ('fused-fft'),
 * for comparison. With --json: { model: [...], before: [...] }.
 *
 *   node dist/bench/gpu.js --host [--sizes 1920x1080,3640x2400] [--runs 9] [--json]
 * needs no GPU: the host's own work per FSIMc comparison at F = 1 on the traffic model's
 * recording device (uploads, shader generation, recording, pooling; no GPU time, no driver
 * copies: the filter bank is GPU work), the first comparison of a size and the median of
 * --runs later ones. --json prints {"host":[{"size":[rows,cols],"firstMs":…,"laterMs":…}]} on
 * the last line.
 */
import { writeFileSync } from 'node:fs';
import { measureHostWork, modelTraffic } from '../src/gpu/trafficModel.js';
import { createFsim, type FsimResult, type GpuBackend, type StageTimings } from '../src/node/index.js';
import type { ScaleOption } from '../src/scale.js';
import { flag, machine, median, pairAt } from './common.js';

if (process.argv.includes('--host')) {
  const runs = Number(flag('runs') ?? 9);
  console.log(`GPU path host work per FSIMc comparison at F = 1, recording device (no GPU): ${machine()}`);
  const host = [];
  for (const [width, height] of (flag('sizes') ?? '1920x1080,3640x2400').split(',').map((s) => s.split('x').map(Number))) {
    const { firstMs, laterMs } = await measureHostWork(height, width, runs);
    const later = median(laterMs);
    console.log(`${width}×${height}: first ${firstMs.toFixed(1)} ms, then ${later.toFixed(1)} ms (median of ${runs})`);
    host.push({ size: [height, width], firstMs: +firstMs.toFixed(2), laterMs: +later.toFixed(2) });
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify({ host }));
  process.exit(0);
}

if (process.argv.includes('--model')) {
  const BANDWIDTH = { H100: 3.35e12, H200: 4.8e12 };
  const scaleFlag = flag('scale') ?? '1';
  const scale: ScaleOption = scaleFlag === 'auto' ? 'auto' : Number(scaleFlag);
  if (scale !== 'auto' && !(Number.isInteger(scale) && scale >= 1))
    throw new Error(`--scale must be auto or an integer ≥ 1, got ${scaleFlag}`);
  const model = [];
  for (const [width, height] of (flag('sizes') ?? '1920x1080,3640x2400,7680x4320').split(',').map((s) => s.split('x').map(Number))) {
    for (const storage of [16384, 49152]) model.push(await modelTraffic(height, width, storage, 'auto', scale));
  }
  // The per-stage path the fused one replaced, for the before/after table.
  const before = [];
  if (!flag('sizes')) for (const storage of [16384, 49152]) before.push(await modelTraffic(2400, 3640, storage, 'fused-fft'));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ model, before }));
  } else {
    console.log(`TRAFFIC MODEL (not a measurement): one warm FSIMc pair at scale ${scaleFlag}; each read-only binding read once,`);
    console.log('each read-write binding written once per dispatch (src/gpu/trafficModel.ts); rows of the downsampled size\n');
    console.log(
      '| size | path | workgroup storage | dispatches | modelled DRAM traffic | bytes/pixel | per stage (dispatches, bytes/pixel) | H100 bound | H200 bound |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const m of [...model, ...before]) {
      const [rows, cols] = m.size;
      const stages = Object.entries(m.stages)
        .map(([name, t]) => `${name} ${t.dispatches}, ${(t.bytes / (rows * cols)).toFixed(0)}`)
        .join('; ');
      const ms = (bandwidth: number) => `${((m.bytes / bandwidth) * 1000).toFixed(1)} ms`;
      const input = m.scale === 1 ? '' : ` (${m.input[1]}×${m.input[0]}, F = ${m.scale})`;
      console.log(
        `| ${cols}×${rows}${input}${m.kernels === 'fused-fft' ? ' (before: per-stage path)' : ''} | ${m.path} | ${m.workgroupStorage / 1024} KiB | ${m.dispatches} | ${(m.bytes / 1e9).toFixed(2)} GB | ${m.bytesPerPixel.toFixed(0)} | ${stages} | ${ms(BANDWIDTH.H100)} | ${ms(BANDWIDTH.H200)} |`,
      );
    }
  }
  process.exit(0);
}

const sizes = (flag('sizes') ?? '512x384,1920x1080,3640x2400,7680x4320')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const runs = Number(flag('runs') ?? 10);
const cpuRuns = Number(flag('cpu-runs') ?? 3);
/** The CPU path needs ~0.6 KiB per pixel: above this it is skipped (8K would need ~20 GiB). */
const CPU_MAX_PIXELS = Number(flag('cpu-max-pixels') ?? 12e6);
const STAGES: (keyof StageTimings)[] = ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling', 'gpu', 'total'];

const limits = flag('limits') ?? 'adapter';
if (limits !== 'default' && limits !== 'adapter') throw new Error(`--limits must be default or adapter, got ${limits}`);
const gpu = await createFsim({ backend: 'gpu', limits });
const backend = gpu.backend as GpuBackend;
const { maxComputeWorkgroupStorageSize: storage, maxStorageBufferBindingSize: binding } = await backend.limits();
console.log(
  `fsim-gpu GPU benchmark on ${machine()}\nadapter: ${backend.name}, ${limits} limits (workgroup storage ${storage} B, storage binding ${binding} B)`,
);
const rows: Record<string, unknown>[] = [];

function medians(results: FsimResult[]): Partial<Record<keyof StageTimings, number>> {
  const out: Partial<Record<keyof StageTimings, number>> = {};
  for (const stage of STAGES) {
    const values = results.map((r) => r.timings[stage]).filter((v): v is number => v !== undefined);
    if (values.length) out[stage] = +median(values).toFixed(3);
  }
  return out;
}

for (const [width, height] of sizes) {
  const scale: ScaleOption = width * height <= 512 * 384 ? 'auto' : 1;
  const [a, b] = await pairAt(width, height);
  // Warm-up (pipelines, plans, filter bank upload); --warmup-max-pixels skips it above a size
  // where one run takes minutes on a software adapter.
  const warmup = width * height <= Number(flag('warmup-max-pixels') ?? Infinity);
  if (warmup) await gpu.compare(a, b, { scale });
  const results: FsimResult[] = [];
  for (let k = 0; k < runs; k++) results.push(await gpu.compare(a, b, { scale }));
  const memory = await backend.memory();
  const g = medians(results);
  const row: Record<string, unknown> = {
    size: `${width}×${height}`,
    scale,
    downsampled: results[0].downsampled.join('×'),
    runs,
    warmup,
    gpu: g,
    peakGpuMemoryMiB: +(memory.peakBytes / 2 ** 20).toFixed(1),
    fsim: results[0].fsim,
    fsimc: results[0].fsimc,
  };
  let cpuLine = '';
  if (cpuRuns > 0 && width * height <= CPU_MAX_PIXELS) {
    const cpu = await createFsim({ backend: 'cpu' });
    await cpu.compare(a, b, { scale });
    const times: number[] = [];
    for (let k = 0; k < cpuRuns; k++) times.push((await cpu.compare(a, b, { scale })).timings.total!);
    await cpu.dispose();
    row.cpuTotalMs = +median(times).toFixed(1);
    row.cpuRuns = cpuRuns;
    cpuLine = `  CPU ${median(times).toFixed(0)} ms (${cpuRuns} runs)`;
  }
  rows.push(row);
  console.log(
    `${`${width}×${height} F=${scale}`.padEnd(20)} GPU ${STAGES.map((s) => `${s} ${g[s]?.toFixed(1) ?? '-'}`).join(', ')} ms (${runs} runs${warmup ? '' : ', no warm-up'}), peak ${row.peakGpuMemoryMiB} MiB${cpuLine}`,
  );
}
await gpu.dispose();
const out = flag('json');
if (out)
  writeFileSync(
    out,
    JSON.stringify(
      { machine: machine(), adapter: backend.name, limits, workgroupStorage: storage, storageBinding: binding, rows },
      null,
      2,
    ),
  );
