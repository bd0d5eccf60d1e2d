/// <reference types="@webgpu/types" preserve="true" />
/**
 * The per-stage GPU path for one downsampled size (shaders/phaseCongruency.ts): one global-
 * memory pass per FFT stage (or per transform, where it fits workgroup memory: 'fused-fft')
 * and per step. Chosen where the fused path does not fit (an axis too long for one workgroup,
 * or needing Bluestein beyond it) and on software adapters, where it runs faster. What it keeps
 * per size (filter bank, FFT plans, the scratch maps of one orientation, uniforms) and the
 * dispatches of one image, top-down:
 *   forward FFT (rows, columns) → per orientation: per scale filter → inverse FFT →
 *   accumulate; energy per scale; exact median of |EO_0o|² (histogram + select passes);
 *   threshold → finish (PC)
 * Scratch is shared between images: each orientation is recorded into one submission.
 */
import { BINS, RADIX_PASSES, radixPassFields, SELECT_GROUPS, VALUES_PER_INVOCATION } from '../../shaders/median.js';
import {
  accumulateBindings,
  accumulateShader,
  energyBindings,
  energyShader,
  filterBindings,
  filterShader,
  finishBindings,
  finishShader,
  thresholdBindings,
  thresholdShader,
} from '../../shaders/phaseCongruency.js';
import { PC } from '../constants.js';
import { type BufferPool, uniformData } from './buffers.js';
import { GpuFft2D, type Planes } from './fft.js';
import { GpuFilterBank } from './filterBank.js';
import * as K from './kernels.js';
import { declaredProgram, groupsFor, type ProgramCache, runner } from './programs.js';
import type { PhaseCongruencyPath, StagePasses } from './recording.js';

const programs = {
  filter: declaredProgram('pc-filter', filterBindings, () => filterShader),
  accumulate: declaredProgram('pc-accumulate', accumulateBindings, () => accumulateShader),
  energy: declaredProgram('pc-energy', energyBindings, () => energyShader),
  threshold: declaredProgram('pc-threshold', thresholdBindings, () => thresholdShader),
  finish: declaredProgram('pc-finish', finishBindings, () => finishShader),
};

/** Images of at least this many (downsampled) pixels are submitted one orientation at a time. */
const SPLIT_SUBMISSIONS_AT = 1 << 20;

export class StagedPhaseCongruency implements PhaseCongruencyPath {
  readonly kind = 'per-stage';
  readonly n: number;
  private readonly fft: GpuFft2D;
  private readonly bank: GpuFilterBank;
  /** Two complex scratch maps for the FFT's ping-pong (the colour stage writes the FFT input into A). */
  private readonly scratchA: Planes;
  private readonly scratchB: Planes;
  private readonly spectrum: Planes;
  /** EO_so of the four scales of the current orientation. */
  private readonly responses: Planes[];
  private readonly sumE: GPUBuffer;
  private readonly sumO: GPUBuffer;
  private readonly energy: GPUBuffer;
  private readonly energyAll: GPUBuffer;
  private readonly amplitudeAll: GPUBuffer;
  private readonly smallestScaleEnergy: GPUBuffer;
  private readonly histogram: GPUBuffer;
  private readonly selection: GPUBuffer;
  readonly uniforms: {
    count: GPUBuffer;
    shape: GPUBuffer;
    /** [s]: the filter's parameters (size, scale). */
    filter: GPUBuffer[];
    /** [o][s]: accumulate/energy parameters. */
    scale: GPUBuffer[][];
    /** [o]: the threshold's parameters, its noise sums copied from the bank. */
    threshold: GPUBuffer[];
    radixPasses: GPUBuffer[];
  };
  private readonly owned: GPUBuffer[] = [];

