/** FSIM / FSIMc pooling (FSIM_SPEC.md §5) in float64: the per-pixel sums; src/pooling.ts finishes them. */
import type { Pooling, SimilarityMaps } from '../backend.js';
import { POOLING } from '../constants.js';
import { finishScores } from '../pooling.js';

export interface PoolingInput {
  readonly pc: Float64Array;
  readonly gm: Float64Array;
  /** Downsampled chroma, null for a greyscale image (I = Q = 0). */
  readonly i: Float64Array | null;
  readonly q: Float64Array | null;
}

export interface PoolingOutput {
  fsim: number;
  fsimc: number;
  pooling: Pooling;
  similarity?: Float64Array;
}

/** real(x^λ): for negative x the principal power, cos(λπ)·|x|^λ. */
function realPower(x: number, lambda: number): number {
  return x >= 0 ? x ** lambda : Math.cos(lambda * Math.PI) * (-x) ** lambda;
}

export function poolScores(a: PoolingInput, b: PoolingInput, wantSimilarityMap: boolean): PoolingOutput {
  const { T1, T2, T3, T4, lambda } = POOLING;
  const n = a.pc.length;
  const chroma = a.i !== null || b.i !== null;
  const similarity = wantSimilarityMap ? new Float64Array(n) : undefined;
  let weighted = 0,
    weightedC = 0,
    weights = 0;
  let plain = 0,
    plainC = 0;
  for (let p = 0; p < n; p++) {
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
  return { ...finishScores({ weighted, weightedC, weights, plain, plainC }, n, chroma), similarity };
}

function toFloat32(a: Float64Array): Float32Array {
  return Float32Array.from(a);
}

export function similarityMaps(a: PoolingInput, b: PoolingInput, similarity: Float64Array): SimilarityMaps {
  return { pc1: toFloat32(a.pc), pc2: toFloat32(b.pc), gm1: toFloat32(a.gm), gm2: toFloat32(b.gm), similarity: toFloat32(similarity) };
}
