/**
 * FSIM / FSIMc pooling (FSIM_SPEC.md §5) in float64: the per-pixel sums, by chunks that
 * threads can share; src/pooling.ts finishes them.
 */
import type { SimilarityMaps } from '../backend.js';
import { POOLING } from '../constants.js';
import type { PooledSums } from '../pooling.js';
import { type Chroma, chromaChunk } from './chroma.js';

export interface PoolingInput {
  readonly pc: Float64Array;
  readonly gm: Float64Array;
  /** null for a greyscale image (I = Q = 0). */
  readonly chroma: Chroma;
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
  const chroma = a.chroma !== null || b.chroma !== null;
  const scratch = chroma ? chunkScratch() : null;
  for (let k = from; k < to; k++) {
    const start = k * POOL_CHUNK,
      end = Math.min(n, (k + 1) * POOL_CHUNK);
    const ca = scratch && chunkChroma(a.chroma, start, end, scratch[0], scratch[1]);
    const cb = scratch && chunkChroma(b.chroma, start, end, scratch[2], scratch[3]);
    poolChunk(a, b, ca, cb, start, end, sums, SUMS_PER_CHUNK * k, similarity, mask);
  }
}

/** One chunk's I and Q, read at index p − offset: the planes themselves, or converted samples. */
interface ChunkChroma {
  readonly i: Float64Array;
  readonly q: Float64Array;
  readonly offset: number;
}

let scratchPlanes: Float64Array[] | null = null;

/** Four chunk-sized planes per thread for converted chroma (a thread pools one chunk at a time). */
function chunkScratch(): Float64Array[] {
  scratchPlanes ??= Array.from({ length: 4 }, () => new Float64Array(POOL_CHUNK));
  return scratchPlanes;
}

function chunkChroma(chroma: Chroma, start: number, end: number, i: Float64Array, q: Float64Array): ChunkChroma | null {
  if (chroma === null) return null;
  if ('samples' in chroma) {
    chromaChunk(chroma.samples, start, end, i, q);
    return { i, q, offset: start };
  }
  return { i: chroma.i, q: chroma.q, offset: 0 };
}

function poolChunk(
  a: PoolingInput,
  b: PoolingInput,
  ca: ChunkChroma | null,
  cb: ChunkChroma | null,
  start: number,
  end: number,
  sums: Float64Array,
  at: number,
  similarity: Float64Array | null,
  mask: Uint8Array | null,
): void {
  const { T1, T2, T3, T4, lambda } = POOLING;
  const chroma = ca !== null || cb !== null;
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
      const i1 = ca ? ca.i[p - ca.offset] : 0,
        i2 = cb ? cb.i[p - cb.offset] : 0;
      const q1 = ca ? ca.q[p - ca.offset] : 0,
        q2 = cb ? cb.q[p - cb.offset] : 0;
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
