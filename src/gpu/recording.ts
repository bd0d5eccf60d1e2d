/// <reference types="@webgpu/types" preserve="true" />
/**
 * How the GPU backend records an image's work: command encoders, compute passes named by
 * stage (timed with timestamp queries where the adapter has them), and the interface both
 * phase-congruency paths implement (src/gpu/fusedPhaseCongruency.ts, stagedPhaseCongruency.ts),
 * so that GpuBackend.prepare records either without knowing which.
 */
import type { StageTimings } from '../backend.js';
import type { BufferPool } from './buffers.js';
import type { Planes } from './fft.js';

export type TimedStage = Exclude<keyof StageTimings, 'kernels'>;

/** Where a path records the kernels of one stage. */
export interface StagePasses {
  /** The compute pass `kernel` records into: one per stage, or one per kernel when profiling. */
  pass(kernel: string): GPUComputePassEncoder;
  /** Submits what is recorded so far and goes on in a new command encoder (bounds one submission's work). */
  flush(): void;
}

/** FFT → log-Gabor bank → phase congruency of one downsampled size, as one path does it. */
export interface PhaseCongruencyPath {
  readonly kind: 'fused' | 'per-stage';
  /** Downsampled pixels. */
  readonly n: number;
  /** count (n) and shape (rows, cols) uniforms, for the stages around this one. */
  readonly uniforms: { readonly count: GPUBuffer; readonly shape: GPUBuffer };
  /**
   * Planes the colour stage writes the FFT input into (Y − offset, 0), or null where the
   * forward transform reads Y itself.
   */
  readonly fftInput: Planes | null;
  /** The spectrum of Y − offset (`offset`: a uniform f32, the colour stage's constant). */
  recordForward(passes: StagePasses, y: GPUBuffer, offset: GPUBuffer): void;
  /** Phase congruency of the spectrum into `pc`; `range` is the colour stage's min/max of Y. */
  recordPhaseCongruency(passes: StagePasses, range: GPUBuffer, pc: GPUBuffer): void;
  /** Gives the size's buffers back to the pool. */
  release(): void;
}

/** Stage timings from timestamp queries: one pair per compute pass. */
export class PassTimer {
  private readonly names: { stage: TimedStage; kernel?: string }[] = [];
  private readonly querySet?: GPUQuerySet;

  constructor(
    device: GPUDevice,
    enabled: boolean,
    private readonly capacity: number,
  ) {
    if (enabled) this.querySet = device.createQuerySet({ type: 'timestamp', count: capacity * 2 });
  }

  pass(encoder: GPUCommandEncoder, name: TimedStage, kernel?: string): GPUComputePassEncoder {
    const index = this.names.length;
    this.names.push({ stage: name, kernel });
    if (!this.querySet || index >= this.capacity) return encoder.beginComputePass({ label: name });
    return encoder.beginComputePass({
      label: name,
      timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * index, endOfPassWriteIndex: 2 * index + 1 },
    });
  }

  /** Records the resolve; call on the last encoder, then read() after submitting it. */
  resolve(encoder: GPUCommandEncoder, pool: BufferPool): (() => Promise<StageTimings>) | null {
    if (!this.querySet) return null;
    const count = Math.min(this.names.length, this.capacity) * 2;
    const resolved = pool.acquire(count * 8, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, 'timestamps');
    const readable = pool.acquire(count * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'timestamps-read');
    encoder.resolveQuerySet(this.querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readable, 0, count * 8);
    return async () => {
      await readable.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(readable.getMappedRange().slice(0));
      readable.unmap();
      pool.release(resolved, readable);
      this.querySet!.destroy();
      const timings: StageTimings = {};
      let gpu = 0;
      for (let i = 0; i < count / 2; i++) {
        const ms = Number(stamps[2 * i + 1] - stamps[2 * i]) / 1e6;
        if (!(ms >= 0)) continue;
        const { stage, kernel } = this.names[i];
        timings[stage] = (timings[stage] ?? 0) + ms;
        if (kernel) {
          timings.kernels ??= {};
          timings.kernels[kernel] = (timings.kernels[kernel] ?? 0) + ms;
        }
        gpu += ms;
      }
      timings.gpu = gpu;
      return timings;
    };
  }
}

/** One image's command encoder (or several, where a path flushes), its passes timed by stage. */
export class Recording {
  encoder: GPUCommandEncoder;

  constructor(
    private readonly device: GPUDevice,
    readonly timer: PassTimer,
    /** One pass per kernel (StageTimings.kernels) instead of one per stage. */
    private readonly profile: boolean,
    private readonly label: string,
  ) {
    this.encoder = device.createCommandEncoder({ label });
  }

  /** Passes of one stage: open them, record, then end(). */
  stage(name: TimedStage): StagePasses & { end(): void } {
    let open: GPUComputePassEncoder | null = null;
    const end = () => {
      open?.end();
      open = null;
    };
    return {
      pass: (kernel) => {
        if (open && !this.profile) return open;
        end();
        open = this.timer.pass(this.encoder, name, this.profile ? kernel : undefined);
        return open;
      },
      flush: () => {
        end();
        this.device.queue.submit([this.encoder.finish()]);
        this.encoder = this.device.createCommandEncoder({ label: this.label });
      },
      end,
    };
  }
}
