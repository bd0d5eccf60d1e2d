/**
 * The log-Gabor × angular filter bank of one size, built on the GPU (FSIM_SPEC.md §3; src/bank.ts
 * builds the same bank in float64 and states its layout): the formulas and constants are
 * src/bank.ts's (RADIAL, ANGULAR), the frequencies its axisFrequencies rounded once to f32,
 * the elementary functions shaders/math.ts's. Kernels run once per size:
 *   radial        G_0…G_3 of each quadrant entry as one vec4 (zero at DC)
 *   angular       S_0…S_3 over the full grid, one map per orientation, dθ = |atan2(ds, dc)|
 *                 from the frequency's own coordinates (ds = −v·cos a − u·sin a,
 *                 dc = u·cos a − v·sin a: sin θ = −v/r, cos θ = u/r, the common 1/r dropped)
 *   noisePartials per invocation, Σ (G_0·S_o)², Σ S_e² ΣG_s² and Σ S_e² Σ_{a<b} G_a·G_b (src/bank.ts:
 *                 the noise sums by Parseval, S_e the even part of S_o) over 64 frequencies
 *                 (eight blocks of eight, then the blocks' sums)
 *   noiseSums     64 partials to one, the same way; run until one is left
 *   noiseFinish   the last one per orientation: vec4(EM_n, ΣAn², ΣAiAj, 0)
 * No workgroup memory and no barriers (software adapters emulate both slowly, and compiled the
 * tree-reduction kernels in 0.4–1.8 s), no atomics: fixed orders, the same bits every run.
 * Fixed orders throughout, no atomics: every run gives the same bits.
 */
import { ANGULAR, RADIAL } from '../src/bank.js';
import { PC } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';
import { mathFunctions } from './math.js';

/** Values each invocation of noisePartials and noiseSums adds up: eight blocks of eight. */
export const NOISE_FAN_IN = 64;
const NOISE_BLOCK = 8;

const shape = /* wgsl */ `
struct Shape {
  rows: u32,
  cols: u32,
  quadrantCols: u32,
  count: u32,   // rows·cols, or quadrant entries for radial
};
`;
const shapeBinding = uniform('shape', 'Shape');
const angularNames = Array.from({ length: PC.norient }, (_, o) => `angular${o}`);

/** vec4 over the four orientations (or scales): `vec4<f32>(f(0), f(1), f(2), f(3))`. */
const vec4Of = (f: (k: number) => string) => `vec4<f32>(${[0, 1, 2, 3].map(f).join(', ')})`;

export const radialBindings: readonly BindingDeclaration[] = [shapeBinding, read('u'), read('v'), write('radial', 'array<vec4<f32>>')];

/** x^n for a constant n ≥ 1 by repeated squaring (n − 1 + ⌊log₂ n⌋ products at most). */
function integerPower(x: string, n: number): string {
  const factors: string[] = [];
  let square = x;
  for (let rest = n; rest > 0; rest >>= 1) {
    if (rest & 1) factors.push(square);
    if (rest > 1) square = `(${square} * ${square})`;
  }
  return factors.join(' * ');
}

export const radialShader = /* wgsl */ `
${flatIndex}
${shape}
${bindingLines(radialBindings)}
${mathFunctions}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.count) { return; }
  let qr = id / shape.quadrantCols;
  let qc = id % shape.quadrantCols;
  if (qr == 0u && qc == 0u) {
    radial[id] = vec4<f32>(0.0);
    return;
  }
  let uu = u[qc];
  let vv = v[qr];
  let radius2 = uu * uu + vv * vv;
  // lp = 1 / (1 + (r / cutoff)^(2·order)), from (r / cutoff)² without a square root.
  let x2 = radius2 * ${f32(1 / PC.lowpassCutoff ** 2)};
  let lowpass = 1.0 / (1.0 + ${integerPower('x2', PC.lowpassOrder)});
  // l = ln(r / fo) = ln(r² / fo²) / 2: one logarithm per scale of a number near 1 at the
  // filter's peak, where ln r − ln fo would carry the rounding of both terms.
  let l = 0.5 * ${vec4Of((s) => `lnF32(radius2 * ${f32(Math.exp(-2 * RADIAL.logCentre[s]))})`)};
  radial[id] = ${vec4Of((s) => `expF32(-(l[${s}] * l[${s}]) * ${f32(1 / RADIAL.logSpread)})`)} * lowpass;
}
`;

export const angularBindings: readonly BindingDeclaration[] = [shapeBinding, read('u'), read('v'), ...angularNames.map((n) => write(n))];

export const angularShader = /* wgsl */ `
${flatIndex}
${shape}
${bindingLines(angularBindings)}
${mathFunctions}

// S_o from the angle between the direction (u, −v) and angles[o]; at DC the direction is
// atan2(−0, 0) = 0, as the reference's.
fn spread(uu: f32, vv: f32, cosA: f32, sinA: f32, angle: f32) -> f32 {
  var d = angle;
  if (uu != 0.0 || vv != 0.0) {
    d = absAtan2(-vv * cosA - uu * sinA, uu * cosA - vv * sinA);
  }
  return expF32(-(d * d) * ${f32(1 / ANGULAR.spread)});
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.count) { return; }
  let uu = u[id % shape.cols];
  let vv = v[id / shape.cols];
  ${ANGULAR.angles.map((a, o) => `angular${o}[id] = spread(uu, vv, ${f32(Math.cos(a))}, ${f32(Math.sin(a))}, ${f32(a)});`).join('\n  ')}
}
`;

