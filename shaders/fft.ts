/**
 * FFT kernels. `stage` is one Stockham pass of a given radix over a batch of transforms
 * laid out with arbitrary element and batch strides (rows: 1 and cols; columns: cols and 1),
 * so one kernel serves both axes. The inverse is the same kernel with the real and
 * imaginary planes swapped in the bind group (IDFT(x) = swap(DFT(swap(x)))/n).
 * `bluestein` holds the chirp and convolution-spectrum multiplies of the chirp-z transform.
 * Twiddles and roots are float64 values from src/fft/plan.ts, rounded once to f32.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
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

export function stageShader(radix: number): string {
  const roots = Array.from({ length: radix }, (_, m) => {
    const angle = (-2 * Math.PI * m) / radix;
    return `vec2<f32>(${f32(Math.cos(angle))}, ${f32(Math.sin(angle))})`;
  }).join(', ');
  return wgsl`
${layoutStruct}
${flatIndex}
@group(0) @binding(0) var<uniform> shape: Layout;
@group(0) @binding(1) var<storage, read> inRe: array<f32>;
@group(0) @binding(2) var<storage, read> inIm: array<f32>;
@group(0) @binding(3) var<storage, read_write> outRe: array<f32>;
@group(0) @binding(4) var<storage, read_write> outIm: array<f32>;
@group(0) @binding(5) var<storage, read> twiddles: array<vec2<f32>>;

const R: u32 = ${radix}u;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

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
  let outBase = base + ((j - k) * R + k) * shape.elementStride;
  let outStep = shape.stride * shape.elementStride;
#if ${radix === 2}
  outRe[outBase] = a[0].x + a[1].x; outIm[outBase] = a[0].y + a[1].y;
  outRe[outBase + outStep] = a[0].x - a[1].x; outIm[outBase + outStep] = a[0].y - a[1].y;
#elif ${radix === 4}
  let t0 = a[0] + a[2];
  let t1 = a[0] - a[2];
  let t2 = a[1] + a[3];
  let d = a[1] - a[3];
  let t3 = vec2<f32>(d.y, -d.x); // (a1 − a3)·(−i)
  let y0 = t0 + t2;
  let y1 = t1 + t3;
  let y2 = t0 - t2;
  let y3 = t1 - t3;
  outRe[outBase] = y0.x; outIm[outBase] = y0.y;
  outRe[outBase + outStep] = y1.x; outIm[outBase + outStep] = y1.y;
  outRe[outBase + 2u * outStep] = y2.x; outIm[outBase + 2u * outStep] = y2.y;
  outRe[outBase + 3u * outStep] = y3.x; outIm[outBase + 3u * outStep] = y3.y;
#else
  var roots = array<vec2<f32>, R>(${roots});
  for (var q = 0u; q < R; q++) {
    var sum = a[0];
    var m = q;
    for (var r = 1u; r < R; r++) {
      sum += cmul(a[r], roots[m]);
      m += q;
      if (m >= R) { m -= R; }
    }
    outRe[outBase + q * outStep] = sum.x;
    outIm[outBase + q * outStep] = sum.y;
  }
#endif
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

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

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
