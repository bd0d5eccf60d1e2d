/**
 * The fused phase-congruency kernels (FSIM_SPEC.md §3): one workgroup per row, or per one to
 * four adjacent columns, the whole 1-D transform in registers (shaders/registerFft.ts), with
 * the work around it folded into its prologue and epilogue, so that no filtered spectrum and
 * no EO map goes through global memory between kernels:
 *   forwardRows     Y − offset (the colour stage's Y; real) → row DFT → complex map
 *   forwardColumns  → column DFT → the spectrum IM (complex)
 *   filter(o)       along one axis, per scale s: IM · G_s · S_o, swapped (IDFT = swap ∘ DFT ∘ swap),
 *                   → DFT → T_s
 *   energy(o)       along the other axis, per scale s: T_s → DFT → EO_so in registers; then, per
 *                   pixel, sumE, sumO, Σ|EO|, |EO_0o|² and Energy_o (step 3), written once
 * (InverseOrder says which axis goes first.)
 * The median of |EO_0o|² (shaders/median.ts, all four orientations in one set of passes) and
 * `finish` (threshold of every orientation, Σ_o, PC) complete the stage.
 * Sizes, plans and filter-bank layout are compile-time constants: one pipeline per size.
 */
import { PC } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, complexMap, read, uniform, write } from './bindings.js';
import { f32 } from './common.js';
import { cmulFunction } from './fft.js';
import { noiseThresholdFunction } from './phaseCongruency.js';
import { type RegisterFftCode, type RegisterFftShape, exchangeDeclaration, forEachOutput, lineFftCode } from './registerFft.js';

const u = (value: number) => `${value}u`;

/**
 * The entry point: one workgroup per line (row), or per `shape.lanes` adjacent lines (columns,
 * shaders/registerFft.ts). Binds `line` (this invocation's line), `column` (the line it loads:
 * past the last one, where lines is not a multiple of lanes, it transforms the last line again
 * and stores nothing), `tid` (its thread within the transform) and `lane`.
 */
function entry(shape: RegisterFftShape, lines: number, body: string[]): string {
  const { lanes } = shape;
  const locate =
    lanes === 1
      ? ['let line = group;', 'let column = line;', 'let tid = lid;']
      : [
          `let lane = lid % ${u(lanes)};`,
          `let tid = lid / ${u(lanes)};`,
          `let line = group * ${u(lanes)} + lane;`,
          `let column = min(line, ${u(lines - 1)});`,
        ];
  return /* wgsl */ `
@compute @workgroup_size(${shape.threads * lanes})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  let group = wid.x + wid.y * groups.x;
  if (group >= ${u(Math.ceil(lines / lanes))}) { return; }
  ${locate.join('\n  ')}
  ${body.join('\n  ')}
}`;
}

/** Statements that write this invocation's line: skipped past the last line (see entry). */
function stored(shape: RegisterFftShape, lines: number, statements: string[]): string[] {
  return lines % shape.lanes === 0 ? statements : [`if (line < ${u(lines)}) {`, ...statements.map((l) => `  ${l}`), '}'];
}

function kernel(declarations: readonly BindingDeclaration[], shape: RegisterFftShape, lines: number, body: string[], extra = ''): string {
  return /* wgsl */ `
${bindingLines(declarations)}
${cmulFunction}
${extra}
${exchangeDeclaration(shape)}
${entry(shape, lines, body)}
`;
}

/** The register transform of one line (Bluestein's where its length needs it), its thread and lane named as entry() binds them. */
const transform = (shape: RegisterFftShape, prefix: string, load: (index: string) => string) =>
  lineFftCode(shape, { prefix, load, lid: 'tid', lane: 'lane' });
const outputs = (code: RegisterFftCode, shape: RegisterFftShape, body: (index: string, value: string, q: number) => string[]) =>
  forEachOutput(code, shape, body, 'tid');

/** Input and output layouts of one line: element i of line `line`. */
const rowElement = (cols: number) => (i: string) => `line * ${u(cols)} + ${i}`;
const columnElement =
  (cols: number, line = 'line') =>
  (i: string) =>
    `(${i}) * ${u(cols)} + ${line}`;
/** Loads read `column` (see entry). */
const columnLoad = (cols: number) => columnElement(cols, 'column');

export const forwardRowsBindings: readonly BindingDeclaration[] = [
  read('y'),
  /** The constant near the mean of Y that the transform's input leaves out (shaders/colour.ts). */
  uniform('offset', 'f32'),
  read('twiddles', complexMap),
  write('output', complexMap),
];

/** The forward DFT of every row of Y − offset (real) into a complex map. */
export function forwardRowsShader(shape: RegisterFftShape, rows: number, cols: number): string {
  const at = rowElement(cols);
  const code = transform(shape, 'f', (i) => `vec2<f32>(y[${at(i)}] - offset, 0.0)`);
  const store = outputs(code, shape, (i, v) => [`output[${at(i)}] = ${v};`]);
  return kernel(forwardRowsBindings, shape, rows, [...code.lines, ...store]);
}

export const forwardColumnsBindings: readonly BindingDeclaration[] = [
  read('input', complexMap),
  read('twiddles', complexMap),
  write('output', complexMap),
];

/** The forward DFT of every column of a complex map (shape.lanes adjacent columns per workgroup). */
export function forwardColumnsShader(shape: RegisterFftShape, cols: number): string {
  const at = columnElement(cols);
  const load = columnLoad(cols);
  const code = transform(shape, 'f', (i) => `input[${load(i)}]`);
  const store = outputs(code, shape, (i, v) => [`output[${at(i)}] = ${v};`]);
  return kernel(forwardColumnsBindings, shape, cols, [...code.lines, ...stored(shape, cols, store)]);
}

