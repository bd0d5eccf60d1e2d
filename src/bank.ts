/**
 * The frequency grid, the log-Gabor × angular filter bank and the per-size noise sums of
 * phase congruency (FSIM_SPEC.md §3). Built once per (rows, cols) in float64 and cached;
 * the CPU kernels read it directly and the GPU path uploads it. All maps are row-major in
 * DFT order (zero frequency at index 0), like the spectra they multiply.
 */
import { PC, THETA_SIGMA } from './constants.js';

export interface OrientationNoise {
  /** Σ over frequencies of the smallest-scale filter squared (EM_n). */
  readonly energyOfSmallestFilter: number;
  /** Σ_pixels Σ_s f_s², f_s = Re(IDFT2(F_so))·√n. */
  readonly sumAn2: number;
  /** Σ_pixels Σ_{i<j} f_i·f_j. */
  readonly sumAiAj: number;
}

export interface FilterBank {
  readonly rows: number;
  readonly cols: number;
  /**
   * G_s: radial log-Gabor × low-pass, zero at DC; one map per scale, of one quadrant only
   * (quadrantRows × quadrantCols): G is mirror-symmetric on both axes, and the quadrant is a
   * quarter of the memory. Entry (r, c) of the full map is quadrant entry
   * (mirrorIndex(r, rows), mirrorIndex(c, cols)); radialMap expands one.
   */
  readonly radial: readonly Float64Array[];
  readonly quadrantRows: number;
  readonly quadrantCols: number;
  /**
   * S_o: angular spread, stored as angularLayout(o) says (about two full maps for the four
   * orientations); angularRow and angularMap expand it. The filter F_so is G_s·S_o.
   */
  readonly angular: readonly Float64Array[];
  readonly noise: readonly OrientationNoise[];
}

/** The quadrant index of DFT index k of an axis of length n: k, or n − k past the middle. */
export function mirrorIndex(k: number, n: number): number {
  return k <= n >> 1 ? k : n - k;
}

/** The full rows × cols map of G_s (for the GPU path's upload, and tests). */
export function radialMap(bank: FilterBank, s: number): Float64Array {
  const { rows, cols, quadrantCols } = bank;
  const quadrant = bank.radial[s];
  const map = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const q = mirrorIndex(r, rows) * quadrantCols;
    for (let c = 0; c < cols; c++) map[r * cols + c] = quadrant[q + mirrorIndex(c, cols)];
  }
  return map;
}

/**
 * How S_o is stored. S depends on the direction of the frequency only, and the mirror
 * u → −u turns orientation angle a into π − a (v → −v turns a into −a):
 *   'upperRows':   a = 0 is symmetric in v: rows 0…⌊rows/2⌋ (quadrantRows × cols);
 *   'leftColumns': a = π/2 is symmetric in u: columns 0…⌊cols/2⌋ (rows × quadrantCols);
 *   'full':        0 < a < π/2: rows × cols;
 *   'mirror':      π/2 < a < π is the u-mirror of orientation `of` (a' = π − a): only
 *                  column 0 (rows values; at DC the direction is atan2's convention, not a
 *                  mirror) and, for an even width, the column u = −1/2 (rows more, as its
 *                  mirror +1/2 is not on the grid) are stored.
 * Mirrored entries equal the reference's to within an ulp (atan2(−v, −u) = π − atan2(−v, u)).
 */
export type AngularLayout = { readonly kind: 'upperRows' | 'leftColumns' | 'full' } | { readonly kind: 'mirror'; readonly of: number };

export function angularLayout(o: number): AngularLayout {
  const half = PC.norient / 2;
  if (o === 0) return { kind: 'upperRows' };
  if (o === half) return { kind: 'leftColumns' };
  return o < half ? { kind: 'full' } : { kind: 'mirror', of: PC.norient - o };
}

