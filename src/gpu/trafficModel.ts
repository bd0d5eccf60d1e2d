/// <reference types="@webgpu/types" preserve="true" />
/**
 * A traffic model of the GPU path that needs no GPU: the real host code (GpuBackend, its
 * programs, plans and dispatch sequence) runs against a recording stand-in for a WebGPU
 * device with the limits to model, and every dispatch is logged with its stage, program and
 * bound buffers. Modelled DRAM traffic per dispatch: each read-only storage binding read once,
 * each read-write storage binding written once (a kernel that also reads what it writes, or
 * reads a binding twice, is undercounted; caches are ignored). A model, labelled so wherever
 * it is printed: bench/gpu.ts --model. The same stand-in times the host's own work
 * (measureHostWork, bench/gpu.ts --host).
 */
import { Fsim } from '../fsim.js';
import type { RasterImage } from '../image.js';
import type { ScaleOption } from '../scale.js';
import { type FftKernels, GpuBackend, type GpuBackendOptions } from './backend.js';
import { DeviceManager } from './device.js';

export interface DispatchRecord {
  stage: string;
  program: string;
  workgroups: number;
  bytesRead: number;
  bytesWritten: number;
}

export interface StageTraffic {
  dispatches: number;
  bytes: number;
}

export interface TrafficModel {
  /** The downsampled size [rows, cols] (the FFT size). */
  size: [number, number];
  /** The input size [rows, cols] and the scale factor F. */
  input: [number, number];
  scale: number;
  /** The phase-congruency path the backend takes for this size ('fused' or 'per-stage'). */
  path: string;
  workgroupStorage: number;
  kernels: FftKernels;
  dispatches: number;
  bytes: number;
  bytesPerPixel: number;
  stages: Record<string, StageTraffic>;
  /** What the first comparison of the size adds (its filter bank), not in the totals above. */
  setup: StageTraffic;
}

/** WebGPU's flag constants, where no implementation installed them (the model needs no Dawn). */
function ensureWebGpuConstants(): void {
  const g = globalThis as Record<string, unknown>;
  g.GPUBufferUsage ??= {
    MAP_READ: 1,
    MAP_WRITE: 2,
    COPY_SRC: 4,
    COPY_DST: 8,
    INDEX: 16,
    VERTEX: 32,
    UNIFORM: 64,
    STORAGE: 128,
    INDIRECT: 256,
    QUERY_RESOLVE: 512,
  };
  g.GPUShaderStage ??= { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 };
  g.GPUMapMode ??= { READ: 1, WRITE: 2 };
}

interface FakeBuffer {
  size: number;
  label?: string;
}
interface FakeLayout {
  entries: { binding: number; buffer: { type: GPUBufferBindingType } }[];
}
interface FakeBindGroup {
  layout: FakeLayout;
  entries: { binding: number; resource: { buffer: FakeBuffer; size?: number } }[];
}

