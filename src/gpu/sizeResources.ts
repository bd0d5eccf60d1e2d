/**
 * Everything the GPU keeps per downsampled size h×w, built once and reused by every image
 * of that size: the filter bank (uploaded from the float64 bank of src/bank.ts), the FFT
 * plans, the scratch maps of one orientation, and the uniforms of every kernel. Scratch is
 * shared between images because each orientation is recorded into a single submission.
 */
import { BINS, RADIX_PASSES, radixPassFields } from '../../shaders/median.js';
import { angularMap, filterBank, radialMap } from '../bank.js';
import { PC } from '../constants.js';
import { type BufferPool, uniformData } from './buffers.js';
import { GpuFft2D, type Planes } from './fft.js';
import type { ProgramCache } from './programs.js';

export class SizeResources {
  readonly n: number;
  readonly fft: GpuFft2D;
  readonly radial: GPUBuffer[];
  readonly angular: GPUBuffer[];
  /** Two complex scratch maps for the FFT's ping-pong (the colour stage writes the FFT input into A). */
  readonly scratchA: Planes;
  readonly scratchB: Planes;
  /** EO_so of the four scales of the current orientation. */
  readonly responses: Planes[];
  readonly sumE: GPUBuffer;
  readonly sumO: GPUBuffer;
  readonly energy: GPUBuffer;
  readonly smallestScaleEnergy: GPUBuffer;
  readonly histogram: GPUBuffer;
  readonly selection: GPUBuffer;
  readonly uniforms: {
    count: GPUBuffer;
    /** [o][s]: accumulate/energy parameters. */
    scale: GPUBuffer[][];
    /** [o]: noise constants of the threshold. */
    threshold: GPUBuffer[];
    radixPasses: GPUBuffer[];
    shape: GPUBuffer;
  };
  private readonly owned: GPUBuffer[] = [];

  constructor(
    readonly programs: ProgramCache,
    private readonly pool: BufferPool,
    readonly rows: number,
    readonly cols: number,
    fusedFft: boolean,
  ) {
    this.n = rows * cols;
    const n = this.n;
    const device = pool.device;
    const bank = filterBank(rows, cols);
    const upload = (values: Float32Array<ArrayBuffer>, label: string): GPUBuffer => {
      const buffer = this.own(pool.map(n, label));
      device.queue.writeBuffer(buffer, 0, values);
      return buffer;
    };
    this.radial = bank.radial.map((_, s) => upload(Float32Array.from(radialMap(bank, s)), `radial${s}`));
    this.angular = bank.angular.map((_, o) => upload(angularMap(bank, o, Float32Array), `angular${o}`));
    this.fft = new GpuFft2D(programs, pool, rows, cols, fusedFft);
    const planes = (label: string): Planes => ({ re: this.own(pool.map(n, `${label}-re`)), im: this.own(pool.map(n, `${label}-im`)) });
    this.scratchA = planes('scratchA');
    this.scratchB = planes('scratchB');
    this.responses = Array.from({ length: PC.nscale }, (_, s) => planes(`eo${s}`));
    this.sumE = this.own(pool.map(n, 'sumE'));
    this.sumO = this.own(pool.map(n, 'sumO'));
    this.energy = this.own(pool.map(n, 'energy'));
    this.smallestScaleEnergy = this.own(pool.map(n, 'a0sq'));
    // Zero on creation; the select kernel re-zeroes it after every pass.
    this.histogram = this.own(pool.acquire(2 * BINS * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'histogram'));
    device.queue.writeBuffer(this.histogram, 0, new Uint32Array(2 * BINS));
    this.selection = this.own(pool.acquire(16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'selection'));

    const uniform = (fields: Parameters<typeof uniformData>[0], label: string) => this.own(pool.uniform(uniformData(fields), label));
    const inverseN = 1 / n;
    this.uniforms = {
      count: uniform([['u32', n]], 'count'),
      scale: Array.from({ length: PC.norient }, (_, o) =>
        Array.from({ length: PC.nscale }, (_, s) =>
          uniform(
            [
              ['u32', n],
              ['u32', s === 0 && o === 0 ? 1 : 0],
              ['f32', inverseN],
              ['u32', s === 0 ? 1 : 0],
            ],
            `pc-o${o}s${s}`,
          ),
        ),
      ),
      threshold: bank.noise.map((noise, o) =>
        uniform(
          [
            ['u32', n],
            ['u32', o === 0 ? 1 : 0],
            ['f32', noise.energyOfSmallestFilter],
            ['f32', noise.sumAn2],
            ['f32', noise.sumAiAj],
          ],
          `threshold-o${o}`,
        ),
      ),
      radixPasses: RADIX_PASSES.map((_, pass) => uniform(radixPassFields(n, pass), `radix-pass${pass}`)),
      shape: uniform(
        [
          ['u32', rows],
          ['u32', cols],
        ],
        'shape',
      ),
    };
  }

  get fftInput(): Planes {
    return this.scratchA;
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    return buffer;
  }

  release(): void {
    this.fft.release();
    this.pool.release(...this.owned);
  }
}