/** Row r of S_o, columns [from, to), into out[0 …]. */
export function angularRow(bank: BankMaps, o: number, r: number, from: number, to: number, out: Float64Array): void {
  const { rows, cols, quadrantCols } = bank;
  const stored = bank.angular[o];
  const layout = angularLayout(o);
  switch (layout.kind) {
    case 'full':
      out.set(stored.subarray(r * cols + from, r * cols + to));
      break;
    case 'upperRows': {
      const line = mirrorIndex(r, rows) * cols;
      out.set(stored.subarray(line + from, line + to));
      break;
    }
    case 'leftColumns':
      for (let c = from, line = r * quadrantCols; c < to; c++) out[c - from] = stored[line + mirrorIndex(c, cols)];
      break;
    case 'mirror': {
      const source = bank.angular[layout.of];
      const line = r * cols;
      const nyquist = cols % 2 === 0 ? cols >> 1 : -1;
      for (let c = from; c < to; c++) {
        out[c - from] = c === 0 ? stored[r] : c === nyquist ? stored[rows + r] : source[line + cols - c];
      }
      break;
    }
  }
}

/** The full rows × cols map of S_o (for the GPU paths' uploads, in float32 there, and tests). */
export function angularMap(bank: BankMaps, o: number): Float64Array;
export function angularMap(bank: BankMaps, o: number, type: Float32ArrayConstructor): Float32Array<ArrayBuffer>;
export function angularMap(
  bank: BankMaps,
  o: number,
  type: Float64ArrayConstructor | Float32ArrayConstructor = Float64Array,
): Float64Array | Float32Array {
  const { rows, cols } = bank;
  const map = new type(rows * cols);
  // Row by row through one float64 row: a float32 map needs no full float64 map on the way (70 MB at 4K).
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    angularRow(bank, o, r, 0, cols, row);
    map.set(row, r * cols);
  }
  return map;
}

/** Allocates a Float64Array that worker threads can share where the platform allows it. */
export function sharedFloat64(length: number): Float64Array {
  const bytes = length * Float64Array.BYTES_PER_ELEMENT;
  return typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(bytes))
    : new Float64Array(bytes / Float64Array.BYTES_PER_ELEMENT);
}

/**
 * Frequencies of one axis in DFT order, as phasecong2 builds them: centred
 * (−n/2 … n/2−1)/n for even n, (−(n−1)/2 … (n−1)/2)/(n−1) for odd n, then ifftshift-ed.
 */
export function axisFrequencies(n: number): Float64Array {
  const half = Math.floor(n / 2);
  const denominator = n % 2 === 0 ? n : n - 1;
  const f = new Float64Array(n);
  for (let k = 0; k < n; k++) f[k] = (((k + half) % n) - half) / denominator;
  return f;
}

/**
 * The radial part's constants (FSIM_SPEC.md §3): G_s = exp(−(ln r − logCentre[s])² / logSpread) · lp,
 * with logCentre[s] = ln fo_s = ln(1 / (minWaveLength · mult^s)) and logSpread = 2·(ln σ_onf)².
 * Both paths' kernels take them from here (the GPU's as f32 literals).
 */
export const RADIAL = {
  logCentre: Array.from({ length: PC.nscale }, (_, s) => Math.log(1 / (PC.minWaveLength * PC.mult ** s))),
  logSpread: 2 * Math.log(PC.sigmaOnf) ** 2,
} as const;

/**
 * The angular part's constants: S_o = exp(−dθ² / spread) with spread = 2·thetaSigma², dθ the
 * angle between a frequency's direction and angles[o] = o·π/norient.
 */
export const ANGULAR = {
  spread: 2 * THETA_SIGMA * THETA_SIGMA,
  angles: Array.from({ length: PC.norient }, (_, o) => (o * Math.PI) / PC.norient),
} as const;

/** A bank whose maps are allocated (shareable) but not yet filled, and whose noise sums are not known. */
export type BankMaps = Omit<FilterBank, 'noise'>;

export function bankMaps(rows: number, cols: number): BankMaps {
  const quadrantRows = (rows >> 1) + 1,
    quadrantCols = (cols >> 1) + 1;
  return {
    rows,
    cols,
    quadrantRows,
    quadrantCols,
    radial: Array.from({ length: PC.nscale }, () => sharedFloat64(quadrantRows * quadrantCols)),
    angular: Array.from({ length: PC.norient }, (_, o) =>
      sharedFloat64(angularLength(rows, cols, quadrantRows, quadrantCols, angularLayout(o))),
    ),
  };
}