/** A GPU whose one adapter hands out a device that records instead of computing. */
function recordingGpu(limits: Record<string, number>, log: DispatchRecord[]): GPU {
  let stage = '';
  let pipeline = '';
  let group: FakeBindGroup | null = null;
  const pass = {
    setPipeline: (p: { label: string }) => {
      pipeline = p.label;
    },
    setBindGroup: (_index: number, g: FakeBindGroup) => {
      group = g;
    },
    dispatchWorkgroups: (x: number, y = 1, z = 1) => {
      let bytesRead = 0,
        bytesWritten = 0;
      for (const entry of group?.entries ?? []) {
        const type = group!.layout.entries.find((e) => e.binding === entry.binding)?.buffer.type;
        const bytes = entry.resource.size ?? entry.resource.buffer.size;
        if (type === 'read-only-storage') bytesRead += bytes;
        else if (type === 'storage') bytesWritten += bytes;
      }
      log.push({ stage, program: pipeline.replace(/#main$/, ''), workgroups: x * y * z, bytesRead, bytesWritten });
    },
    end: () => {},
  };
  const encoder = {
    beginComputePass: (d?: { label?: string }) => {
      stage = d?.label ?? 'unlabelled';
      return pass;
    },
    clearBuffer: () => {},
    copyBufferToBuffer: () => {},
    resolveQuerySet: () => {},
    finish: () => ({}),
  };
  const device = {
    limits,
    features: new Set<string>(),
    lost: new Promise(() => {}),
    queue: { writeBuffer: () => {}, submit: () => {}, onSubmittedWorkDone: () => Promise.resolve() },
    addEventListener: () => {},
    pushErrorScope: () => {},
    popErrorScope: () => Promise.resolve(null),
    createBuffer: (d: { size: number; label?: string }) => ({
      size: d.size,
      label: d.label,
      mapAsync: () => Promise.resolve(),
      getMappedRange: (offset = 0, size?: number) => new ArrayBuffer(size ?? d.size - offset),
      unmap: () => {},
      destroy: () => {},
    }),
    createQuerySet: () => ({ destroy: () => {} }),
    createShaderModule: (d: { label?: string }) => ({ label: d.label }),
    createBindGroupLayout: (d: FakeLayout) => d,
    createPipelineLayout: (d: object) => d,
    createComputePipeline: (d: { label: string }) => ({ label: d.label }),
    createBindGroup: (d: FakeBindGroup) => d,
    createCommandEncoder: () => encoder,
    destroy: () => {},
  };
  const adapter = {
    info: { vendor: 'model', architecture: '', device: '', description: 'traffic model' },
    features: new Set<string>(),
    limits,
    requestDevice: async () => device,
  };
  return { requestAdapter: async () => adapter } as unknown as GPU;
}

/** WebGPU's default limits, with the workgroup storage to model. */
function limitsWith(workgroupStorage: number): Record<string, number> {
  return {
    maxComputeWorkgroupStorageSize: workgroupStorage,
    maxStorageBufferBindingSize: 2 ** 31 - 4,
    maxBufferSize: 2 ** 31 - 4,
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBuffersPerShaderStage: 10,
    maxBindingsPerBindGroup: 1000,
    maxBindGroups: 4,
    minStorageBufferOffsetAlignment: 256,
    minUniformBufferOffsetAlignment: 256,
  };
}

/** An engine on the recording device: the real host code, no GPU work. */
async function recordingEngine(workgroupStorage: number, log: DispatchRecord[], options: GpuBackendOptions): Promise<Fsim> {
  ensureWebGpuConstants();
  const gpu = recordingGpu(limitsWith(workgroupStorage), log);
  return new Fsim(await GpuBackend.create(new DeviceManager(async () => gpu, { limits: 'adapter' }), options));
}

/** A rows × cols RGB test image (8-bit, deterministic). */
function testImage(rows: number, cols: number, seed: number): RasterImage {
  const data = new Uint8Array(rows * cols * 3);
  for (let k = 0; k < data.length; k++) data[k] = (k * 2654435761 + seed) >>> 24;
  return { width: cols, height: rows, channels: 3, data };
}

/**
 * Every dispatch of two FSIMc comparisons of the same two rows × cols RGB images on one engine:
 * the first (which also builds the size's resources: its filter bank) and the second (warm).
 * `path` is the phase-congruency path of the downsampled size, `downsampled` that size.
 */
export async function recordComparison(
  rows: number,
  cols: number,
  workgroupStorage: number,
  kernels: FftKernels = 'auto',
  scale: ScaleOption = 1,
): Promise<{ first: DispatchRecord[]; warm: DispatchRecord[]; path: string; downsampled: [number, number]; factor: number }> {
  const log: DispatchRecord[] = [];
  const engine = await recordingEngine(workgroupStorage, log, { fft: kernels });
  try {
    const [a, b] = [testImage(rows, cols, 1), testImage(rows, cols, 2)];
    const result = await engine.compare(a, b, { scale });
    const first = log.splice(0);
    await engine.compare(a, b, { scale });
    const [h, w] = result.downsampled;
    const path = await (engine.backend as GpuBackend).pathOf(h, w);
    return { first, warm: log.splice(0), path, downsampled: [h, w], factor: result.scale };
  } finally {
    await engine.dispose();
  }
}

/**
 * The GPU path's host work for one FSIMc comparison at F = 1, measured on the recording
 * device (so no GPU time, no driver copies): the first comparison of a size (filter bank,
 * uploads, shader generation) and each of `runs` later ones (uploads, recording, pooling
 * on the host), in ms.
 */
export async function measureHostWork(
  rows: number,
  cols: number,
  runs: number,
  options: GpuBackendOptions = {},
): Promise<{ firstMs: number; laterMs: number[] }> {
  const engine = await recordingEngine(49152, [], options);
  const [a, b] = [testImage(rows, cols, 1), testImage(rows, cols, 2)];
  try {
    const timed = async () => {
      const started = performance.now();
      await engine.compare(a, b, { scale: 1 });
      return performance.now() - started;
    };
    const firstMs = await timed();
    const laterMs: number[] = [];
    for (let i = 0; i < runs; i++) laterMs.push(await timed());
    return { firstMs, laterMs };
  } finally {
    await engine.dispose();
  }
}

/**
 * The model of one warm comparison (the size's resources already built); `kernels` as
 * GpuBackendOptions.fft ('auto': the fused path where it fits, 'fused-fft': the per-stage path
 * before it), at scale F = 1 unless `scale` says otherwise. `setup` is what the first
 * comparison of the size adds (the filter bank).
 */
export async function modelTraffic(
  rows: number,
  cols: number,
  workgroupStorage: number,
  kernels: FftKernels = 'auto',
  scale: ScaleOption = 1,
): Promise<TrafficModel> {
  const { first, warm, path, downsampled, factor } = await recordComparison(rows, cols, workgroupStorage, kernels, scale);
  const total = (log: DispatchRecord[]) => log.reduce((sum, d) => sum + d.bytesRead + d.bytesWritten, 0);
  const stages: Record<string, StageTraffic> = {};
  for (const d of warm) {
    stages[d.stage] ??= { dispatches: 0, bytes: 0 };
    const s = stages[d.stage];
    s.dispatches++;
    s.bytes += d.bytesRead + d.bytesWritten;
  }
  const bytes = total(warm);
  const setupLog = first.filter((d) => d.stage === 'filterBank');
  const [h, w] = downsampled;
  return {
    size: downsampled,
    input: [rows, cols],
    scale: factor,
    path,
    workgroupStorage,
    kernels,
    dispatches: warm.length,
    bytes,
    bytesPerPixel: bytes / (h * w),
    stages,
    setup: { dispatches: setupLog.length, bytes: total(setupLog) },
  };
}
