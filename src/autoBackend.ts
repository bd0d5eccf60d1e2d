/**
 * The backend 'auto' gives in Node: the CPU path for small work, and for an image whose
 * downsampled size reaches AUTO_GPU_PIXELS the GPU path, where a hardware adapter is found.
 * The GPU is probed only then, once (the platform caches the probe for the process), so a
 * small comparison never loads the WebGPU stack: at 512×384 that probe cost more than the
 * comparison itself on a machine without a GPU (bench/README.md, "The default backend").
 * Both images of a comparison have one size, so they always land on one backend; results name
 * the backend that computed them.
 */
import type { Backend, PoolResult, PreparedImage, Progress } from './backend.js';
import type { RasterImage } from './image.js';
import type { MaskWeights } from './mask.js';
import { downsampledSize } from './scale.js';

/**
 * Downsampled pixels from which 'auto' asks for the GPU: about one megapixel (a 1024×1024
 * image at F = 1). Below it the CPU path takes under ~1 s on 2 cores (bench/README.md), less
 * than a GPU's first use (Dawn, the device and ~20 pipelines) is expected to cost.
 */
export const AUTO_GPU_PIXELS = 1 << 20;

/** A hardware GPU's backend, or why there is none. */
export type GpuProbe = () => Promise<{ backend: Backend } | { reason: string }>;

export class AutoBackend implements Backend {
  readonly software = false;
  /** The probe's outcome: undefined until work asked for the GPU. */
  private gpu: Promise<Backend | null> | undefined;
  private gpuBackend: Backend | null = null;
  /** The GPU backend's prepared images, to send each pair to the backend that prepared it. */
  private readonly onGpu = new WeakSet<PreparedImage>();

  /** `cpu.note` takes the reason where the GPU was asked for and none came (the CPU path's name says it then). */
  constructor(
    private readonly cpu: Backend & { note?: string },
    private readonly probe: GpuProbe,
  ) {}

  /** The GPU's name once it took work, else the CPU's (results name the backend of their prepared images). */
  get name(): string {
    return (this.gpuBackend ?? this.cpu).name;
  }

  private async backendFor(image: RasterImage, factor: number): Promise<Backend> {
    const [h, w] = downsampledSize(image.height, image.width, factor);
    if (h * w < AUTO_GPU_PIXELS) return this.cpu;
    this.gpu ??= this.probe().then((found) => {
      if ('backend' in found) {
        this.gpuBackend = found.backend;
        return found.backend;
      }
      this.cpu.note = found.reason;
      return null;
    });
    return (await this.gpu) ?? this.cpu;
  }

  async prepare(image: RasterImage, factor: number, progress?: Progress): Promise<PreparedImage> {
    const backend = await this.backendFor(image, factor);
    const prepared = await backend.prepare(image, factor, progress);
    if (backend !== this.cpu) this.onGpu.add(prepared);
    return prepared;
  }

  pool(a: PreparedImage, b: PreparedImage, maps: boolean, mask?: MaskWeights): Promise<PoolResult> {
    // The backend's own check refuses a pair prepared on two backends.
    return (this.onGpu.has(a) && this.gpuBackend ? this.gpuBackend : this.cpu).pool(a, b, maps, mask);
  }

  async dispose(): Promise<void> {
    const gpu = await this.gpu?.catch(() => null);
    await Promise.all([this.cpu.dispose(), gpu?.dispose()]);
  }
}
