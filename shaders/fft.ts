/**
 * FFT kernels. `fused` runs a whole transform in workgroup memory (lengths whose 8·n bytes
 * fit the device's workgroup storage); `stage` is one Stockham pass of a given radix over a batch of transforms
 * laid out with arbitrary element and batch strides (rows: 1 and cols; columns: cols and 1),
 * so one kernel serves both axes. The inverse is the same kernel with the real and
 * imaginary planes swapped in the bind group (IDFT(x) = swap(DFT(swap(x)))/n).
 * `bluestein` holds the chirp and convolution-spectrum multiplies of the chirp-z transform.
 * Twiddles and roots are float64 values from src/fft/plan.ts, rounded once to f32.
 */
import { type BindingDeclaration, bindingLines, complexMap, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

/** Layout of one batch of 1-D transforms, shared by every FFT kernel's uniform. */
const layoutStruct = /* wgsl */ `
struct Layout {
  n: u32,            // transform length (padded length m for Bluestein's inner passes)
  stride: u32,       // Stockham: product of the earlier radices
  batch: u32,        // number of transforms
  elementStride: u32,
  batchStride: u32,
  twiddleOffset: u32,
  batchFastest: u32, // 1: neighbouring invocations take neighbouring transforms (columns)
  total: u32,        // invocations needed
  scale: f32,        // Bluestein output scale (1/m)
  inputLength: u32,  // Bluestein: the unpadded length n
};
`;

export const cmulFunction = /* wgsl */ `
fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}
`;

/** A WGSL vec2<f32> expression times the constant exp(−2πi·num/den), simplified where exact. */
function rotate(x: string, num: number, den: number): string {
  const k = ((num % den) + den) % den;
  if (k === 0) return x;
  if (4 * k === den) return `vec2<f32>(${x}.y, -${x}.x)`; // ·(−i)
  if (2 * k === den) return `(-${x})`;
  if (4 * k === 3 * den) return `vec2<f32>(-${x}.y, ${x}.x)`; // ·i
  const angle = (-2 * Math.PI * k) / den;
  return `cmul(${x}, vec2<f32>(${f32(Math.cos(angle))}, ${f32(Math.sin(angle))}))`;
}

/**
 * Straight-line WGSL for the DFT of the named inputs: `let` lines appended to `out`, the
 * names of the outputs returned. Powers of two split even/odd recursively; odd primes are
 * folded over the pairs (r, R−r), like the CPU kernels. Unrolled, so no private array is
 * indexed at run time (GPUs and SwiftShader both spill those to memory).
 */
export function dftCode(inputs: readonly string[], out: string[], prefix: string): string[] {
  const R = inputs.length;
  if (R === 1) return [...inputs];
  const name = (label: string) => `${prefix}${label}`;
  if (R % 2 === 0) {
    const even = dftCode(
      inputs.filter((_, i) => i % 2 === 0),
      out,
      `${prefix}e`,
    );
    const odd = dftCode(
      inputs.filter((_, i) => i % 2 === 1),
      out,
      `${prefix}o`,
    );
    const half = R / 2;
    const y: string[] = new Array(R);
    for (let q = 0; q < half; q++) {
      const t = name(`t${q}`);
      out.push(`let ${t} = ${rotate(odd[q], q, R)};`);
      out.push(`let ${name(`y${q}`)} = ${even[q]} + ${t};`);
      out.push(`let ${name(`y${q + half}`)} = ${even[q]} - ${t};`);
      y[q] = name(`y${q}`);
      y[q + half] = name(`y${q + half}`);
    }
    return y;
  }
  // Odd R: y[q] = a0 + Σ_r s_r·cos(2πrq/R) − i·Σ_r d_r·sin(2πrq/R), s_r = a_r + a_{R−r}, d_r = a_r − a_{R−r};
  // y[R−q] has the sine sum's sign flipped.
  const half = (R - 1) / 2;
  for (let r = 1; r <= half; r++) {
    out.push(`let ${name(`s${r}`)} = ${inputs[r]} + ${inputs[R - r]};`);
    out.push(`let ${name(`d${r}`)} = ${inputs[r]} - ${inputs[R - r]};`);
  }
  const y: string[] = new Array(R);
  out.push(`let ${name('y0')} = ${inputs[0]}${Array.from({ length: half }, (_, i) => ` + ${name(`s${i + 1}`)}`).join('')};`);
  y[0] = name('y0');
  for (let q = 1; q <= half; q++) {
    const cosines = Array.from(
      { length: half },
      (_, i) => `${name(`s${i + 1}`)} * ${f32(Math.cos((2 * Math.PI * (((i + 1) * q) % R)) / R))}`,
    );
    const sines = Array.from(
      { length: half },
      (_, i) => `${name(`d${i + 1}`)} * ${f32(Math.sin((2 * Math.PI * (((i + 1) * q) % R)) / R))}`,
    );
    out.push(`let ${name(`c${q}`)} = ${inputs[0]} + ${cosines.join(' + ')};`);
    out.push(`let ${name(`n${q}`)} = ${sines.join(' + ')};`);
    // −i·n = (n.y, −n.x)
    out.push(`let ${name(`y${q}`)} = ${name(`c${q}`)} + vec2<f32>(${name(`n${q}`)}.y, -${name(`n${q}`)}.x);`);
    out.push(`let ${name(`y${R - q}`)} = ${name(`c${q}`)} - vec2<f32>(${name(`n${q}`)}.y, -${name(`n${q}`)}.x);`);
    y[q] = name(`y${q}`);
    y[R - q] = name(`y${R - q}`);
  }
  return y;
}

/** fn dft{R}: the R-point DFT of the (twiddled) butterfly inputs, unrolled. */
function dftFunction(radix: number): string {
  const lines: string[] = [];
  const inputs = Array.from({ length: radix }, (_, r) => `a[${r}]`);
  const outputs = dftCode(inputs, lines, '_');
  return /* wgsl */ `
fn dft${radix}(a: array<vec2<f32>, ${radix}>) -> array<vec2<f32>, ${radix}> {
  ${lines.join('\n  ')}
  return array<vec2<f32>, ${radix}>(${outputs.join(', ')});
}`;
}

/** The stage and fused kernels' bindings: the plan's layout, planes in and out, twiddles. */
export const fftBindings: readonly BindingDeclaration[] = [
  uniform('shape', 'Layout'),
  read('inRe'),
  read('inIm'),
  write('outRe'),
  write('outIm'),
  read('twiddles', complexMap),
];
/** Bluestein's: `factors` holds chirp[t] for t < n, then the m-point kernel spectrum. */
export const bluesteinBindings: readonly BindingDeclaration[] = [...fftBindings.slice(0, 5), read('factors', complexMap)];
const bindings = bindingLines(fftBindings);

/** One Stockham pass of one radix through global memory (any length, any layout). */
export function stageShader(radix: number): string {
  return /* wgsl */ `
${layoutStruct}
${flatIndex}
${bindings}
${cmulFunction}
${dftFunction(radix)}

const R: u32 = ${radix}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.total) { return; }
  let butterflies = shape.n / R;
  var j: u32;
  var b: u32;
  if (shape.batchFastest == 1u) {
    b = id % shape.batch;
    j = id / shape.batch;
  } else {
    j = id % butterflies;
    b = id / butterflies;
  }
  let k = j % shape.stride;
  let base = b * shape.batchStride;
  let inBase = base + j * shape.elementStride;
  let inStep = butterflies * shape.elementStride;
  let tw = shape.twiddleOffset + k * (R - 1u);
  ${Array.from({ length: radix }, (_, r) => {
    const at = r === 0 ? 'inBase' : `inBase + ${r}u * inStep`;
    const load = `vec2<f32>(inRe[${at}], inIm[${at}])`;
    return `let a${r} = ${r === 0 ? load : `cmul(${load}, twiddles[tw + ${r - 1}u])`};`;
  }).join('\n  ')}
  let y = dft${radix}(array<vec2<f32>, ${radix}>(${Array.from({ length: radix }, (_, r) => `a${r}`).join(', ')}));
  let outBase = base + ((j - k) * R + k) * shape.elementStride;
  let outStep = shape.stride * shape.elementStride;
  ${Array.from({ length: radix }, (_, q) => `outRe[outBase + ${q}u * outStep] = y[${q}].x;\n  outIm[outBase + ${q}u * outStep] = y[${q}].y;`).join('\n  ')}
}
`;
}

export interface FusedStage {
  radix: number;
  stride: number;
  twiddleOffset: number;
}

/**
 * A whole transform of length n in workgroup memory: one workgroup per transform loads it
 * once, runs every Stockham stage between barriers (each invocation keeps its butterflies'
 * outputs in registers until all have read), and stores it once. Generated per length, so
 * the stages, radices and offsets are constants. Needs 8·n bytes of workgroup storage.
 */
export function fusedShader(n: number, stages: readonly FusedStage[]): string {
  const radices = [...new Set(stages.map((st) => st.radix))];
  const body = stages
    .map(({ radix: R, stride, twiddleOffset }) => {
      const groups = n / R;
      const perInvocation = Math.ceil(groups / WORKGROUP_SIZE);
      return /* wgsl */ `
  {
    var kept: array<vec2<f32>, ${perInvocation * R}>;
    for (var u = 0u; u < ${perInvocation}u; u++) {
      let j = lid + u * ${WORKGROUP_SIZE}u;
      if (j < ${groups}u) {
        let k = j % ${stride}u;
        var a: array<vec2<f32>, ${R}>;
        for (var r = 0u; r < ${R}u; r++) {
          var x = data[j + r * ${groups}u];
          if (r > 0u) { x = cmul(x, twiddles[${twiddleOffset}u + k * ${R - 1}u + r - 1u]); }
          a[r] = x;
        }
        let y = dft${R}(a);
        for (var q = 0u; q < ${R}u; q++) { kept[u * ${R}u + q] = y[q]; }
      }
    }
    workgroupBarrier();
    for (var u = 0u; u < ${perInvocation}u; u++) {
      let j = lid + u * ${WORKGROUP_SIZE}u;
      if (j < ${groups}u) {
        let k = j % ${stride}u;
        let o = (j - k) * ${R}u + k;
        for (var q = 0u; q < ${R}u; q++) { data[o + q * ${stride}u] = kept[u * ${R}u + q]; }
      }
    }
    workgroupBarrier();
  }`;
    })
    .join('\n');
  return /* wgsl */ `
${layoutStruct}
${bindings}
${cmulFunction}
${radices.map(dftFunction).join('\n')}

var<workgroup> data: array<vec2<f32>, ${n}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // One transform per workgroup (uniform, so returning here keeps the barriers uniform).
  let b = wid.x + wid.y * groups.x;
  if (b >= shape.batch) { return; }
  let base = b * shape.batchStride;
  for (var t = lid; t < ${n}u; t += ${WORKGROUP_SIZE}u) {
    let at = base + t * shape.elementStride;
    data[t] = vec2<f32>(inRe[at], inIm[at]);
  }
  workgroupBarrier();
${body}
  for (var t = lid; t < ${n}u; t += ${WORKGROUP_SIZE}u) {
    let at = base + t * shape.elementStride;
    outRe[at] = data[t].x;
    outIm[at] = data[t].y;
  }
}
`;
}

/** Bluestein: entry points chirpIn (x·chirp, zero-padded to m), convolve (·kernel spectrum), chirpOut. */
export function bluesteinShader(): string {
  return /* wgsl */ `
${layoutStruct}
${flatIndex}
${bindingLines(bluesteinBindings)}

${cmulFunction}
// Where padded element t of transform b sits (packed: columns interleave, rows are contiguous).
fn paddedIndex(t: u32, b: u32) -> u32 {
  return select(b * shape.n + t, t * shape.batch + b, shape.batchFastest == 1u);
}

// Invocation → (element t of the padded length shape.n, transform b).
fn coordinates(id: u32) -> vec2<u32> {
  if (shape.batchFastest == 1u) { return vec2<u32>(id / shape.batch, id % shape.batch); }
  return vec2<u32>(id % shape.n, id / shape.n);
}

// In: unpadded (inputLength) with the caller's strides; out: padded (n) packed.
@compute @workgroup_size(${WORKGROUP_SIZE})
fn chirpIn(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.total) { return; }
  let tb = coordinates(id);
  let padded = paddedIndex(tb.x, tb.y);
  var v = vec2<f32>(0.0, 0.0);
  if (tb.x < shape.inputLength) {
    let at = tb.y * shape.batchStride + tb.x * shape.elementStride;
    v = cmul(vec2<f32>(inRe[at], inIm[at]), factors[tb.x]);
  }
  outRe[padded] = v.x;
  outIm[padded] = v.y;
}

// In place on the padded data (bound as out; in is unused but bound for one layout).
@compute @workgroup_size(${WORKGROUP_SIZE})
fn convolve(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.total) { return; }
  let tb = coordinates(id);
  let padded = paddedIndex(tb.x, tb.y);
  let v = cmul(vec2<f32>(outRe[padded], outIm[padded]), factors[shape.inputLength + tb.x]);
  outRe[padded] = v.x;
  outIm[padded] = v.y;
}

// In: padded packed; out: unpadded with the caller's strides. Runs over t < inputLength.
@compute @workgroup_size(${WORKGROUP_SIZE})
fn chirpOut(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= shape.total) { return; }
  var t: u32;
  var b: u32;
  if (shape.batchFastest == 1u) { t = id / shape.batch; b = id % shape.batch; } else { t = id % shape.inputLength; b = id / shape.inputLength; }
  let padded = paddedIndex(t, b);
  let v = cmul(vec2<f32>(inRe[padded], inIm[padded]), factors[t]) * shape.scale;
  let at = b * shape.batchStride + t * shape.elementStride;
  outRe[at] = v.x;
  outIm[at] = v.y;
}
`;
}
