/**
 * Colour conversion and the reference's box downsampling in one pass (FSIM_SPEC.md §1–2):
 * each output pixel averages its F×F box of Y (and I, Q for colour) with zero padding and
 * the divisor F². For the per-stage path it also writes the FFT input: Y minus a constant
 * near its mean, with a zero imaginary plane (the fused path's forward row transforms read
 * Y and subtract the constant themselves). Every filter is zero at DC, so the constant
 * changes nothing but keeps float32 rounding of the huge DC term out of the weak
 * high-frequency coefficients.
 * Source: 8-bit samples as stored (1, 3 or 4 a pixel, four bytes to a u32, uploaded without
 * repacking) or float planes (16-bit and float images).
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { YIQ } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

/** One row of the YIQ matrix (src/constants.ts) as WGSL: `a * v.x + b * v.y + c * v.z`. */
const yiqRow = (row: number) => YIQ[row].map((k, c) => `${f32(k)} * v.${'xyz'[c]}`).join(' + ');

export interface ColourVariant {
  /** 8-bit samples as stored, `channels` a pixel, four to a u32 (else three f32 planes). */
  packed: boolean;
  /** Write I and Q too. */
  colour: boolean;
  /** Write the FFT input planes (the per-stage path; the fused one reads Y). */
  fftInput: boolean;
}

/** The source (samples, or three planes), Y, the FFT input planes, and I and Q for colour. */
export const colourBindings = ({ packed, colour, fftInput }: ColourVariant): BindingDeclaration[] => [
  uniform('params', 'Params'),
  ...(packed ? [read('pixels', 'array<u32>')] : [read('red'), read('green'), read('blue')]),
  write('y'),
  ...(fftInput ? [write('fftRe'), write('fftIm')] : []),
  ...(colour ? [write('chromaI'), write('chromaQ')] : []),
];

export function colourShader(variant: ColourVariant): string {
  const { packed, colour, fftInput } = variant;
  return wgsl`
${flatIndex}
struct Params {
  inRows: u32,
  inCols: u32,
  outRows: u32,
  outCols: u32,
  factor: u32,
  lead: u32,       // floor((F − 1)/2): the box starts this far before i·F
  greyscale: u32,  // 1: Y is the first channel itself
  offset: f32,     // subtracted from Y in the FFT input
  channels: u32,   // 8-bit samples a pixel (packed source)
};
${bindingLines(colourBindings(variant))}

#if ${packed}
// Sample c of pixel \`at\`: byte at·channels + c of the stored samples.
fn sample(at: u32, c: u32) -> f32 {
  let byte = at * params.channels + c;
  return f32((pixels[byte >> 2u] >> ((byte & 3u) * 8u)) & 255u);
}
#endif

fn rgb(at: u32) -> vec3<f32> {
#if ${packed}
  let r = sample(at, 0u);
  if (params.channels < 3u) { return vec3<f32>(r, r, r); }
  return vec3<f32>(r, sample(at, 1u), sample(at, 2u));
#else
  return vec3<f32>(red[at], green[at], blue[at]);
#endif
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= params.outRows * params.outCols) { return; }
  let i = id / params.outCols;
  let j = id % params.outCols;
  let F = params.factor;
  let r0 = i32(i * F) - i32(params.lead);
  let c0 = i32(j * F) - i32(params.lead);
  var sum = vec3<f32>(0.0, 0.0, 0.0);
  for (var dr = 0; dr < i32(F); dr++) {
    let r = r0 + dr;
    if (r < 0 || r >= i32(params.inRows)) { continue; }
    for (var dc = 0; dc < i32(F); dc++) {
      let c = c0 + dc;
      if (c < 0 || c >= i32(params.inCols)) { continue; }
      let v = rgb(u32(r) * params.inCols + u32(c));
      if (params.greyscale == 1u) {
        sum.x += v.x;
      } else {
        sum += vec3<f32>(
          ${yiqRow(0)},
          ${yiqRow(1)},
          ${yiqRow(2)});
      }
    }
  }
  let yiq = sum / f32(F * F);
  y[id] = yiq.x;
#if ${fftInput}
  fftRe[id] = yiq.x - params.offset;
  fftIm[id] = 0.0;
#endif
#if ${colour}
  chromaI[id] = yiq.y;
  chromaQ[id] = yiq.z;
#endif
}
`;
}

/** Values each invocation of the range kernel scans (one pair of workgroup atomics per invocation). */
export const RANGE_VALUES_PER_INVOCATION = 64;

/**
 * Whether the downsampled Y is constant (then phase congruency is exactly zero): min and
 * max of Y through order-preserving u32 keys and atomics. range[0] = min key, range[1] = max key.
 * Each invocation scans RANGE_VALUES_PER_INVOCATION values first: atomics per value cost
 * 0.8 s per 1080p image on SwiftShader.
 */
export const rangeBindings: readonly BindingDeclaration[] = [
  uniform('count', 'u32'),
  read('values'),
  write('range', 'array<atomic<u32>, 2>'),
];

export const rangeShader = /* wgsl */ `
${bindingLines(rangeBindings)}

fn orderedKey(v: f32) -> u32 {
  let bits = bitcast<u32>(v);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

var<workgroup> lo: atomic<u32>;
var<workgroup> hi: atomic<u32>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  if (local == 0u) {
    atomicStore(&lo, 0xffffffffu);
    atomicStore(&hi, 0u);
  }
  workgroupBarrier();
  let block = (wid.x + wid.y * groups.x) * ${WORKGROUP_SIZE * RANGE_VALUES_PER_INVOCATION}u;
  var keyLo = 0xffffffffu;
  var keyHi = 0u;
  for (var k = 0u; k < ${RANGE_VALUES_PER_INVOCATION}u; k++) {
    let id = block + k * ${WORKGROUP_SIZE}u + local;
    if (id >= count) { break; }
    let key = orderedKey(values[id]);
    keyLo = min(keyLo, key);
    keyHi = max(keyHi, key);
  }
  atomicMin(&lo, keyLo);
  atomicMax(&hi, keyHi);
  workgroupBarrier();
  if (local == 0u) {
    atomicMin(&range[0], atomicLoad(&lo));
    atomicMax(&range[1], atomicLoad(&hi));
  }
}
`;