/** The values angularLayout stores. */
function angularLength(rows: number, cols: number, quadrantRows: number, quadrantCols: number, layout: AngularLayout): number {
  switch (layout.kind) {
    case 'full':
      return rows * cols;
    case 'upperRows':
      return quadrantRows * cols;
    case 'leftColumns':
      return rows * quadrantCols;
    case 'mirror':
      return cols % 2 === 0 ? 2 * rows : rows;
  }
}

/**
 * The bank is built in row ranges so that threads can share it (the CPU path's tasks);
 * filterBank() runs the same ranges in one go. First the radial quadrant and the angular maps
 * (any ranges, in any order), then the noise sums in NOISE_CHUNK_ROWS-row chunks, added in
 * chunk order whoever computed them: the same bank, bit for bit, on any thread count.
 */
function buildBank(rows: number, cols: number): FilterBank {
  const maps = bankMaps(rows, cols);
  fillRadial(maps, 0, maps.quadrantRows);
  fillAngular(maps, 0, rows);
  const chunks = noiseChunkCount(rows);
  const partial = new Float64Array(chunks * NOISE_SUMS_PER_CHUNK);
  fillNoiseChunks(maps, 0, chunks, partial);
  return { ...maps, noise: addNoiseChunks(partial) };
}

// Radial and angular parts are separate functions so that V8 optimises each loop as it gets
// hot (a cold start's largest cost at small sizes).

/**
 * G_s for every scale on quadrant rows [from, to) of 0…⌊rows/2⌋ × 0…⌊cols/2⌋: radial
 * log-Gabor × low-pass, zero at DC. G depends on |frequency| only, and both axes are
 * mirror-symmetric (f[k] = −f[n−k] exactly), so the quadrant holds every value.
 */
export function fillRadial(bank: BankMaps, from: number, to: number): void {
  const { rows, cols, quadrantCols, radial } = bank;
  const u = axisFrequencies(cols),
    v = axisFrequencies(rows);
  const { logCentre, logSpread } = RADIAL;
  for (let r = from; r < to; r++) {
    for (let c = 0; c < quadrantCols; c++) {
      const radius = r === 0 && c === 0 ? 1 : Math.sqrt(u[c] * u[c] + v[r] * v[r]);
      const lowpass = 1 / (1 + (radius / PC.lowpassCutoff) ** (2 * PC.lowpassOrder));
      const logRadius = Math.log(radius);
      for (let s = 0; s < PC.nscale; s++) {
        const l = logRadius - logCentre[s];
        radial[s][r * quadrantCols + c] = r === 0 && c === 0 ? 0 : Math.exp(-(l * l) / logSpread) * lowpass;
      }
    }
  }
}

/**
 * The stored part of S_o (angularLayout) for every orientation, rows [from, to): dθ = |θ − angle|
 * wrapped to [0, π] — the angle the reference gets from atan2(sinθ·cos a − cosθ·sin a,
 * cosθ·cos a + sinθ·sin a), without three trig calls.
 */
export function fillAngular(bank: BankMaps, from: number, to: number): void {
  const { rows, cols, quadrantRows, quadrantCols, angular } = bank;
  const u = axisFrequencies(cols),
    v = axisFrequencies(rows);
  const theta = new Float64Array(cols);
  const nyquist = cols % 2 === 0 ? cols >> 1 : -1;
  for (let r = from; r < to; r++) {
    for (let c = 0; c < cols; c++) theta[c] = Math.atan2(-v[r], u[c]);
    for (let o = 0; o < PC.norient; o++) {
      const angle = ANGULAR.angles[o];
      const stored = angular[o];
      const layout = angularLayout(o);
      if (layout.kind === 'full') spreadRun(theta, 0, cols, angle, stored, r * cols);
      else if (layout.kind === 'upperRows') {
        if (r < quadrantRows) spreadRun(theta, 0, cols, angle, stored, r * cols);
      } else if (layout.kind === 'leftColumns') spreadRun(theta, 0, quadrantCols, angle, stored, r * quadrantCols);
      else {
        spreadRun(theta, 0, 1, angle, stored, r);
        if (nyquist > 0) spreadRun(theta, nyquist, nyquist + 1, angle, stored, rows + r);
      }
    }
  }
}

