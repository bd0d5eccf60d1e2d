/**
 * The fused phase-congruency kernels (FSIM_SPEC.md §3): one workgroup per row or column, the
 * whole 1-D transform in registers (shaders/registerFft.ts), with the work around it folded
 * into its prologue and epilogue, so that no filtered spectrum and no EO map goes through
 * global memory between kernels:
 *   forwardRows      Y (planes) → row DFT → complex map
 *   forwardColumns   → column DFT → the spectrum IM (complex)
 *   filterRows(o)    per scale s: IM · G_s · S_o, swapped (IDFT = swap ∘ DFT ∘ swap), → row DFT → T_s
 *   columnsEnergy(o) per scale s: T_s → column DFT → EO_so in registers; then, per pixel,
 *                    sumE, sumO, Σ|EO|, |EO_0o|² and Energy_o (step 3), written once
 * The median of |EO_0o|² (shaders/median.ts, all four orientations in one set of passes) and
 * `finish` (threshold of every orientation, Σ_o, PC) complete the stage.
 * Sizes, plans and filter-bank layout are compile-time constants: one pipeline per size.
 */
import { PC } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, complexMap, f32Map } from './bindings.js';
import { f32 } from './common.js';
import { cmulFunction } from './fft.js';
import { noiseThresholdFunction } from './phaseCongruency.js';
import { type RegisterFftShape, exchangeDeclaration, forEachOutput, registerFftCode } from './registerFft.js';

const u = (value: number) => `${value}u`;

/** One workgroup per line (row or column): the entry point, its line index and the early return. */
function entry(threads: number, lines: number, body: string[]): string {
  return /* wgsl */ `
@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  let line = wid.x + wid.y * groups.x;
  if (line >= ${u(lines)}) { return; }
  ${body.join('\n  ')}
}`;
}

function kernel(declarations: readonly BindingDeclaration[], shape: RegisterFftShape, lines: number, body: string[], extra = ''): string {
  return /* wgsl */ `
${bindingLines(declarations)}
${cmulFunction}
${extra}
${exchangeDeclaration(shape)}
${entry(shape.threads, lines, body)}
`;
}

/** Input and output layouts of one line: element i of line `line`. */
const rowElement = (cols: number) => (i: string) => `line * ${u(cols)} + ${i}`;
const columnElement = (cols: number) => (i: string) => `(${i}) * ${u(cols)} + line`;

export const forwardRowsBindings: readonly BindingDeclaration[] = [
  { name: 'inRe', kind: 'read', type: f32Map },
  { name: 'inIm', kind: 'read', type: f32Map },
  { name: 'twiddles', kind: 'read', type: complexMap },
  { name: 'output', kind: 'write', type: complexMap },
];

/** The forward DFT of every row of a planar map (the colour stage's output) into a complex map. */
export function forwardRowsShader(shape: RegisterFftShape, rows: number, cols: number): string {
  const at = rowElement(cols);
  const code = registerFftCode(shape, { prefix: 'f', load: (i) => `vec2<f32>(inRe[${at(i)}], inIm[${at(i)}])` });
  const store = forEachOutput(code, shape, (i, v) => [`output[${at(i)}] = ${v};`]);
  return kernel(forwardRowsBindings, shape, rows, [...code.lines, ...store]);
}

export const forwardColumnsBindings: readonly BindingDeclaration[] = [
  { name: 'input', kind: 'read', type: complexMap },
  { name: 'twiddles', kind: 'read', type: complexMap },
  { name: 'output', kind: 'write', type: complexMap },
];

/** The forward DFT of every column of a complex map. */
export function forwardColumnsShader(shape: RegisterFftShape, cols: number): string {
  const at = columnElement(cols);
  const code = registerFftCode(shape, { prefix: 'f', load: (i) => `input[${at(i)}]` });
  const store = forEachOutput(code, shape, (i, v) => [`output[${at(i)}] = ${v};`]);
  return kernel(forwardColumnsBindings, shape, cols, [...code.lines, ...store]);
}

