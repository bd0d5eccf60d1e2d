/**
 * Phase congruency on the GPU (FSIM_SPEC.md §3), per orientation o:
 *   filter      X = IM · G_s · S_o                         (then a 2-D inverse FFT → EO_so)
 *   accumulate  sumE, sumO += EO_so / n; anAll += |EO_so|/n; s = 0 also keeps |EO_0o|²
 *   energy      Energy_o += E·MeanE + O·MeanO − |E·MeanO − O·MeanE|   (after all scales)
 *   threshold   energyAll += max(Energy_o − T, 0), T from the exact median of |EO_0o|²
 *   finish      PC = energyAll / anAll (0 where anAll = 0 or the image is flat)
 * Split so that no kernel binds more than the default 8 storage buffers.
 */
import { PC } from '../src/constants.js';
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, f32, flatIndex } from './common.js';

const main = `@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= params.count) { return; }`;

const params = /* wgsl */ `
struct Params {
  count: u32,
  first: u32,      // 1: overwrite instead of accumulate
  inverseN: f32,   // 1/n: the inverse FFT is unnormalised
  firstScale: u32, // accumulate: 1 for s = 0
};
`;
const paramsBinding = uniform('params', 'Params');

export const filterBindings: readonly BindingDeclaration[] = [
  uniform('params', 'FilterParams'),
  read('spectrumRe'),
  read('spectrumIm'),
  read('radial', 'array<vec4<f32>>'),
  read('angular'),
  write('outRe'),
  write('outIm'),
];
export const accumulateBindings: readonly BindingDeclaration[] = [
  paramsBinding,
  read('eoRe'),
  read('eoIm'),
  write('sumE'),
  write('sumO'),
  write('amplitudeAll'),
  write('smallestScaleEnergy'),
];
export const energyBindings: readonly BindingDeclaration[] = [
  paramsBinding,
  read('eoRe'),
  read('eoIm'),
  read('sumE'),
  read('sumO'),
  write('energy'),
];
export const thresholdBindings: readonly BindingDeclaration[] = [
  paramsBinding,
  read('energy'),
  read('selection', 'array<u32>'),
  write('energyAll'),
];
export const finishBindings: readonly BindingDeclaration[] = [
  paramsBinding,
  read('energyAll'),
  read('amplitudeAll'),
  read('range', 'array<u32>'),
  write('pc'),
];

/**
 * X = IM · G_s · S_o. `radial` is the filter bank's quadrant (src/gpu/filterBank.ts: G_0…G_3
 * of entry (mirror(row), mirror(col)) as one vec4), `angular` S_o over the full grid.
 */
export const filterShader = /* wgsl */ `
${flatIndex}
struct FilterParams {
  count: u32,
  rows: u32,
  cols: u32,
  scale: u32,
};
${bindingLines(filterBindings)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = flatIndex(gid, groups);
  if (id >= params.count) { return; }
  let row = id / params.cols;
  let col = id % params.cols;
  let qr = select(params.rows - row, row, row <= params.rows / 2u);
  let qc = select(params.cols - col, col, col <= params.cols / 2u);
  let gain = radial[qr * (params.cols / 2u + 1u) + qc][params.scale] * angular[id];
  outRe[id] = spectrumRe[id] * gain;
  outIm[id] = spectrumIm[id] * gain;
}
`;

export const accumulateShader = /* wgsl */ `
${flatIndex}
${params}
${bindingLines(accumulateBindings)}
${main}
  let e = eoRe[id] * params.inverseN;
  let o = eoIm[id] * params.inverseN;
  let amplitude = sqrt(e * e + o * o);
  if (params.firstScale == 1u) {
    sumE[id] = e;
    sumO[id] = o;
    smallestScaleEnergy[id] = e * e + o * o;
  } else {
    sumE[id] += e;
    sumO[id] += o;
  }
  if (params.first == 1u) { amplitudeAll[id] = amplitude; } else { amplitudeAll[id] += amplitude; }
}
`;

export const energyShader = /* wgsl */ `
${flatIndex}
${params}
${bindingLines(energyBindings)}
${main}
  let e = eoRe[id] * params.inverseN;
  let o = eoIm[id] * params.inverseN;
  let se = sumE[id];
  let so = sumO[id];
  let x = sqrt(se * se + so * so) + ${f32(PC.epsilon)};
  let meanE = se / x;
  let meanO = so / x;
  let term = e * meanE + o * meanO - abs(e * meanO - o * meanE);
  if (params.firstScale == 1u) { energy[id] = term; } else { energy[id] += term; }
}
`;

/** WGSL: the noise threshold T of one orientation from the median of |EO_0o|² (FSIM_SPEC.md §3 step 4). */
export const noiseThresholdFunction = /* wgsl */ `
fn noiseThreshold(median: f32, energyOfSmallestFilter: f32, sumAn2: f32, sumAiAj: f32) -> f32 {
  let meanE2n = -median / ${f32(Math.log(0.5))};
  let noisePower = meanE2n / energyOfSmallestFilter;
  let estNoiseEnergy2 = 2.0 * noisePower * sumAn2 + 4.0 * noisePower * sumAiAj;
  let tau = sqrt(estNoiseEnergy2 / 2.0);
  let estNoiseEnergy = tau * ${f32(Math.sqrt(Math.PI / 2))};
  let estNoiseEnergySigma = sqrt(${f32(2 - Math.PI / 2)} * tau * tau);
  return (estNoiseEnergy + ${f32(PC.k)} * estNoiseEnergySigma) / ${f32(PC.noiseFudge)};
}
`;

/** T from the median (FSIM_SPEC.md §3 step 4), then energyAll (+)= max(Energy_o − T, 0). */
export const thresholdShader = /* wgsl */ `
${flatIndex}
struct Params {
  count: u32,
  first: u32,
  // energyOfSmallestFilter, sumAn2, sumAiAj, unused: copied from the filter bank's noise sums.
  noise: vec4<f32>,
};
${bindingLines(thresholdBindings)}

fn threshold() -> f32 {
  // selection: [prefix, rank] for the lower and the upper middle value (see median.ts).
  let median = (bitcast<f32>(selection[0]) + bitcast<f32>(selection[2])) * 0.5;
  return noiseThreshold(median, params.noise.x, params.noise.y, params.noise.z);
}
${noiseThresholdFunction}

${main}
  let kept = max(energy[id] - threshold(), 0.0);
  if (params.first == 1u) { energyAll[id] = kept; } else { energyAll[id] += kept; }
}
`;

export const finishShader = /* wgsl */ `
${flatIndex}
${params}
${bindingLines(finishBindings)}
${main}
  let amplitude = amplitudeAll[id];
  // A constant image has no features (its filtered spectrum is exactly zero); f32 FFT
  // noise must not turn into congruency. Zero amplitude likewise means no feature.
  let isFlat = range[0] == range[1];
  pc[id] = select(energyAll[id] / amplitude, 0.0, isFlat || amplitude <= 0.0);
}
`;