/** stored[at + c − from] = S(θ[c]) for c in [from, to), the spread around `angle`. */
function spreadRun(theta: Float64Array, from: number, to: number, angle: number, stored: Float64Array, at: number): void {
  const { spread } = ANGULAR;
  for (let c = from; c < to; c++) {
    let d = Math.abs(theta[c] - angle);
    if (d > Math.PI) d = 2 * Math.PI - d;
    stored[at + c - from] = Math.exp(-(d * d) / spread);
  }
}

/** Rows per chunk of the noise sums. */
export const NOISE_CHUNK_ROWS = 16;
/** Values per chunk: Σ energy of the smallest filter, Σ An², Σ AiAj, per orientation. */
export const NOISE_SUMS_PER_CHUNK = 3 * PC.norient;

export function noiseChunkCount(rows: number): number {
  return Math.ceil(rows / NOISE_CHUNK_ROWS);
}

/**
 * The noise sums by Parseval's theorem instead of 16 inverse FFTs per size:
 * Re(IDFT2(F)) is the IDFT2 of the even part F_e(k) = (F(k) + F(−k))/2 (F is real), so
 * Σ_x f_i(x)·f_j(x) = n·(1/n)·Σ_k F_e,i(k)·F_e,j(k). The radial part is even already, so
 * F_e,s = G_s·S_e with S_e = (S_o(k) + S_o(−k))/2, and the scale sums factor out.
 * Chunks [from, to) into out[NOISE_SUMS_PER_CHUNK·k …]; they read mirrored rows of the angular
 * maps, so every angular row must be filled first.
 */
export function fillNoiseChunks(bank: BankMaps, from: number, to: number, out: Float64Array): void {
  const { rows, cols, radial, quadrantCols } = bank;
  // Row r and its mirror row of every S_o, expanded (angularRow); the radial sums of a
  // quadrant row, which serve two rows and both halves of each.
  const here = Array.from({ length: PC.norient }, () => new Float64Array(cols));
  const there = Array.from({ length: PC.norient }, () => new Float64Array(cols));
  const squares = new Float64Array(quadrantCols),
    products = new Float64Array(quadrantCols);
  for (let k = from; k < to; k++) {
    const at = k * NOISE_SUMS_PER_CHUNK;
    for (let r = k * NOISE_CHUNK_ROWS, end = Math.min(rows, (k + 1) * NOISE_CHUNK_ROWS); r < end; r++) {
      for (let o = 0; o < PC.norient; o++) {
        angularRow(bank, o, r, 0, cols, here[o]);
        angularRow(bank, o, r === 0 ? 0 : rows - r, 0, cols, there[o]);
      }
      const qr = mirrorIndex(r, rows) * quadrantCols;
      radialSums(radial, qr, quadrantCols, squares, products);
      noiseRow(radial[0], qr, cols, squares, products, here, there, out, at);
    }
  }
}

/** Σ_s G_s² and Σ_{a<b} G_a·G_b along one quadrant row. */
function radialSums(
  radial: readonly Float64Array[],
  qr: number,
  quadrantCols: number,
  squares: Float64Array,
  products: Float64Array,
): void {
  for (let qc = 0; qc < quadrantCols; qc++) {
    const q = qr + qc;
    let sq = 0,
      pr = 0;
    for (let a = 0; a < PC.nscale; a++) {
      const ga = radial[a][q];
      sq += ga * ga;
      for (let b = a + 1; b < PC.nscale; b++) pr += ga * radial[b][q];
    }
    squares[qc] = sq;
    products[qc] = pr;
  }
}

/**
 * One row's terms of the noise sums, added into out[at …] in column order: the twelve sums
 * (four orientations) held in locals across the row, written back after it.
 */
