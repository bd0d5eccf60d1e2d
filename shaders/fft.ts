/**
 * FFT kernels. `fused` runs a whole transform in workgroup memory (lengths whose 8·n bytes
 * fit the device's workgroup storage); `stage` is one Stockham pass of a given radix over a batch of transforms
 * laid out with arbitrary element and batch strides (rows: 1 and cols; columns: cols and 1),
 * so one kernel serves both axes. The inverse is the same kernel with the real and
 * imaginary planes swapped in the bind group (IDFT(x) = swap(DFT(swap(x)))/n).
 * `bluestein` holds the chirp and convolution-spectrum multiplies of the chirp-z transform.
 * Twiddles and roots are float64 values from src/fft/plan.ts, rounded once to f32.
 */
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

const cmulFunction = /* wgsl */ `
fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}
`;

/** fn dft{R}: the R-point DFT of the (twiddled) butterfly inputs. */
function dftFunction(radix: number): string {
  const R = radix;
  if (R === 2) {
    return `fn dft2(a: array<vec2<f32>, 2>) -> array<vec2<f32>, 2> { return array<vec2<f32>, 2>(a[0] + a[1], a[0] - a[1]); }`;
  }
  if (R === 4) {
    return /* wgsl */ `
fn dft4(a: array<vec2<f32>, 4>) -> array<vec2<f32>, 4> {
  let t0 = a[0] + a[2];
  let t1 = a[0] - a[2];
  let t2 = a[1] + a[3];
  let d = a[1] - a[3];
  let t3 = vec2<f32>(d.y, -d.x); // (a1 − a3)·(−i)
  return array<vec2<f32>, 4>(t0 + t2, t1 + t3, t0 - t2, t1 - t3);
}`;
  }
  const roots = Array.from({ length: R }, (_, m) => {
    const angle = (-2 * Math.PI * m) / R;
    return `vec2<f32>(${f32(Math.cos(angle))}, ${f32(Math.sin(angle))})`;
  }).join(', ');
  return /* wgsl */ `
fn dft${R}(a: array<vec2<f32>, ${R}>) -> array<vec2<f32>, ${R}> {
  var roots = array<vec2<f32>, ${R}>(${roots});
  var y: array<vec2<f32>, ${R}>;
  for (var q = 0u; q < ${R}u; q++) {
    var sum = a[0];
    var m = q;
    for (var r = 1u; r < ${R}u; r++) {
      sum += cmul(a[r], roots[m]);
      m += q;
      if (m >= ${R}u) { m -= ${R}u; }
    }
    y[q] = sum;
  }
  return y;
}`;
}

const bindings = /* wgsl */ `
@group(0) @binding(0) var<uniform> shape: Layout;
@group(0) @binding(1) var<storage, read> inRe: array<f32>;
@group(0) @binding(2) var<storage, read> inIm: array<f32>;
@group(0) @binding(3) var<storage, read_write> outRe: array<f32>;
@group(0) @binding(4) var<storage, read_write> outIm: array<f32>;
@group(0) @binding(5) var<storage, read> twiddles: array<vec2<f32>>;
`;

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
  var a: array<vec2<f32>, R>;
  for (var r = 0u; r < R; r++) {
    let at = base + (j + r * butterflies) * shape.elementStride;
    var x = vec2<f32>(inRe[at], inIm[at]);
    if (r > 0u) {
      x = cmul(x, twiddles[shape.twiddleOffset + k * (R - 1u) + r - 1u]);
    }
    a[r] = x;
  }
  let y = dft${radix}(a);
  let outBase = base + ((j - k) * R + k) * shape.elementStride;
  let outStep = shape.stride * shape.elementStride;
  for (var q = 0u; q < R; q++) {
    outRe[outBase + q * outStep] = y[q].x;
    outIm[outBase + q * outStep] = y[q].y;
  }
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
  const body = stages.map(({ radix: R, stride, twiddleOffset }) => {
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
  }).join('\n');
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
@group(0) @binding(0) var<uniform> shape: Layout;
@group(0) @binding(1) var<storage, read> inRe: array<f32>;
@group(0) @binding(2) var<storage, read> inIm: array<f32>;
@group(0) @binding(3) var<storage, read_write> outRe: array<f32>;
@group(0) @binding(4) var<storage, read_write> outIm: array<f32>;
// chirp[t] for t < n, then the m-point kernel spectrum.
@group(0) @binding(5) var<storage, read> factors: array<vec2<f32>>;

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
