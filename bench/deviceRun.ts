/**
 * The GPU benchmark the device kit runs (bench/deviceKit.ts builds the kit; its run.sh calls
 * this with the kit's own Node): needs nothing but the kit — no sharp, no fixtures folder.
 *   node dist/bench/deviceRun.js --inputs DIR --out FILE.json [--sizes 1920x1080,3640x2400,7680x4320]
 *                                [--runs 10] [--limits adapter|default] [--allow-software]
 * 1. the adapter: printed first; a software or fallback adapter fails loudly (the figures
 *    would be a CPU's) unless --allow-software (the kit's own test, on SwiftShader);
 * 2. the golden check: the kit's golden cases on this adapter, |Δ| ≤ 1e-4, or it stops;
 * 3. per size, FSIM + FSIMc of the TID2013 I01 pair resampled (§8 stretch, float64, rounded to
 *    8 bits) at F = 1: one warm-up, then medians of --runs of the per-stage GPU time
 *    (timestamp queries), the GPU total and wall time, and the peak GPU memory.
 * Everything goes into one JSON file, labelled with the machine, the adapter and its limits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignImage } from '../src/align.js';
import type { StageTimings } from '../src/backend.js';
import { type FsimResult, Fsim } from '../src/fsim.js';
import { GpuBackend } from '../src/gpu/backend.js';
import { DeviceManager, type LimitsPolicy } from '../src/gpu/device.js';
import type { RasterImage } from '../src/image.js';
import { decodeFile } from '../src/node/decode.js';
import { nodeGpu } from '../src/node/webgpu.js';
import { flag, machine, median } from './common.js';

const argv = process.argv;
const inputs = flag('inputs');
const out = flag('out');
if (!inputs || !out) {
  console.error(
    'usage: deviceRun.js --inputs DIR --out FILE.json [--sizes WxH,…] [--runs N] [--limits adapter|default] [--allow-software]',
  );
  process.exit(2);
}
const sizes = (flag('sizes') ?? '1920x1080,3640x2400,7680x4320').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const runs = Number(flag('runs') ?? 10);
const limits = (flag('limits') ?? 'adapter') as LimitsPolicy;
const STAGES: (keyof StageTimings)[] = ['colour', 'fft', 'phaseCongruency', 'gradient', 'pooling', 'gpu', 'total'];
const GPU_TOLERANCE = 1e-4;

// 1. The adapter.
const manager = new DeviceManager(nodeGpu, { limits, noAdapterHint: 'no Vulkan driver was found: set VK_DRIVER_FILES to the NVIDIA ICD' });
const acquired = await manager.acquire();
const deviceLimits = {
  maxComputeWorkgroupStorageSize: acquired.limits.maxComputeWorkgroupStorageSize,
  maxStorageBufferBindingSize: acquired.limits.maxStorageBufferBindingSize,
  maxBufferSize: acquired.limits.maxBufferSize,
  maxComputeInvocationsPerWorkgroup: acquired.limits.maxComputeInvocationsPerWorkgroup,
};
console.log(`adapter: ${acquired.adapterName}${acquired.isFallbackAdapter ? ' (software / fallback)' : ''}`);
console.log(`limits (${limits}): ${JSON.stringify(deviceLimits)}; timestamp queries: ${acquired.timestamps ? 'yes' : 'no'}`);
if (acquired.isFallbackAdapter && !argv.includes('--allow-software')) {
  console.error(`FAILED: ${acquired.adapterName} is a software adapter: these would be a CPU's figures (check VK_DRIVER_FILES)`);
  process.exit(1);
}
const engine = new Fsim(await GpuBackend.create(manager));
const backend = engine.backend as GpuBackend;
const report: Record<string, unknown> = {
  machine: machine(),
  adapter: acquired.adapterName,
  software: acquired.isFallbackAdapter,
  limitsPolicy: limits,
  limits: deviceLimits,
  timestamps: acquired.timestamps,
  date: new Date().toISOString(),
};

// 2. The golden check, before any timing.
interface Golden {
  case: string;
  ref: string;
  dist: string;
  scale: 'auto' | number;
  fsim: number;
  fsimc: number;
}
const golden = readFileSync(join(inputs, 'golden.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Golden);
const checks = [];
for (const c of golden) {
  const [a, b] = await Promise.all([decodeFile(join(inputs, c.ref)), decodeFile(join(inputs, c.dist))]);
  const r = await engine.compare(a, b, { scale: c.scale });
  const delta = Math.max(Math.abs(r.fsim - c.fsim), Math.abs(r.fsimc - c.fsimc));
  checks.push({ case: c.case, fsim: r.fsim, fsimc: r.fsimc, delta });
  console.log(`golden ${c.case}: |Δ| ${delta.toExponential(2)}`);
  if (!(delta <= GPU_TOLERANCE)) {
    writeFileSync(
      out,
      JSON.stringify({ ...report, golden: checks, failed: `golden case ${c.case}: |Δ| ${delta} > ${GPU_TOLERANCE}` }, null, 2),
    );
    console.error(`FAILED: golden case ${c.case} is off by ${delta} (> ${GPU_TOLERANCE})`);
    process.exit(1);
  }
}
report.golden = checks;

// 3. Timings per size.
/** The I01 pair resampled to width × height by §8's stretch (float64), rounded to 8 bits. */
async function pairAt(width: number, height: number): Promise<[RasterImage, RasterImage]> {
  const load = async (name: string): Promise<RasterImage> => {
    const { image } = alignImage(await decodeFile(join(inputs!, name)), [height, width], 'stretch');
    const data = new Uint8Array(image.data.length);
    for (let k = 0; k < data.length; k++) data[k] = Math.round(image.data[k]);
    return { ...image, data };
  };
  return Promise.all([load('I01_x2.png'), load('I01_dist_x2.png')]);
}

const rows = [];
for (const [width, height] of sizes) {
  const [a, b] = await pairAt(width, height);
  await engine.compare(a, b, { scale: 1 });
  const results: { r: FsimResult; wall: number }[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    const r = await engine.compare(a, b, { scale: 1 });
    results.push({ r, wall: performance.now() - t });
  }
  const stages: Partial<Record<keyof StageTimings, number>> = {};
  for (const stage of STAGES) {
    const values = results.map(({ r }) => r.timings[stage]).filter((v): v is number => v !== undefined);
    if (values.length) stages[stage] = +median(values).toFixed(3);
  }
  const memory = await backend.memory();
  const row = {
    size: [width, height],
    scale: 1,
    runs,
    stagesMs: stages,
    wallMs: +median(results.map((x) => x.wall)).toFixed(3),
    peakGpuMemoryMiB: +(memory.peakBytes / 2 ** 20).toFixed(1),
    fsim: results[0].r.fsim,
    fsimc: results[0].r.fsimc,
  };
  rows.push(row);
  console.log(
    `${width}×${height} F = 1: GPU ${STAGES.map((s) => `${s} ${stages[s]?.toFixed(2) ?? '-'}`).join(', ')} ms; wall ${row.wallMs.toFixed(1)} ms; peak ${row.peakGpuMemoryMiB} MiB (medians of ${runs})`,
  );
}
report.rows = rows;
await engine.dispose();
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`written: ${out}`);
