/** Every constant of FSIM / FSIMc and of the embedded phase congruency (FSIM_SPEC.md §3–§5). */
export const PC = {
  nscale: 4,
  norient: 4,
  minWaveLength: 6,
  mult: 2,
  sigmaOnf: 0.55,
  dThetaOnSigma: 1.2,
  /** Noise threshold multiplier k. */
  k: 2,
  epsilon: 1e-4,
  lowpassCutoff: 0.45,
  lowpassOrder: 15,
  /** The reference divides the noise threshold by this fudge factor. */
  noiseFudge: 1.7,
} as const;

export const THETA_SIGMA = Math.PI / PC.norient / PC.dThetaOnSigma;

export const POOLING = {
  T1: 0.85,
  T2: 160,
  T3: 200,
  T4: 200,
  lambda: 0.03,
} as const;

/** Scharr kernels of the reference (true convolution, zero padding). */
export const SCHARR_X = [3, 0, -3, 10, 0, -10, 3, 0, -3].map((v) => v / 16);
export const SCHARR_Y = [3, 10, 3, 0, 0, 0, -3, -10, -3].map((v) => v / 16);

/** Default `similar` threshold on the headline score (see README, "Similar or not"). */
export const DEFAULT_THRESHOLD = 0.66;

/** Largest accepted image, in pixels (8192 × 8192), checked on the header before decoding. */
export const MAX_PIXELS = 8192 * 8192;

/**
 * Largest accepted image file, checked before reading: an uncompressed 8192 × 8192 16-bit RGB
 * TIFF (384 MiB) fits with room for its headers.
 */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Float samples must lie in [0, 255], the scale T1…T4 of the pooling are set for. */
export const SAMPLE_RANGE = [0, 255] as const;

/** Most worker threads one process runs for the CPU path, across all engines. */
export const MAX_THREADS = 64;

/** YIQ rows (FSIM_SPEC.md §1): Y, I, Q from R, G, B. */
export const YIQ = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.322],
  [0.211, -0.523, 0.312],
] as const;

/** Smallest accepted side: the gradient kernel is 3 × 3. */
export const MIN_SIDE = 3;
