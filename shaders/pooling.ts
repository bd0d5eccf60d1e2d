/**
 * Pooling (FSIM_SPEC.md §5). `chroma` writes real((S_I·S_Q)^λ) per pixel; `pool` forms
 * S_L = S_PC·S_G and reduces five sums per workgroup — Σ S_L·PCm, Σ S_L·S_C·PCm, Σ PCm and
 * the uniform fallbacks Σ S_L, Σ S_L·S_C — which the host adds up in float64; `masked` leaves
 * out the pixels a mask ignores.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { POOLING } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

/**
 * Pixels each invocation pools before the workgroup reduction: enough that the tree's
 * barriers are paid once per 8192 pixels (SwiftShader at 1080p: 870 ms at 8), few enough
 * that each f32 running sum adds at most 32 terms.
 */
export const PIXELS_PER_INVOCATION = 32;
export const SUMS = 5;

export const chromaBindings: readonly BindingDeclaration[] = [
  uniform('count', 'u32'),
  read('i1'),
  read('q1'),
  read('i2'),
  read('q2'),
  write('chroma'),
];

export interface PoolVariant {
  chroma: boolean;
  similarityMap: boolean;
  masked: boolean;
}

/** `mask`: 1 pooled, 0 left out (src/mask.ts), one per pixel. */
export const poolBindings = ({ chroma, similarityMap, masked }: PoolVariant): BindingDeclaration[] => [
  uniform('params', 'Params'),
  read('pc1'),
  read('pc2'),
  read('gm1'),
  read('gm2'),
  write('partials'),
  ...(chroma ? [read('chromaTerm')] : []),
  ...(similarityMap ? [write('similarity')] : []),
  ...(masked ? [read('mask')] : []),
];

export const chromaShader = /* wgsl */ `
${flatIndex}
${bindingLines(chromaBindings)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= count) { return; }
  let a = i1[id];
  let b = i2[id];
  let c = q1[id];
  let d = q2[id];
  let sI = (2.0 * a * b + ${f32(POOLING.T3)}) / (a * a + b * b + ${f32(POOLING.T3)});
  let sQ = (2.0 * c * d + ${f32(POOLING.T4)}) / (c * c + d * d + ${f32(POOLING.T4)});
  let x = sI * sQ;
  // real(x^λ): the principal power of a negative x is cos(λπ)·|x|^λ.
  var p = 0.0;
  if (x != 0.0) { p = exp2(${f32(POOLING.lambda)} * log2(abs(x))); }
  chroma[id] = select(p, ${f32(Math.cos(POOLING.lambda * Math.PI))} * p, x < 0.0);
}
`;

export function poolShader(variant: PoolVariant): string {
  const { chroma, similarityMap, masked } = variant;
  return wgsl`
struct Params { count: u32 };
${bindingLines(poolBindings(variant))}

var<workgroup> sums: array<array<f32, ${WORKGROUP_SIZE}>, ${SUMS}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let block = wid.x + wid.y * groups.x;
  var acc = array<f32, ${SUMS}>(0.0, 0.0, 0.0, 0.0, 0.0);
  for (var k = 0u; k < ${PIXELS_PER_INVOCATION}u; k++) {
    let id = block * ${WORKGROUP_SIZE * PIXELS_PER_INVOCATION}u + k * ${WORKGROUP_SIZE}u + lid;
    if (id >= params.count) { break; }
#if ${masked}
    if (mask[id] == 0.0) { continue; }
#endif
    let p1 = pc1[id];
    let p2 = pc2[id];
    let g1 = gm1[id];
    let g2 = gm2[id];
    let sPC = (2.0 * p1 * p2 + ${f32(POOLING.T1)}) / (p1 * p1 + p2 * p2 + ${f32(POOLING.T1)});
    let sG = (2.0 * g1 * g2 + ${f32(POOLING.T2)}) / (g1 * g1 + g2 * g2 + ${f32(POOLING.T2)});
    let sL = sPC * sG;
    let pcm = max(p1, p2);
#if ${chroma}
    let sC = chromaTerm[id];
#else
    let sC = 1.0;
#endif
    acc[0] += sL * pcm;
    acc[1] += sL * sC * pcm;
    acc[2] += pcm;
    acc[3] += sL;
    acc[4] += sL * sC;
#if ${similarityMap}
    similarity[id] = sL * pcm;
#endif
  }
  for (var s = 0u; s < ${SUMS}u; s++) { sums[s][lid] = acc[s]; }
  workgroupBarrier();
  for (var span = ${WORKGROUP_SIZE / 2}u; span > 0u; span >>= 1u) {
    if (lid < span) {
      for (var s = 0u; s < ${SUMS}u; s++) { sums[s][lid] += sums[s][lid + span]; }
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    for (var s = 0u; s < ${SUMS}u; s++) { partials[block * ${SUMS}u + s] = sums[s][0]; }
  }
}
`;
}