function noiseRow(
  g0: Float64Array,
  qr: number,
  cols: number,
  squares: Float64Array,
  products: Float64Array,
  here: Float64Array[],
  there: Float64Array[],
  out: Float64Array,
  at: number,
): void {
  const [h0, h1, h2, h3] = here;
  const [t0, t1, t2, t3] = there;
  let e0 = out[at],
    e1 = out[at + 1],
    e2 = out[at + 2],
    e3 = out[at + 3];
  let a0 = out[at + 4],
    a1 = out[at + 5],
    a2 = out[at + 6],
    a3 = out[at + 7];
  let p0 = out[at + 8],
    p1 = out[at + 9],
    p2 = out[at + 10],
    p3 = out[at + 11];
  for (let c = 0; c < cols; c++) {
    const mirror = c === 0 ? 0 : cols - c;
    const qc = mirrorIndex(c, cols);
    const g = g0[qr + qc],
      sq = squares[qc],
      pr = products[qc];
    let spread = h0[c],
      even = (spread + t0[mirror]) / 2,
      f = g * spread;
    e0 += f * f;
    a0 += even * even * sq;
    p0 += even * even * pr;
    spread = h1[c];
    even = (spread + t1[mirror]) / 2;
    f = g * spread;
    e1 += f * f;
    a1 += even * even * sq;
    p1 += even * even * pr;
    spread = h2[c];
    even = (spread + t2[mirror]) / 2;
    f = g * spread;
    e2 += f * f;
    a2 += even * even * sq;
    p2 += even * even * pr;
    spread = h3[c];
    even = (spread + t3[mirror]) / 2;
    f = g * spread;
    e3 += f * f;
    a3 += even * even * sq;
    p3 += even * even * pr;
  }
  out.set([e0, e1, e2, e3, a0, a1, a2, a3, p0, p1, p2, p3], at);
}

/** The chunks' noise sums added in chunk order. */
export function addNoiseChunks(partial: Float64Array): OrientationNoise[] {
  const n = PC.norient;
  return Array.from({ length: n }, (_, o) => {
    let energy = 0,
      sumAn2 = 0,
      sumAiAj = 0;
    for (let at = 0; at < partial.length; at += NOISE_SUMS_PER_CHUNK) {
      energy += partial[at + o];
      sumAn2 += partial[at + n + o];
      sumAiAj += partial[at + 2 * n + o];
    }
    return { energyOfSmallestFilter: energy, sumAn2, sumAiAj };
  });
}

const bankCache = new Map<string, FilterBank>();
const BANK_CACHE_LIMIT = 4;

/** The cached bank of this size, if any (most recently used first). */
export function cachedFilterBank(rows: number, cols: number): FilterBank | undefined {
  const key = `${rows}x${cols}`;
  const bank = bankCache.get(key);
  if (bank) {
    bankCache.delete(key);
    bankCache.set(key, bank);
  }
  return bank;
}

/** Keeps a bank built elsewhere (the CPU path's threads) in the cache. */
export function cacheFilterBank(bank: FilterBank): FilterBank {
  if (bankCache.size >= BANK_CACHE_LIMIT) bankCache.delete(bankCache.keys().next().value!);
  bankCache.set(`${bank.rows}x${bank.cols}`, bank);
  return bank;
}

/** Empties the bank cache (benchmarks that time building a bank). */
export function clearFilterBanks(): void {
  bankCache.clear();
}

/** The filter bank for a rows × cols spectrum (least-recently-used cache of a few sizes). */
export function filterBank(rows: number, cols: number): FilterBank {
  return cachedFilterBank(rows, cols) ?? cacheFilterBank(buildBank(rows, cols));
}

/** The noise threshold T of one orientation from the median of |EO_0o|² (FSIM_SPEC.md §3 step 4). */
export function noiseThreshold(noise: OrientationNoise, medianOfSmallestScaleEnergy: number): number {
  const meanE2n = -medianOfSmallestScaleEnergy / Math.log(0.5);
  const noisePower = meanE2n / noise.energyOfSmallestFilter;
  const estNoiseEnergy2 = 2 * noisePower * noise.sumAn2 + 4 * noisePower * noise.sumAiAj;
  const tau = Math.sqrt(estNoiseEnergy2 / 2);
  const estNoiseEnergy = tau * Math.sqrt(Math.PI / 2);
  const estNoiseEnergySigma = Math.sqrt((2 - Math.PI / 2) * tau * tau);
  return (estNoiseEnergy + PC.k * estNoiseEnergySigma) / PC.noiseFudge;
}
