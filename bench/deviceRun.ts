/**
 * The GPU benchmark the device kit runs (bench/deviceKit.ts builds the kit; its run.sh calls
 * this with the kit's own Node): needs nothing but the kit — no sharp, no fixtures folder.
 *   node dist/bench/deviceRun.js --inputs DIR --out FILE.json [--sizes 1920x1080,3640x2400,7680x4320]
 *                                [--runs 10] [--limits adapter|default] [--allow-software]
 *                                [--variants auto,fused+columns-first+lanes4,fused-fft] [--profile-runs 5] [--inflight 4]
 * 1. the adapter: printed first; a software or fallback adapter fails loudly (the figures
 *    would be a CPU's) unless --allow-software (the kit's own test, on SwiftShader);
 * 2. the golden check: the kit's golden cases on this adapter, |Δ| ≤ 1e-4, or it stops;
 * 3. per size, FSIM + FSIMc of the TID2013 I01 pair resampled (§8 stretch, float64, rounded to
 *    8 bits) at F = 1: one warm-up, then medians of --runs of the per-stage GPU time
 *    (timestamp queries), the GPU total and wall time, the GPU time with --inflight
 *    comparisons queued at once, and the peak GPU memory; for each kernel choice in
 *    --variants, alternating run by run. A variant is GpuBackendOptions.fft ('fused-fft' is
 *    the per-stage path the fused one replaced), then optionally the fused layout:
 *    '+rows-first' or '+columns-first', '+lanes1|2|4' (FusedLayout). The first is the
 *    default path; the default list compares the fused layouts with each other and with it;
 * 4. per size, each fused variant with one timed pass per kernel (--profile-runs, medians).
 * The copy bandwidth of the device is measured before and after (the GPU's clocks vary).
 * Everything goes into one JSON file, labelled with the machine, the adapter and its limits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignImage } from '../src/align.js';
import type { StageTimings } from '../src/backend.js';
import { type FsimResult, Fsim } from '../src/fsim.js';
import { checkGpuKernels } from '../src/engine.js';
import { GpuBackend, type GpuBackendOptions } from '../src/gpu/backend.js';
import type { FusedLayout } from '../src/gpu/fusedPhaseCongruency.js';
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
/** A GpuBackendOptions choice ('fused+columns-first+lanes4'); the first is the default path. */
interface Variant {
  label: string;
  options: GpuBackendOptions;
}
function variant(label: string): Variant {
  const [kernels, ...parts] = label.split('+');
  const fft = checkGpuKernels(kernels);
  const layout: Partial<FusedLayout> = {};
  for (const part of parts) {
    if (part === 'rows-first' || part === 'columns-first') layout.order = part;
    else if (/^lanes[124]$/.test(part)) layout.lanes = Number(part.slice(5)) as FusedLayout['lanes'];
    else throw new Error(`--variants: '${part}' in '${label}' is not rows-first, columns-first or lanes1|2|4`);
  }
  return { label, options: { fft, layout } };
}
const DEFAULT_VARIANTS = 'auto,fused+columns-first,fused+columns-first+lanes4,fused+rows-first+lanes4,fused-fft';
const variants: Variant[] = (flag('variants') ?? flag('kernels') ?? DEFAULT_VARIANTS).split(',').map(variant);
const profileRuns = Number(flag('profile-runs') ?? 5);
const inflight = Number(flag('inflight') ?? 4);
// Dawn rounds timestamps to 2^16 ns unless told not to: per-kernel figures need the full resolution.
process.env.FSIM_DAWN_FLAGS ??= 'disable-dawn-features=timestamp_quantization';
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
/**
 * The copy bandwidth through this WebGPU device (a vec4<f32> buffer-to-buffer kernel, bytes
 * read + written, medians of 20 timed passes): the ceiling the traffic model divides by.
 */
