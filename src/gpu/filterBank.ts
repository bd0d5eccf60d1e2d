/// <reference types="@webgpu/types" preserve="true" />
/**
 * The filter bank of one downsampled size, built by GPU kernels (shaders/filterBank.ts) instead
 * of uploaded from the float64 bank: the radial quadrant (one vec4 of G_0…G_3 per entry), the
 * four angular maps S_o over the full grid, and the noise sums per orientation, which never
 * leave the GPU (copied into the uniforms that read them). The host supplies only the two
 * axes' frequencies (src/bank.ts's axisFrequencies, rounded once to f32). Built once per size
 * by whoever keeps the size's resources; src/bank.ts states the layout and stays the yardstick
 * (test/gpu/filterBank.test.ts). Both GPU paths build theirs here.
 */
import { WORKGROUP_SIZE } from '../../shaders/common.js';
import {
  angularBindings,
  angularShader,
  NOISE_FAN_IN,
  noiseFinishBindings,
  noiseFinishShader,
  noisePartialsBindings,
  noisePartialsShader,
  noiseSumsBindings,
  noiseSumsShader,
  radialBindings,
  radialShader,
} from '../../shaders/filterBank.js';
import { axisFrequencies } from '../bank.js';
import { PC } from '../constants.js';
import { type BufferPool, uniformData } from './buffers.js';
import { declaredProgram, groupsFor, type ProgramCache, runner } from './programs.js';

const programs = {
  radial: declaredProgram('bank-radial', radialBindings, () => radialShader),
  angular: declaredProgram('bank-angular', angularBindings, () => angularShader),
  noisePartials: declaredProgram('bank-noise-partials', noisePartialsBindings, () => noisePartialsShader),
  noiseSums: declaredProgram('bank-noise-sums', noiseSumsBindings, () => noiseSumsShader),
  noiseFinish: declaredProgram('bank-noise-finish', noiseFinishBindings, () => noiseFinishShader),
};

/** Bytes per orientation in `noise`: vec4(EM_n, ΣAn², ΣAiAj, 0). */
export const NOISE_BYTES_PER_ORIENTATION = 16;

export class GpuFilterBank {
  readonly quadrantRows: number;
  readonly quadrantCols: number;
  /** G_0…G_3 of quadrant entry (r, c) at r·quadrantCols + c (src/bank.ts: entry (mirror(r), mirror(c)) of the grid). */
  readonly radial: GPUBuffer;
  /** S_o over the full rows × cols grid, DFT order. */
  readonly angular: readonly GPUBuffer[];
  /** Per orientation o, at o·16 bytes: vec4<f32>(EM_n, ΣAn², ΣAiAj, 0). */
  readonly noise: GPUBuffer;

  constructor(
    private readonly cache: ProgramCache,
    private readonly pool: BufferPool,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.quadrantRows = (rows >> 1) + 1;
    this.quadrantCols = (cols >> 1) + 1;
    const storage = GPUBufferUsage.STORAGE;
    this.radial = pool.acquire(
      this.quadrantRows * this.quadrantCols * 16,
      storage | GPUBufferUsage.COPY_SRC,
      `radial-quadrants-${rows}x${cols}`,
    );
    this.angular = Array.from({ length: PC.norient }, (_, o) => pool.map(rows * cols, `angular${o}-${rows}x${cols}`));
    this.noise = pool.acquire(PC.norient * NOISE_BYTES_PER_ORIENTATION, storage | GPUBufferUsage.COPY_SRC, `noise-sums-${rows}x${cols}`);
  }

  /**
   * Runs the bank's kernels (one submission): work submitted after this reads the bank. Their
   * temporaries go back to the pool once submitted, since later submissions run after them.
   */
  build(): void {
    const { rows, cols, quadrantRows, quadrantCols, pool } = this;
    const device = pool.device;
    const n = rows * cols;
    const temporaries: GPUBuffer[] = [];
    const temporary = (buffer: GPUBuffer) => {
      temporaries.push(buffer);
      return buffer;
    };
    const upload = (values: Float64Array, label: string) => {
      const buffer = temporary(pool.map(values.length, label));
      device.queue.writeBuffer(buffer, 0, Float32Array.from(values));
      return buffer;
    };
    const u = upload(axisFrequencies(cols), 'frequencies-u');
    const v = upload(axisFrequencies(rows), 'frequencies-v');
    const shape = (count: number) =>
      temporary(
        pool.uniform(
          uniformData([
            ['u32', rows],
            ['u32', cols],
            ['u32', quadrantCols],
            ['u32', count],
          ]),
          'bank-shape',
        ),
      );
    const gridShape = shape(n);
    const angular = Object.fromEntries(this.angular.map((buffer, o) => [`angular${o}`, buffer]));
    const run = runner(this.cache);
    const encoder = device.createCommandEncoder({ label: 'filterBank' });
    const pass = encoder.beginComputePass({ label: 'filterBank' });
    run(
      pass,
      programs.radial,
      { shape: shape(quadrantRows * quadrantCols), u, v, radial: this.radial },
      groupsFor(quadrantRows * quadrantCols),
    );
    run(pass, programs.angular, { shape: gridShape, u, v, ...angular }, groupsFor(n));
    // Noise sums: a partial per invocation over NOISE_FAN_IN frequencies (a workgroup covers
    // WORKGROUP_SIZE·NOISE_FAN_IN of them, so the partials of the last one may be fewer), then
    // NOISE_FAN_IN partials to one until one is left (shaders/filterBank.ts).
    const frequencyGroups = Math.ceil(n / (WORKGROUP_SIZE * NOISE_FAN_IN));
    const last = frequencyGroups - 1;
    let count = last * WORKGROUP_SIZE + Math.min(WORKGROUP_SIZE, n - last * WORKGROUP_SIZE * NOISE_FAN_IN);
    const sumsOf = (values: number) => temporary(pool.acquire(values * 3 * 16, GPUBufferUsage.STORAGE, 'noise-partials'));
    let partials = sumsOf(count);
    run(pass, programs.noisePartials, { shape: gridShape, radial: this.radial, ...angular, partials }, frequencyGroups);
    while (count > 1) {
      const next = Math.ceil(count / NOISE_FAN_IN);
      const sums = sumsOf(next);
      run(
        pass,
        programs.noiseSums,
        { count: temporary(pool.uniform(uniformData([['u32', count]]), 'noise-count')), partials, sums },
        groupsFor(next),
      );
      [partials, count] = [sums, next];
    }
    run(pass, programs.noiseFinish, { sums: partials, noise: this.noise }, 1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    pool.release(...temporaries);
  }

  /**
   * Records copying the noise sums into `target` at byte `offset`: orientation o's vec4 (16
   * bytes), or every orientation's one after another. Submit it after build().
   */
  copyNoise(encoder: GPUCommandEncoder, target: GPUBuffer, offset: number, o?: number): void {
    const from = o === undefined ? 0 : o * NOISE_BYTES_PER_ORIENTATION;
    const bytes = o === undefined ? PC.norient * NOISE_BYTES_PER_ORIENTATION : NOISE_BYTES_PER_ORIENTATION;
    encoder.copyBufferToBuffer(this.noise, from, target, offset, bytes);
  }

  release(): void {
    this.pool.release(this.radial, ...this.angular, this.noise);
  }
}
