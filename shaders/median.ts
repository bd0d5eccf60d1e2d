/**
 * Exact median of a non-negative f32 map by radix selection on its bit patterns (which
 * order like the values): three passes of 11, 11 and 10 bits. Each pass histograms the
 * values whose already-decided high bits match the prefix, then `select` walks the
 * histogram to the bin holding the wanted rank. Both middle ranks (equal for odd counts)
 * are selected at once; no approximation anywhere.
 * selection = [prefix₀, rank₀, prefix₁, rank₁]; after the last pass prefix is the value.
 */
import { type BindingDeclaration, bindingLines, read, uniform, write } from './bindings.js';
import { WORKGROUP_SIZE, flatIndex } from './common.js';

export const BINS = 2048;
/**
 * Values each invocation histograms. Every workgroup clears and flushes 2·BINS shared bins,
 * so it must see many values for that to pay: at 256 a workgroup covers 65,536 values
 * (130 workgroups at 4K, about one per SM on a large GPU). Measured on SwiftShader at
 * 1080p: 830 ms per pass at 16, 110 ms at 256.
 */
export const VALUES_PER_INVOCATION = 256;

/** [shift, bits] of each pass, high bits first. */
export const RADIX_PASSES: readonly [number, number][] = [
  [21, 11],
  [10, 11],
  [0, 10],
];

/**
 * The uniform of radix pass `pass` over maps of n values (uniformData's field list):
 * `blocksPerMap` only matters to histogramShaderFor(maps > 1).
 */
export function radixPassFields(n: number, pass: number, blocksPerMap = 0): [type: 'u32', value: number][] {
  const [shift, bits] = RADIX_PASSES[pass];
  return [
    ['u32', n],
    ['u32', shift],
    ['u32', bits],
    ['u32', pass],
    ['u32', (n - 1) >> 1], // the two middle ranks (equal for odd n)
    ['u32', n >> 1],
    ['u32', blocksPerMap],
  ];
}

const params = /* wgsl */ `
struct Params {
  count: u32,
  shift: u32,
  bits: u32,
  radixPass: u32,
  rank0: u32,   // ranks for pass 0 (later passes carry them in selection)
  rank1: u32,
  blocksPerMap: u32, // histogramShaderFor(maps > 1): workgroups per map
};
`;
const paramsBinding = uniform('params', 'Params');

/** The names histogramShaderFor(maps) binds its maps by: `values`, or values0…values{maps−1}. */
export const histogramMapNames = (maps: number): string[] =>
  maps === 1 ? ['values'] : Array.from({ length: maps }, (_, m) => `values${m}`);

export const histogramBindings = (maps: number): BindingDeclaration[] => [
  paramsBinding,
  ...histogramMapNames(maps).map((name) => read(name)),
  read('selection', 'array<u32>'),
  write('histogram', 'array<atomic<u32>>'),
];

export const selectBindings: readonly BindingDeclaration[] = [
  paramsBinding,
  write('selection', 'array<u32>'),
  write('histogram', 'array<u32>'),
];

/**
 * The histogram pass over `maps` maps of params.count values at once (the fused path's four
 * orientations: map m is bound as values{m}, its blocks follow map m − 1's, its two
 * selections are selection[4m…4m+3] and its bins histogram[2m·BINS…]). One map binds `values`.
 */