async function copyBandwidth(): Promise<number | null> {
  if (!acquired.timestamps) return null;
  const { device } = acquired;
  const bytes = Math.min(256 * 2 ** 20, acquired.limits.maxStorageBufferBindingSize);
  const count = bytes / 16;
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) n: vec3<u32>) {
  let i = g.x + g.y * n.x * 256u;
  if (i < ${count}u) { dst[i] = src[i]; }
}`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: src } },
      { binding: 1, resource: { buffer: dst } },
    ],
  });
  const reps = 20;
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * reps });
  const resolved = device.createBuffer({ size: 16 * reps, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 16 * reps, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const groups = count / 256;
  for (let k = 0; k < reps; k++) {
    const pass = encoder.beginComputePass({
      timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 },
    });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
    pass.end();
  }
  encoder.resolveQuerySet(querySet, 0, 2 * reps, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, read, 0, 16 * reps);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const stamps = new BigUint64Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [src, dst, resolved, read]) b.destroy();
  querySet.destroy();
  const ms = median(Array.from({ length: reps }, (_, k) => Number(stamps[2 * k + 1] - stamps[2 * k]) / 1e6));
  return (2 * bytes) / (ms * 1e6);
}
const copyBefore = await copyBandwidth();
console.log(`copy bandwidth (read + write): ${copyBefore?.toFixed(0) ?? '-'} GB/s`);

const engine = new Fsim(await GpuBackend.create(manager, variants[0].options));
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

const pairs = new Map<string, [RasterImage, RasterImage]>();
for (const [width, height] of sizes) pairs.set(`${width}x${height}`, await pairAt(width, height));

// Every variant in the same process, alternating run by run, so that clock changes (the GPU
// ramps up and down between bursts) fall on all of them alike; medians per variant.
await engine.dispose();
const engines = await Promise.all(variants.map(async (v) => new Fsim(await GpuBackend.create(manager, v.options))));
const rows = [];
for (const [width, height] of sizes) {
  const [a, b] = pairs.get(`${width}x${height}`)!;
  for (const e of engines) await e.compare(a, b, { scale: 1 });
  const results: { r: FsimResult; wall: number }[][] = variants.map(() => []);
  for (let k = 0; k < runs; k++) {
    for (const [i, e] of engines.entries()) {
      const t = performance.now();
      const r = await e.compare(a, b, { scale: 1 });
      results[i].push({ r, wall: performance.now() - t });
    }
  }
  // Sustained: `inflight` comparisons at a time, so the GPU never waits on the host.
  const sustained: number[][] = variants.map(() => []);
  for (let k = 0; k < runs; k += inflight) {
    for (const [i, e] of engines.entries()) {
      const batch = await Promise.all(Array.from({ length: Math.min(inflight, runs - k) }, () => e.compare(a, b, { scale: 1 })));
      for (const r of batch) if (r.timings.gpu !== undefined) sustained[i].push(r.timings.gpu);
    }
  }
  for (const [i, variant] of variants.entries()) {
    const stages: Partial<Record<keyof StageTimings, number>> = {};
    for (const stage of STAGES) {
      const values = results[i].map(({ r }) => r.timings[stage]).filter((v): v is number => v !== undefined);
      if (values.length) stages[stage] = +median(values as number[]).toFixed(3);
    }
    const memory = await (engines[i].backend as GpuBackend).memory();
    const row = {
      variant: variant.label,
      size: [width, height],
      scale: 1,
      runs,
      stagesMs: stages,
      wallMs: +median(results[i].map((x) => x.wall)).toFixed(3),
      sustainedGpuMs: sustained[i].length ? +median(sustained[i]).toFixed(3) : null,
      peakGpuMemoryMiB: +(memory.peakBytes / 2 ** 20).toFixed(1),
      fsim: results[i][0].r.fsim,
      fsimc: results[i][0].r.fsimc,
    };
    rows.push(row);
    console.log(
      `[${variant.label}] ${width}×${height} F = 1: GPU ${STAGES.map((s) => `${s} ${stages[s]?.toFixed(2) ?? '-'}`).join(', ')} ms; sustained GPU ${row.sustainedGpuMs?.toFixed(2) ?? '-'} ms; wall ${row.wallMs.toFixed(1)} ms; peak ${row.peakGpuMemoryMiB} MiB (medians of ${runs}, alternating)`,
    );
  }
}
for (const e of engines) await e.dispose();

// Per kernel: each fused variant with one timed pass per kernel (a little slower in all), alternating.
const profiles = [];
const profiled = variants.filter((v) => v.options.fft !== 'fused-fft' && v.options.fft !== 'per-stage');
if (profileRuns > 0 && acquired.timestamps && profiled.length) {
  const profilers = await Promise.all(
    profiled.map(async (v) => new Fsim(await GpuBackend.create(manager, { ...v.options, profile: true }))),
  );
  for (const [width, height] of sizes) {
    const [a, b] = pairs.get(`${width}x${height}`)!;
    for (const e of profilers) await e.compare(a, b, { scale: 1 });
    const samples: Record<string, number>[][] = profiled.map(() => []);
    for (let k = 0; k < profileRuns; k++) {
      for (const [i, e] of profilers.entries()) samples[i].push((await e.compare(a, b, { scale: 1 })).timings.kernels ?? {});
    }
    for (const [i, variant] of profiled.entries()) {
      const kernelsMs = Object.fromEntries(
        Object.keys(samples[i][0]).map((name) => [name, +median(samples[i].map((x) => x[name] ?? 0)).toFixed(4)]),
      );
      profiles.push({ variant: variant.label, size: [width, height], runs: profileRuns, kernelsMs });
      console.log(
        `[profile ${variant.label}] ${width}×${height}: ${Object.entries(kernelsMs)
          .map(([name, ms]) => `${name} ${ms.toFixed(3)}`)
          .join(', ')} ms (pair, medians of ${profileRuns})`,
      );
    }
  }
  for (const e of profilers) await e.dispose();
}
report.profiles = profiles;
const copyAfter = await copyBandwidth();
console.log(`copy bandwidth (read + write), after: ${copyAfter?.toFixed(0) ?? '-'} GB/s`);
report.copyBandwidthGBs = { before: copyBefore, after: copyAfter };
report.rows = rows;
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`written: ${out}`);
