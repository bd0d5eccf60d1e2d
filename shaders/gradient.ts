/** Scharr gradient magnitude (FSIM_SPEC.md §4): 3×3, zero padding, same size. */
import { SCHARR_X, SCHARR_Y } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

/** One guarded load and multiply-add per tap of the 3×3 kernels that is not zero in both. */
function taps(kx: readonly number[], ky: readonly number[]): string {
  const offset = (d: number) => (d === 0 ? '' : d > 0 ? ` + ${d}` : ` - ${-d}`);
  const lines: string[] = [];
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const wx = kx[a * 3 + b],
        wy = ky[a * 3 + b];
      if (wx === 0 && wy === 0) continue;
      const rr = `r${offset(1 - a)}`,
        cc = `c${offset(1 - b)}`;
      const adds = [wx !== 0 ? `gx += ${f32(wx)} * v;` : '', wy !== 0 ? `gy += ${f32(wy)} * v;` : ''].filter(Boolean).join(' ');
      lines.push(
        `  if (${rr} >= 0 && ${rr} < rows && ${cc} >= 0 && ${cc} < cols) { let v = y[u32(${rr}) * params.cols + u32(${cc})]; ${adds} }`,
      );
    }
  }
  return lines.join('\n');
}

export const gradientBindings: readonly BindingDeclaration[] = [uniform('params', 'Params'), read('y'), write('gm')];

export const gradientShader = /* wgsl */ `
${flatIndex}
struct Params { rows: u32, cols: u32 };
${bindingLines(gradientBindings)}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= params.rows * params.cols) { return; }
  let r = i32(id / params.cols);
  let c = i32(id % params.cols);
  let rows = i32(params.rows);
  let cols = i32(params.cols);
  var gx = 0.0;
  var gy = 0.0;
  // True convolution: tap (a, b) meets pixel (r + 1 − a, c + 1 − b); unrolled, zero taps left out.
${taps(SCHARR_X, SCHARR_Y)}
  gm[id] = sqrt(gx * gx + gy * gy);
}
`;