export const filterRowsBindings: readonly BindingDeclaration[] = [
  { name: 'spectrum', kind: 'read', type: complexMap },
  { name: 'radial', kind: 'read', type: 'array<vec4<f32>>' },
  { name: 'angular', kind: 'read', type: f32Map },
  { name: 'twiddles', kind: 'read', type: complexMap },
  ...Array.from({ length: PC.nscale }, (_, s): BindingDeclaration => ({ name: `t${s}`, kind: 'write', type: complexMap })),
];

/**
 * Per spectrum row (frequency v) and scale s: IM · G_s · S_o, swapped, then the row DFT,
 * stored as T_s. `radial` holds G_0…G_3 of the quadrant (mirror(v), mirror(u)) as one vec4
 * (src/bank.ts: G depends on |u| and |v| only); `angular` is S_o expanded to the full grid.
 */
export function filterRowsShader(shape: RegisterFftShape, rows: number, cols: number, quadrantCols: number): string {
  const at = rowElement(cols);
  const body: string[] = [`let quadrantRow = select(${u(rows)} - line, line, line <= ${u(rows >> 1)}) * ${u(quadrantCols)};`];
  for (let s = 0; s < PC.nscale; s++) {
    const code = registerFftCode(shape, { prefix: `s${s}`, load: (i) => `filtered(line, quadrantRow, ${i}, ${u(s)})` });
    body.push(...code.lines, ...forEachOutput(code, shape, (i, v) => [`t${s}[${at(i)}] = ${v};`]));
  }
  const helpers = /* wgsl */ `
// Element i of this row times G_s·S_o, real and imaginary parts swapped (for the inverse DFT).
fn filtered(line: u32, quadrantRow: u32, i: u32, s: u32) -> vec2<f32> {
  let at = line * ${u(cols)} + i;
  let gain = radial[quadrantRow + select(${u(cols)} - i, i, i <= ${u(cols >> 1)})][s] * angular[at];
  let x = spectrum[at];
  return vec2<f32>(x.y, x.x) * gain;
}`;
  return kernel(filterRowsBindings, shape, rows, body, helpers);
}

export const columnsEnergyBindings: readonly BindingDeclaration[] = [
  ...Array.from({ length: PC.nscale }, (_, s): BindingDeclaration => ({ name: `t${s}`, kind: 'read', type: complexMap })),
  { name: 'twiddles', kind: 'read', type: complexMap },
  { name: 'energy', kind: 'write', type: f32Map },
  { name: 'smallestScaleEnergy', kind: 'write', type: f32Map },
  { name: 'amplitudeAll', kind: 'write', type: f32Map },
];

/** Per pixel, from e{s} and o{s} of the four scales: the sums, |EO_0|² and the energy, stored. */
function energyEpilogue(at: string, firstOrientation: boolean): string[] {
  const scales = Array.from({ length: PC.nscale }, (_, s) => s);
  return [
    `let at = ${at};`,
    `let sumE = ${scales.map((s) => `e${s}`).join(' + ')};`,
    `let sumO = ${scales.map((s) => `o${s}`).join(' + ')};`,
    `let amplitude = ${scales.map((s) => `sqrt(e${s} * e${s} + o${s} * o${s})`).join(' + ')};`,
    `let x = sqrt(sumE * sumE + sumO * sumO) + ${f32(PC.epsilon)};`,
    'let meanE = sumE / x;',
    'let meanO = sumO / x;',
    `energy[at] = ${scales.map((s) => `(e${s} * meanE + o${s} * meanO - abs(e${s} * meanO - o${s} * meanE))`).join(' + ')};`,
    'smallestScaleEnergy[at] = e0 * e0 + o0 * o0;',
    firstOrientation ? 'amplitudeAll[at] = amplitude;' : 'amplitudeAll[at] += amplitude;',
  ];
}

