/** What every backend (CPU, WebGPU) provides, and the shapes of its results. */
import type { Resized } from './align.js';
import type { RasterImage } from './image.js';
import type { MaskWeights } from './mask.js';

/** Milliseconds per stage; a stage a backend does not time is absent. */
export interface StageTimings {
  decode?: number;
  /** Resampling to a common size (option align), on the CPU. */
  align?: number;
  colour?: number;
  downsample?: number;
  fft?: number;
  phaseCongruency?: number;
  gradient?: number;
  pooling?: number;
  total?: number;
  /** GPU time between the first and last timestamp, when the adapter has timestamp queries. */
  gpu?: number;
  /** GPU time per kernel of the fused path, with the WebGPU backend's `profile` option (benchmarks). */
  kernels?: Record<string, number>;
}

/** An image after everything that does not depend on the other image: reusable against many. */
export interface PreparedImage {
  readonly backend: string;
  /** [rows, cols] of the input. */
  readonly size: readonly [number, number];
  /** [rows, cols] after downsampling (the FFT size). */
  readonly downsampled: readonly [number, number];
  readonly factor: number;
  /** false for greyscale input (no chroma). */
  readonly colour: boolean;
  readonly timings: StageTimings;
  /** Set when prepare() aligned the image to an explicit size (`size` is then the aligned size). */
  resized?: Resized;
  /** Frees backend memory early (GPU buffers); the object is unusable afterwards. */
  release(): void;
}

export interface SimilarityMaps {
  /** Phase congruency of each image, downsampled size, row-major. */
  readonly pc1: Float32Array;
  readonly pc2: Float32Array;
  /** Scharr gradient magnitude of each image. */
  readonly gm1: Float32Array;
  readonly gm2: Float32Array;
  /** S_L · PCm: where the images agree, weighted by how much structure is there. */
  readonly similarity: Float32Array;
}

/** How the local similarities were pooled: weighted by max(PC1, PC2), or uniformly when both PC maps are zero. */
export type Pooling = 'phase-congruency' | 'uniform';

export interface PoolResult {
  fsim: number;
  fsimc: number;
  pooling: Pooling;
  maps?: SimilarityMaps;
  timings: StageTimings;
}

/** Reports how far a long computation is (0..1) and in which stage. */
export type Progress = (fraction: number, stage: string) => void;

export interface Backend {
  /** 'cpu' or 'webgpu (adapter)'. */
  readonly name: string;
  /** True for WebGPU on a software or fallback adapter (SwiftShader, lavapipe, WARP…). */
  readonly software?: boolean;
  /** Threads it computes on (the CPU path); absent: one stream of work (a GPU queue). Rankings keep this many comparisons in flight. */
  readonly threads?: number;
  prepare(image: RasterImage, factor: number, progress?: Progress): Promise<PreparedImage>;
  /** `mask`: per downsampled pixel, 1 pooled, 0 left out (src/mask.ts). */
  pool(a: PreparedImage, b: PreparedImage, maps: boolean, mask?: MaskWeights): Promise<PoolResult>;
  /** Releases threads and devices; the backend is unusable afterwards. */
  dispose(): Promise<void>;
}