export function histogramShaderFor(maps: number): string {
  const names = histogramMapNames(maps);
  const valueFunction =
    maps === 1
      ? 'fn value(m: u32, id: u32) -> f32 { return values[id]; }'
      : `fn value(m: u32, id: u32) -> f32 {
  switch m {
    ${names
      .slice(0, -1)
      .map((name, m) => `case ${m}u: { return ${name}[id]; }`)
      .join('\n    ')}
    default: { return ${names[maps - 1]}[id]; }
  }
}`;
  return /* wgsl */ `
${flatIndex}
${params}
${bindingLines(histogramBindings(maps))}

var<workgroup> localBins: array<atomic<u32>, ${2 * BINS}>;
${valueFunction}

fn matches(key: u32, prefix: u32) -> bool {
  if (params.radixPass == 0u) { return true; }
  let high = params.shift + params.bits;
  return (key >> high) == (prefix >> high);
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  for (var b = lid; b < ${2 * BINS}u; b += ${WORKGROUP_SIZE}u) { atomicStore(&localBins[b], 0u); }
  workgroupBarrier();
  let flat = wid.x + wid.y * groups.x;
  let m = ${maps === 1 ? '0u' : 'flat / params.blocksPerMap'};
  let block = ${maps === 1 ? 'flat' : 'flat % params.blocksPerMap'};
  let mask = (1u << params.bits) - 1u;
  let prefix0 = selection[4u * m];
  let prefix1 = selection[4u * m + 2u];
  // Both middle ranks under one prefix (always in the first pass, and mostly after it):
  // their two histograms are the same, so count once and flush the bins twice.
  let same = params.radixPass == 0u || matches(prefix1, prefix0);
  if (m < ${maps}u) {
    for (var k = 0u; k < ${VALUES_PER_INVOCATION}u; k++) {
      let id = block * ${WORKGROUP_SIZE * VALUES_PER_INVOCATION}u + k * ${WORKGROUP_SIZE}u + lid;
      if (id >= params.count) { break; }
      let key = bitcast<u32>(value(m, id));
      let bin = (key >> params.shift) & mask;
      if (matches(key, prefix0)) { atomicAdd(&localBins[bin], 1u); }
      if (!same && matches(key, prefix1)) { atomicAdd(&localBins[${BINS}u + bin], 1u); }
    }
  }
  workgroupBarrier();
  for (var b = lid; b < ${2 * BINS}u; b += ${WORKGROUP_SIZE}u) {
    let c = atomicLoad(&localBins[select(b, b - ${BINS}u, same && b >= ${BINS}u)]);
    if (c != 0u) { atomicAdd(&histogram[2u * m * ${BINS}u + b], c); }
  }
}
`;
}

/** Workgroups of the select kernel for one map: one per middle rank (2·maps for several). */
export const SELECT_GROUPS = 2;
/** Bins each select invocation sums: the workgroup covers BINS together. */
const BINS_PER_INVOCATION = BINS / WORKGROUP_SIZE;

/**
 * One workgroup per rank (workgroup r takes rank r mod 2 of map r div 2): each invocation sums BINS_PER_INVOCATION
 * adjacent bins (zeroing them for the next pass), an exclusive prefix sum over the workgroup
 * says how many values lie below each invocation's bins, and the one invocation whose bins
 * hold the rank walks them to the bin, narrows the prefix and the rank. Exact, like the
 * serial walk it replaces, in log₂(WORKGROUP_SIZE) barrier steps instead of BINS serial ones.
 */
export const selectShader = /* wgsl */ `
${params}
${bindingLines(selectBindings)}

var<workgroup> below: array<u32, ${WORKGROUP_SIZE}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x;
  var prefix = 0u;
  var rank = select(params.rank0, params.rank1, (r & 1u) == 1u);
  if (params.radixPass > 0u) {
    prefix = selection[2u * r];
    rank = selection[2u * r + 1u];
  }
  let size = 1u << params.bits;
  let first = t * ${BINS_PER_INVOCATION}u;
  var counts: array<u32, ${BINS_PER_INVOCATION}>;
  var mine = 0u;
  for (var k = 0u; k < ${BINS_PER_INVOCATION}u; k++) {
    var c = 0u;
    if (first + k < size) {
      c = histogram[r * ${BINS}u + first + k];
      histogram[r * ${BINS}u + first + k] = 0u;
    }
    counts[k] = c;
    mine += c;
  }
  // Inclusive scan (Hillis–Steele), then this invocation's exclusive offset.
  below[t] = mine;
  workgroupBarrier();
  for (var span = 1u; span < ${WORKGROUP_SIZE}u; span <<= 1u) {
    var add = 0u;
    if (t >= span) { add = below[t - span]; }
    workgroupBarrier();
    below[t] += add;
    workgroupBarrier();
  }
  var offset = below[t] - mine;
  if (mine > 0u && offset <= rank && rank < offset + mine) {
    for (var k = 0u; k < ${BINS_PER_INVOCATION}u; k++) {
      if (rank < offset + counts[k]) {
        selection[2u * r] = prefix | ((first + k) << params.shift);
        selection[2u * r + 1u] = rank - offset;
        break;
      }
      offset += counts[k];
    }
  }
}
`;
