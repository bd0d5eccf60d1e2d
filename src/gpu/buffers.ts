/// <reference types="@webgpu/types" preserve="true" />
/**
 * Buffers pooled by (size, usage) and reused across comparisons, with the bytes held and
 * their peak accounted (the figure the benchmarks report as peak GPU memory).
 */
let serial = 0;

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly sizes = new WeakMap<GPUBuffer, string>();
  /** Bytes of live buffers, in use or pooled. */
  allocatedBytes = 0;
  peakBytes = 0;

  constructor(readonly device: GPUDevice) {}

  acquire(size: number, usage: GPUBufferUsageFlags, label = 'buffer'): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const key = `${bytes}:${usage}`;
    const reused = this.free.get(key)?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size: bytes, usage, label: `${label}#${++serial}` });
    this.sizes.set(buffer, key);
    this.allocatedBytes += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.allocatedBytes);
    return buffer;
  }

  /** A storage map of `count` f32 values. */
  map(count: number, label: string): GPUBuffer {
    return this.acquire(count * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label);
  }

  /** A uniform buffer holding `data`. */
  uniform(data: ArrayBuffer | ArrayBufferView, label: string): GPUBuffer {
    const buffer = this.acquire(data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label);
    this.device.queue.writeBuffer(buffer, 0, data as ArrayBuffer);
    return buffer;
  }

  release(...buffers: GPUBuffer[]): void {
    for (const buffer of buffers) {
      const key = this.sizes.get(buffer);
      if (!key) continue;
      let list = this.free.get(key);
      if (!list) {
        list = [];
        this.free.set(key, list);
      }
      if (!list.includes(buffer)) list.push(buffer);
    }
  }

  /** Destroys the pooled (unused) buffers. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.allocatedBytes -= buffer.size;
        buffer.destroy();
      }
    }
    this.free.clear();
  }
}

/** Packs a uniform struct of u32 and f32 fields, in declaration order. */
export function uniformData(fields: readonly (readonly [type: 'u32' | 'f32', value: number])[]): ArrayBuffer {
  const bytes = Math.ceil((fields.length * 4) / 16) * 16;
  const buffer = new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  fields.forEach(([type, value], i) => {
    if (type === 'u32') view.setUint32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return buffer;
}