  constructor(
    private readonly cache: ProgramCache,
    private readonly pool: BufferPool,
    readonly rows: number,
    readonly cols: number,
    fusedFft: boolean,
  ) {
    this.n = rows * cols;
    const n = this.n;
    const device = pool.device;
    this.bank = new GpuFilterBank(cache, pool, rows, cols);
    this.bank.build();
    this.fft = new GpuFft2D(cache, pool, rows, cols, fusedFft);
    const planes = (label: string): Planes => ({ re: this.own(pool.map(n, `${label}-re`)), im: this.own(pool.map(n, `${label}-im`)) });
    this.scratchA = planes('scratchA');
    this.scratchB = planes('scratchB');
    this.spectrum = planes('spectrum');
    this.responses = Array.from({ length: PC.nscale }, (_, s) => planes(`eo${s}`));
    this.sumE = this.own(pool.map(n, 'sumE'));
    this.sumO = this.own(pool.map(n, 'sumO'));
    this.energy = this.own(pool.map(n, 'energy'));
    this.energyAll = this.own(pool.map(n, 'energyAll'));
    this.amplitudeAll = this.own(pool.map(n, 'amplitudeAll'));
    this.smallestScaleEnergy = this.own(pool.map(n, 'a0sq'));
    // Zero on creation; the select kernel re-zeroes it after every pass.
    this.histogram = this.own(pool.acquire(2 * BINS * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'histogram'));
    device.queue.writeBuffer(this.histogram, 0, new Uint32Array(2 * BINS));
    this.selection = this.own(pool.acquire(16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'selection'));

    const uniform = (fields: Parameters<typeof uniformData>[0], label: string) => this.own(pool.uniform(uniformData(fields), label));
    const inverseN = 1 / n;
    this.uniforms = {
      count: uniform([['u32', n]], 'count'),
      shape: uniform(
        [
          ['u32', rows],
          ['u32', cols],
        ],
        'shape',
      ),
      filter: Array.from({ length: PC.nscale }, (_, s) =>
        uniform(
          [
            ['u32', n],
            ['u32', rows],
            ['u32', cols],
            ['u32', s],
          ],
          `pc-filter-s${s}`,
        ),
      ),
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
      // count, first, two unused words, then vec4(EM_n, ΣAn², ΣAiAj, 0) at byte 16 (copied below).
      threshold: Array.from({ length: PC.norient }, (_, o) =>
        uniform(
          [
            ['u32', n],
            ['u32', o === 0 ? 1 : 0],
            ['u32', 0],
            ['u32', 0],
            ['f32', 0],
            ['f32', 0],
            ['f32', 0],
            ['f32', 0],
          ],
          `threshold-o${o}`,
        ),
      ),
      radixPasses: RADIX_PASSES.map((_, pass) => uniform(radixPassFields(n, pass), `radix-pass${pass}`)),
    };
    const encoder = device.createCommandEncoder({ label: 'noise-uniforms' });
    for (const [o, buffer] of this.uniforms.threshold.entries()) this.bank.copyNoise(encoder, buffer, 16, o);
    device.queue.submit([encoder.finish()]);
  }

  get fftInput(): Planes {
    return this.scratchA;
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.push(buffer);
    return buffer;
  }

  /** The FFT of the planes the colour stage wrote (fftInput: Y − offset already), so y and offset go unread. */
  recordForward(passes: StagePasses): void {
    const pass = passes.pass('fft');
    this.fft.rows.record(pass, this.scratchA, this.scratchB, this.responses[0], false);
    this.fft.columns.record(pass, this.scratchB, this.spectrum, this.scratchA, false);
  }

  /** One orientation at a time, each in its own submission when the image is large. */
  recordPhaseCongruency(passes: StagePasses, range: GPUBuffer, pc: GPUBuffer): void {
    const { n, uniforms: u, spectrum } = this;
    const run = runner(this.cache);
    const split = n >= SPLIT_SUBMISSIONS_AT;
    for (let o = 0; o < PC.norient; o++) {
      // log-Gabor bank → inverse FFT → sums, per scale
      for (let s = 0; s < PC.nscale; s++) {
        const eo = this.responses[s];
        const filter = {
          params: u.filter[s],
          spectrumRe: spectrum.re,
          spectrumIm: spectrum.im,
          radial: this.bank.radial,
          angular: this.bank.angular[o],
          outRe: this.scratchA.re,
          outIm: this.scratchA.im,
        };
        run(passes.pass('filter'), programs.filter, filter, groupsFor(n));
        this.fft.columns.record(passes.pass('inverseColumns'), this.scratchA, this.scratchB, eo, true);
        this.fft.rows.record(passes.pass('inverseRows'), this.scratchB, eo, this.scratchA, true);
        const accumulate = {
          params: u.scale[o][s],
          eoRe: eo.re,
          eoIm: eo.im,
          sumE: this.sumE,
          sumO: this.sumO,
          amplitudeAll: this.amplitudeAll,
          smallestScaleEnergy: this.smallestScaleEnergy,
        };
        run(passes.pass('accumulate'), programs.accumulate, accumulate, groupsFor(n));
      }
      // energy
      for (let s = 0; s < PC.nscale; s++) {
        const eo = this.responses[s];
        const energy = { params: u.scale[o][s], eoRe: eo.re, eoIm: eo.im, sumE: this.sumE, sumO: this.sumO, energy: this.energy };
        run(passes.pass('energy'), programs.energy, energy, groupsFor(n));
      }
      // exact median of |EO_0o|² → noise threshold
      for (const radixPass of u.radixPasses) {
        const histogram = { params: radixPass, values: this.smallestScaleEnergy, selection: this.selection, histogram: this.histogram };
        run(passes.pass('medianHistogram'), K.histogram, histogram, groupsFor(n, VALUES_PER_INVOCATION));
        run(
          passes.pass('medianSelect'),
          K.select,
          { params: radixPass, selection: this.selection, histogram: this.histogram },
          SELECT_GROUPS,
        );
      }
      const threshold = { params: u.threshold[o], energy: this.energy, selection: this.selection, energyAll: this.energyAll };
      run(passes.pass('threshold'), programs.threshold, threshold, groupsFor(n));
      if (split && o < PC.norient - 1) passes.flush();
    }
    const finish = { params: u.scale[0][0], energyAll: this.energyAll, amplitudeAll: this.amplitudeAll, range, pc };
    run(passes.pass('finish'), programs.finish, finish, groupsFor(n));
  }

  release(): void {
    this.fft.release();
    this.bank.release();
    this.pool.release(...this.owned);
  }
}
