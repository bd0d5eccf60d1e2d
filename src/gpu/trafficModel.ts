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
  size: [number, number];
  workgroupStorage: number;
  kernels: FftKernels;
  dispatches: number;
  bytes: number;
  bytesPerPixel: number;
  stages: Record<string, StageTraffic>;
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

/** Every dispatch of one FSIMc comparison of two rows × cols RGB images at F = 1. */
export async function recordComparison(
  rows: number,
  cols: number,
  workgroupStorage: number,
  kernels: FftKernels = 'auto',
): Promise<DispatchRecord[]> {
  const log: DispatchRecord[] = [];
  const engine = await recordingEngine(workgroupStorage, log, { fft: kernels });
  try {
    await engine.compare(testImage(rows, cols, 1), testImage(rows, cols, 2), { scale: 1 });
  } finally {
    await engine.dispose();
  }
  return log;
}

/**
 * The GPU path's host work for one FSIMc comparison at F = 1, measured on the recording
 * device (so no GPU time, no driver copies): the first comparison of a size (filter bank,
 * uploads, shader generation) and each of `runs` later ones (uploads, recording, pooling
 * on the host), in ms. `options.executor` builds the filter bank on threads.
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

/** The model of one comparison; `kernels` as GpuBackendOptions.fft ('auto': the fused path, 'fused-fft': the one before it). */
export async function modelTraffic(
  rows: number,
  cols: number,
  workgroupStorage: number,
  kernels: FftKernels = 'auto',
): Promise<TrafficModel> {
  const log = await recordComparison(rows, cols, workgroupStorage, kernels);
  const stages: Record<string, StageTraffic> = {};
  let bytes = 0;
  for (const d of log) {
    stages[d.stage] ??= { dispatches: 0, bytes: 0 };
    const s = stages[d.stage];
    s.dispatches++;
    s.bytes += d.bytesRead + d.bytesWritten;
    bytes += d.bytesRead + d.bytesWritten;
  }
  return { size: [rows, cols], workgroupStorage, kernels, dispatches: log.length, bytes, bytesPerPixel: bytes / (rows * cols), stages };
}
