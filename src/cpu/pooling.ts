/**
 * FSIM / FSIMc pooling (FSIM_SPEC.md §5) in float64: the per-pixel sums, by chunks that
 * threads can share; src/pooling.ts finishes them.
 */
import type { SimilarityMaps } from '../backend.js';
import { POOLING } from '../constants.js';
import type { PooledSums } from '../pooling.js';

export interface PoolingInput {
  readonly pc: Float64Array;
  readonly gm: Float64Array;
  /** Downsampled chroma, null for a greyscale image (I = Q = 0). */
  readonly i: Float64Array | null;
  readonly q: Float64Array | null;
}

/**
 * Pixels per chunk of the pooling sums. Each chunk is summed on its own and the chunks' sums
 * are added in order, so the scores do not depend on how many threads shared the chunks.
 */
export const POOL_CHUNK = 1 << 16;

/** Number of values poolChunks writes per chunk (the five PooledSums). */
export const SUMS_PER_CHUNK = 5;

/** real(x^λ): for negative x the principal power, cos(λπ)·|x|^λ. */
function realPower(x: number, lambda: number): number {
  return x >= 0 ? x ** lambda : Math.cos(lambda * Math.PI) * (-x) ** lambda;
}

/**
 * The per-pixel pooling sums of chunks [from, to) into sums[SUMS_PER_CHUNK·k …], and
 * S_L·PCm into `similarity` where asked; pixels where `mask` is 0 are left out.
 */
export function poolChunks(
  a: PoolingInput,
  b: PoolingInput,
  from: number,
  to: number,
  sums: Float64Array,
  similarity: Float64Array | null,
  mask: Uint8Array | null,
): void {
  const n = a.pc.length;
  for (let k = from; k < to; k++)
    poolChunk(a, b, k * POOL_CHUNK, Math.min(n, (k + 1) * POOL_CHUNK), sums, SUMS_PER_CHUNK * k, similarity, mask);
}

function poolChunk(
  a: PoolingInput,
  b: PoolingInput,
  start: number,
  end: number,
  sums: Float64Array,
  at: number,
  similarity: Float64Array | null,
  mask: Uint8Array | null,
): void {
  const { T1, T2, T3, T4, lambda } = POOLING;
  const chroma = a.i !== null || b.i !== null;
  let weighted = 0,
    weightedC = 0,
    weights = 0;
  let plain = 0,
    plainC = 0;
  for (let p = start; p < end; p++) {
    // Masked out: no part in any sum (its similarity stays 0).
    if (mask && mask[p] === 0) continue;
    const pc1 = a.pc[p],
      pc2 = b.pc[p];
    const gm1 = a.gm[p],
      gm2 = b.gm[p];
    const sPC = (2 * pc1 * pc2 + T1) / (pc1 * pc1 + pc2 * pc2 + T1);
    const sG = (2 * gm1 * gm2 + T2) / (gm1 * gm1 + gm2 * gm2 + T2);
    const sL = sPC * sG;
    let sC = 1;
    if (chroma) {
      const i1 = a.i ? a.i[p] : 0,
        i2 = b.i ? b.i[p] : 0;
      const q1 = a.q ? a.q[p] : 0,
        q2 = b.q ? b.q[p] : 0;
      const sI = (2 * i1 * i2 + T3) / (i1 * i1 + i2 * i2 + T3);
      const sQ = (2 * q1 * q2 + T4) / (q1 * q1 + q2 * q2 + T4);
      sC = realPower(sI * sQ, lambda);
    }
    const pcm = Math.max(pc1, pc2);
    weighted += sL * pcm;
    weightedC += sL * sC * pcm;
    weights += pcm;
    plain += sL;
    plainC += sL * sC;
    if (similarity) similarity[p] = sL * pcm;
  }
  sums[at] = weighted;
  sums[at + 1] = weightedC;
  sums[at + 2] = weights;
  sums[at + 3] = plain;
  sums[at + 4] = plainC;
}

/** The chunks' sums added in chunk order. */
export function addChunks(sums: Float64Array): PooledSums {
  const total: PooledSums = { weighted: 0, weightedC: 0, weights: 0, plain: 0, plainC: 0 };
  for (let at = 0; at < sums.length; at += SUMS_PER_CHUNK) {
    total.weighted += sums[at];
    total.weightedC += sums[at + 1];
    total.weights += sums[at + 2];
    total.plain += sums[at + 3];
    total.plainC += sums[at + 4];
  }
  return total;
}

function toFloat32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

export function similarityMaps(a: PoolingInput, b: PoolingInput, similarity: Float64Array): SimilarityMaps {
  return { pc1: toFloat32(a.pc), pc2: toFloat32(b.pc), gm1: toFloat32(a.gm), gm2: toFloat32(b.gm), similarity: toFloat32(similarity) };
}
