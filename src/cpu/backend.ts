/**
 * The float64 CPU backend: the reference computation, exactly (FSIM_SPEC.md), and the
 * yardstick the GPU path is tested against. prepare() reads top-down:
 * colour → downsample → FFT → log-Gabor bank → phase congruency → gradients.
 */
import type { Backend, PoolResult, PreparedImage, Progress, StageTimings } from '../backend.js';
import { filterBank, sharedFloat64 } from '../bank.js';
import { PC } from '../constants.js';
import { FsimError } from '../errors.js';
import { isGreyscale, type RasterImage } from '../image.js';
import { downsampledSize } from '../scale.js';
import { toYiq } from './colour.js';
import { boxMeans } from './downsample.js';
import type { OrientationExecutor } from './executor.js';
import { Fft2D } from './fft2d.js';
import { gradientMagnitude } from './gradient.js';
import { checkPoolable } from '../pooling.js';
import { poolScores, similarityMaps } from './pooling.js';

const now = (): number => performance.now();

export class CpuPrepared implements PreparedImage {
  constructor(
    readonly backend: string,
    readonly size: readonly [number, number],
    readonly downsampled: readonly [number, number],
    readonly factor: number,
    readonly colour: boolean,
    readonly timings: StageTimings,
    /** Downsampled planes (chroma null for greyscale) and the per-image maps, float64. */
    public y: Float64Array,
    public i: Float64Array | null,
    public q: Float64Array | null,
    public pc: Float64Array,
    public gm: Float64Array,
  ) {}

  release(): void {
    const empty = new Float64Array(0);
    this.y = this.pc = this.gm = empty;
    this.i = this.q = null;
  }
}

/**
 * Resident bytes per downsampled pixel of one comparison (both images) on this path: spectra,
 * per-orientation sums and maps of two images, the filter bank, and 9 scratch maps per thread.
 * A model fitted to measured peaks (bench/README.md: 530 B at 1080p, 504 B at 3640×2400 with
 * 2 threads), used to refuse what would not fit before allocating it.
 */
export function cpuBytesPerPixel(threads: number): number {
  return 380 + 72 * threads;
}

export interface CpuBackendOptions {
  /** Appended to the name, e.g. why 'auto' fell back to the CPU. */
  note?: string;
  /** Bytes a comparison may take; larger ones are refused with a SIZE error. Default: no limit. */
  memoryBudget?: number;
}

export class CpuBackend implements Backend {
  readonly name: string;
  private readonly fftCache = new Map<string, Fft2D>();
  private readonly memoryBudget: number;

  constructor(
    private readonly executor: OrientationExecutor,
    options: CpuBackendOptions = {},
  ) {
    const { note, memoryBudget = Infinity } = options;
    this.name = `cpu (float64, ${executor.threads} thread${executor.threads === 1 ? '' : 's'}${note ? `; ${note}` : ''})`;
    this.memoryBudget = memoryBudget;
  }

  private checkMemory(h: number, w: number, factor: number): void {
    const need = h * w * cpuBytesPerPixel(this.executor.threads);
    if (need > this.memoryBudget) {
      const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
      throw new FsimError(
        'SIZE',
        `${w}×${h} pixels at F = ${factor} need about ${gib(need)} on the CPU path, over its ${gib(this.memoryBudget)} memory budget; use a larger scale or the GPU backend`,
      );
    }
  }

  async prepare(image: RasterImage, factor: number, progress?: Progress): Promise<PreparedImage> {
    const timings: StageTimings = {};
    const greyscale = isGreyscale(image);
    const { height: rows, width: cols } = image;
    const [h, w] = downsampledSize(rows, cols, factor);
    this.checkMemory(h, w, factor);
    // downsample → colour: box means of the raster's channels, then YIQ on the small grid
    // (linear maps commute; no full-resolution float64 plane per component is ever held).
    let t = now();
    const means = boxMeans(image, factor, greyscale ? 1 : 3);
    timings.downsample = now() - t;
    t = now();
    const { y, i, q } = toYiq(means, greyscale);
    timings.colour = now() - t;

    const pc = await this.phaseCongruency(y, h, w, timings, progress);

    t = now();
    const gm = gradientMagnitude(y, h, w);
    timings.gradient = now() - t;

    return new CpuPrepared(this.name, [rows, cols], [h, w], factor, !greyscale, timings, y, i, q, pc, gm);
  }

  /** PC = Σ_o Energy_o / Σ_o sumAn_o, the orientations spread over the executor's threads. */
  private async phaseCongruency(y: Float64Array, h: number, w: number, timings: StageTimings, progress?: Progress): Promise<Float64Array> {
    const n = h * w;
    const pc = new Float64Array(n);
    // A constant image has an exactly zero response (every filter is zero at DC): no features.
    // Computing it would only turn FFT rounding noise into spurious congruency.
    if (y.every((v) => v === y[0])) return pc;

    let t = now();
    const spectrum = { re: sharedFloat64(n), im: sharedFloat64(n) };
    this.fft2d(h, w).forwardReal(y, spectrum.re, spectrum.im);
    timings.fft = now() - t;

    t = now();
    const bank = filterBank(h, w);
    const energies = Array.from({ length: PC.norient }, () => sharedFloat64(n));
    const amplitudes = Array.from({ length: PC.norient }, () => sharedFloat64(n));
    let done = 0;
    progress?.(0, 'phase congruency');
    await Promise.all(
      energies.map(async (energy, o) => {
        await this.executor.run({ bank, spectrum, orientation: o, energy, amplitude: amplitudes[o] });
        progress?.(++done / PC.norient, 'phase congruency');
      }),
    );
    for (let p = 0; p < n; p++) {
      let energy = 0,
        amplitude = 0;
      for (let o = 0; o < PC.norient; o++) {
        energy += energies[o][p];
        amplitude += amplitudes[o][p];
      }
      // Zero amplitude means every response is zero there: no feature (the reference gives 0/0).
      pc[p] = amplitude > 0 ? energy / amplitude : 0;
    }
    timings.phaseCongruency = now() - t;
    return pc;
  }

  private fft2d(h: number, w: number): Fft2D {
    const key = `${h}x${w}`;
    let fft = this.fftCache.get(key);
    if (!fft) {
      this.fftCache.clear();
      fft = new Fft2D(h, w);
      this.fftCache.set(key, fft);
    }
    return fft;
  }

  async pool(a: PreparedImage, b: PreparedImage, maps: boolean): Promise<PoolResult> {
    const [first, second] = checkPoolable(
      a,
      b,
      (x): x is CpuPrepared => x instanceof CpuPrepared,
      (x) => x.pc.length === 0,
    );
    const t = now();
    const out = poolScores(first, second, maps);
    const timings: StageTimings = { pooling: now() - t };
    return {
      fsim: out.fsim,
      fsimc: out.fsimc,
      pooling: out.pooling,
      maps: out.similarity ? similarityMaps(first, second, out.similarity) : undefined,
      timings,
    };
  }

  async dispose(): Promise<void> {
    await this.executor.dispose();
  }
}