export const noisePartialsBindings: readonly BindingDeclaration[] = [
  shapeBinding,
  read('radial', 'array<vec4<f32>>'),
  ...angularNames.map((n) => read(n)),
  write('partials', 'array<vec4<f32>>'),
];

/**
 * WGSL for Σ over NOISE_FAN_IN indices k = first + j·stride, in eight blocks of eight (each
 * block summed, then the blocks): `term` adds index k's values into blockEnergy,
 * blockSquares and blockProducts; the totals are left in energy, squares and products.
 */
function blockSums(first: string, stride: string, term: string[]): string {
  return `
  var energy = vec4<f32>(0.0);
  var squares = vec4<f32>(0.0);
  var products = vec4<f32>(0.0);
  for (var b = 0u; b < ${NOISE_FAN_IN / NOISE_BLOCK}u; b = b + 1u) {
    var blockEnergy = vec4<f32>(0.0);
    var blockSquares = vec4<f32>(0.0);
    var blockProducts = vec4<f32>(0.0);
    for (var i = 0u; i < ${NOISE_BLOCK}u; i = i + 1u) {
      let k = ${first} + (b * ${NOISE_BLOCK}u + i) * ${stride};
      ${term.join('\n      ')}
    }
    energy = energy + blockEnergy;
    squares = squares + blockSquares;
    products = products + blockProducts;
  }`;
}

export const noisePartialsShader = /* wgsl */ `
${flatIndex}
${shape}
${bindingLines(noisePartialsBindings)}

fn quadrantIndex(k: u32, n: u32) -> u32 {
  return select(n - k, k, k <= n / 2u);
}

// Invocation p of workgroup g adds frequencies g·${WORKGROUP_SIZE}·${NOISE_FAN_IN} + j·${WORKGROUP_SIZE} + lid,
// j < ${NOISE_FAN_IN} (neighbouring invocations read neighbouring frequencies).
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = flatIndex(gid, groups);
  let first = (p - lid) * ${NOISE_FAN_IN}u + lid;
  if (first >= shape.count) { return; }
  // Per orientation (vector lanes): Σ (G_0·S)², Σ S_e²·Σ_s G_s², Σ S_e²·Σ_{a<b} G_a·G_b.
  ${blockSums('first', `${WORKGROUP_SIZE}u`, [
    'if (k < shape.count) {',
    '  let r = k / shape.cols;',
    '  let c = k % shape.cols;',
    '  let g = radial[quadrantIndex(r, shape.rows) * shape.quadrantCols + quadrantIndex(c, shape.cols)];',
    '  let sumSquares = dot(g, g);',
    '  let sumProducts = g.x * (g.y + g.z + g.w) + g.y * (g.z + g.w) + g.z * g.w;',
    '  // S at −k: row and column mirrored (DFT order).',
    '  let m = select(shape.rows - r, 0u, r == 0u) * shape.cols + select(shape.cols - c, 0u, c == 0u);',
    `  let here = ${vec4Of((o) => `angular${o}[k]`)};`,
    `  let there = ${vec4Of((o) => `angular${o}[m]`)};`,
    '  let even = (here + there) * 0.5;',
    '  let f = g.x * here;',
    '  blockEnergy = blockEnergy + f * f;',
    '  blockSquares = blockSquares + even * even * sumSquares;',
    '  blockProducts = blockProducts + even * even * sumProducts;',
    '}',
  ])}
  partials[3u * p] = energy;
  partials[3u * p + 1u] = squares;
  partials[3u * p + 2u] = products;
}
`;

export const noiseSumsBindings: readonly BindingDeclaration[] = [
  uniform('count', 'u32'),
  read('partials', 'array<vec4<f32>>'),
  write('sums', 'array<vec4<f32>>'),
];

/** Partials q·64 … q·64 + 63 (of `count`) added into sum q, in eight blocks of eight. */
export const noiseSumsShader = /* wgsl */ `
${flatIndex}
${bindingLines(noiseSumsBindings)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let q = flatIndex(gid, groups);
  let first = q * ${NOISE_FAN_IN}u;
  if (first >= count) { return; }
  ${blockSums('first', '1u', [
    'if (k < count) {',
    '  blockEnergy = blockEnergy + partials[3u * k];',
    '  blockSquares = blockSquares + partials[3u * k + 1u];',
    '  blockProducts = blockProducts + partials[3u * k + 2u];',
    '}',
  ])}
  sums[3u * q] = energy;
  sums[3u * q + 1u] = squares;
  sums[3u * q + 2u] = products;
}
`;

export const noiseFinishBindings: readonly BindingDeclaration[] = [read('sums', 'array<vec4<f32>>'), write('noise', 'array<vec4<f32>>')];

/** The one sum left, per orientation: EM_n, ΣAn², ΣAiAj (the layout of the noise uniforms that read it). */
export const noiseFinishShader = /* wgsl */ `
${bindingLines(noiseFinishBindings)}

@compute @workgroup_size(${PC.norient})
fn main(@builtin(local_invocation_index) o: u32) {
  noise[o] = vec4<f32>(sums[0][o], sums[1][o], sums[2][o], 0.0);
}
`;
