/** Scharr gradient magnitude (FSIM_SPEC.md §4): 3×3, zero padding, same size. */
import { SCHARR_X, SCHARR_Y } from '../src/constants.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

const kernel = (k: number[]) => k.map(f32).join(', ');

export const gradientShader = /* wgsl */ `
${flatIndex}
struct Params { rows: u32, cols: u32 };
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> gm: array<f32>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= params.rows * params.cols) { return; }
  let r = i32(id / params.cols);
  let c = i32(id % params.cols);
  var kx = array<f32, 9>(${kernel(SCHARR_X)});
  var ky = array<f32, 9>(${kernel(SCHARR_Y)});
  var gx = 0.0;
  var gy = 0.0;
  // True convolution: tap (a, b) meets pixel (r + 1 − a, c + 1 − b).
  for (var a = 0; a < 3; a++) {
    let rr = r + 1 - a;
    if (rr < 0 || rr >= i32(params.rows)) { continue; }
    for (var b = 0; b < 3; b++) {
      let cc = c + 1 - b;
      if (cc < 0 || cc >= i32(params.cols)) { continue; }
      let v = y[u32(rr) * params.cols + u32(cc)];
      gx += kx[a * 3 + b] * v;
      gy += ky[a * 3 + b] * v;
    }
  }
  gm[id] = sqrt(gx * gx + gy * gy);
}
`;