/**
 * The order of the two inverse passes: 'rows-first' filters in the row transforms and ends
 * in the column transforms (the energy epilogue reads down columns); 'columns-first' filters
 * in the column transforms (several adjacent columns per workgroup, shape.lanes) and ends in
 * the row transforms, whose epilogue writes along rows.
 */
export type InverseOrder = 'rows-first' | 'columns-first';
export type Axis = 'rows' | 'columns';

/** Lines of this axis, and element i of this invocation's line for loads and for stores (see entry). */
function axisLayout(axis: Axis, rows: number, cols: number) {
  return axis === 'rows'
    ? { lines: rows, load: rowElement(cols), store: rowElement(cols) }
    : { lines: cols, load: columnLoad(cols), store: columnElement(cols) };
}

export const filterBindings: readonly BindingDeclaration[] = [
  read('spectrum', complexMap),
  read('radial', 'array<vec4<f32>>'),
  read('angular'),
  read('twiddles', complexMap),
  ...Array.from({ length: PC.nscale }, (_, s) => write(`t${s}`, complexMap)),
];

/**
 * Per spectrum line (a row or a column) and scale s: IM · G_s · S_o, swapped, then the DFT
 * along the line, stored as T_s. `radial` holds G_0…G_3 of the quadrant entry (mirror(v),
 * mirror(u)) as one vec4 (src/bank.ts: G depends on |u| and |v| only); `angular` is S_o
 * expanded to the full grid.
 */
export function filterShader(axis: Axis, shape: RegisterFftShape, rows: number, cols: number, quadrantCols: number): string {
  const { lines, store } = axisLayout(axis, rows, cols);
  const body: string[] = [];
  for (let s = 0; s < PC.nscale; s++) {
    const element = (i: string) => (axis === 'rows' ? `filtered(line, ${i}, ${u(s)})` : `filtered(${i}, column, ${u(s)})`);
    const code = transform(shape, `s${s}`, element);
    body.push(
      ...code.lines,
      ...stored(
        shape,
        lines,
        outputs(code, shape, (i, v) => [`t${s}[${store(i)}] = ${v};`]),
      ),
    );
  }
  const helpers = /* wgsl */ `
// Spectrum element (row, col) times G_s·S_o, real and imaginary parts swapped (for the inverse DFT).
fn filtered(row: u32, col: u32, s: u32) -> vec2<f32> {
  let at = row * ${u(cols)} + col;
  let quadrant = select(${u(rows)} - row, row, row <= ${u(rows >> 1)}) * ${u(quadrantCols)} + select(${u(cols)} - col, col, col <= ${u(cols >> 1)});
  let x = spectrum[at];
  return vec2<f32>(x.y, x.x) * (radial[quadrant][s] * angular[at]);
}`;
  return kernel(filterBindings, shape, lines, body, helpers);
}

export const energyBindings: readonly BindingDeclaration[] = [
  ...Array.from({ length: PC.nscale }, (_, s) => read(`t${s}`, complexMap)),
  read('twiddles', complexMap),
  write('energy'),
  write('smallestScaleEnergy'),
  write('amplitudeAll'),
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
 * Per line (the axis the filter pass did not take) and scale: T_s → DFT along the line, kept
 * in registers (four transforms, unrolled); then per pixel, in the order of the per-stage
 * kernels (accumulate, energy): e, o = EO_so / n (swapped back), sumE, sumO, Σ_s |EO_so|
 * (added to amplitudeAll; the first orientation stores it), |EO_0o|², and
 * Energy_o = Σ_s e·MeanE + o·MeanO − |e·MeanO − o·MeanE|.
 * (Measured on an H200: one transform in a loop over two sweeps of the scales, which needs a
 * quarter of the code and half the registers, ran 1.5× slower at 4K; bench/README.md.)
 */
export function energyShader(axis: Axis, shape: RegisterFftShape, rows: number, cols: number, firstOrientation: boolean): string {
  const { lines, load, store } = axisLayout(axis, rows, cols);
  const inverseN = f32(1 / (rows * cols));
  const body: string[] = [];
  const codes = Array.from({ length: PC.nscale }, (_, s) => {
    const code = transform(shape, `s${s}`, (i) => `t${s}[${load(i)}]`);
    body.push(...code.lines);
    return code;
  });
  // The four codes share one shape, so their outputs line up slot by slot and value by value.
  let k = 0;
  const flat = codes.map((c) => c.outputs.flatMap((o) => o.values.map((v) => v.value)));
  const epilogue = outputs(codes[0], shape, (i) => {
    const eo = flat.map((values) => values[k]);
    k++;
    return [
      '{',
      ...eo.flatMap((v, s) => [`  let e${s} = ${v}.y * ${inverseN};`, `  let o${s} = ${v}.x * ${inverseN};`]),
      ...energyEpilogue(store(i), firstOrientation).map((l) => `  ${l}`),
      '}',
    ];
  });
  return kernel(energyBindings, shape, lines, [...body, ...stored(shape, lines, epilogue)]);
}

export const finishBindings: readonly BindingDeclaration[] = [
  uniform('params', 'Params'),
  ...Array.from({ length: PC.norient }, (_, o) => read(`energy${o}`)),
  read('amplitudeAll'),
  read('selection', 'array<u32>'),
  read('range', 'array<u32>'),
  write('pc'),
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