/**
 * Per column and scale: T_s → column DFT, kept in registers (four transforms, unrolled); then
 * per pixel, in the order of the per-stage kernels (accumulate, energy): e, o = EO_so / n
 * (swapped back), sumE, sumO, Σ_s |EO_so| (added to amplitudeAll; the first orientation
 * stores it), |EO_0o|², and Energy_o = Σ_s e·MeanE + o·MeanO − |e·MeanO − o·MeanE|.
 * (Measured on an H200: one transform in a loop over two sweeps of the scales, which needs a
 * quarter of the code and half the registers, ran 1.5× slower at 4K; bench/README.md.)
 */
export function columnsEnergyShader(shape: RegisterFftShape, rows: number, cols: number, firstOrientation: boolean): string {
  const at = columnElement(cols);
  const inverseN = f32(1 / (rows * cols));
  const body: string[] = [];
  const codes = Array.from({ length: PC.nscale }, (_, s) => {
    const code = registerFftCode(shape, { prefix: `s${s}`, load: (i) => `t${s}[${at(i)}]` });
    body.push(...code.lines);
    return code;
  });
  // The four codes share one shape, so their outputs line up slot by slot and value by value.
  let k = 0;
  const flat = codes.map((c) => c.outputs.flatMap((o) => o.values.map((v) => v.value)));
  const epilogue = forEachOutput(codes[0], shape, (i) => {
    const eo = flat.map((values) => values[k]);
    k++;
    return [
      '{',
      ...eo.flatMap((v, s) => [`  let e${s} = ${v}.y * ${inverseN};`, `  let o${s} = ${v}.x * ${inverseN};`]),
      ...energyEpilogue(at(i), firstOrientation).map((l) => `  ${l}`),
      '}',
    ];
  });
  return kernel(columnsEnergyBindings, shape, cols, [...body, ...epilogue]);
}

export const finishBindings: readonly BindingDeclaration[] = [
  { name: 'params', kind: 'uniform', type: 'Params' },
  ...Array.from({ length: PC.norient }, (_, o): BindingDeclaration => ({ name: `energy${o}`, kind: 'read', type: f32Map })),
  { name: 'amplitudeAll', kind: 'read', type: f32Map },
  { name: 'selection', kind: 'read', type: 'array<u32>' },
  { name: 'range', kind: 'read', type: 'array<u32>' },
  { name: 'pc', kind: 'write', type: f32Map },
];

/**
 * The noise threshold T_o of every orientation from its exact median (selection: the two
 * middle values of |EO_0o|², four u32 per orientation, see median.ts), then
 * PC = Σ_o max(Energy_o − T_o, 0) / Σ_so |EO_so| (0 where that is 0 or the image is flat).
 */
export function finishShader(): string {
  const orientations = Array.from({ length: PC.norient }, (_, o) => o);
  return /* wgsl */ `
struct Params {
  count: u32,
  // Per orientation: energyOfSmallestFilter, sumAn2, sumAiAj, unused.
  noise: array<vec4<f32>, ${PC.norient}>,
};
${bindingLines(finishBindings)}

fn threshold(o: u32) -> f32 {
  let median = (bitcast<f32>(selection[4u * o]) + bitcast<f32>(selection[4u * o + 2u])) * 0.5;
  let noise = params.noise[o];
  return noiseThreshold(median, noise.x, noise.y, noise.z);
}
${noiseThresholdFunction}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * 256u;
  if (id >= params.count) { return; }
  ${orientations.map((o) => `let t${o} = threshold(${o}u);`).join('\n  ')}
  var total = max(energy0[id] - t0, 0.0);
  ${orientations
    .slice(1)
    .map((o) => `total += max(energy${o}[id] - t${o}, 0.0);`)
    .join('\n  ')}
  let amplitude = amplitudeAll[id];
  let isFlat = range[0] == range[1];
  pc[id] = select(total / amplitude, 0.0, isFlat || amplitude <= 0.0);
}
`;
}
