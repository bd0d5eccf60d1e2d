/**
 * A whole 1-D transform held in registers, generated as straight-line WGSL for one length.
 * Each invocation of a workgroup of `threads` keeps the butterflies it owns in named
 * variables; between Stockham stages the values go through workgroup memory once (the
 * exchange), so a transform reads global memory once and writes it once, and the caller
 * supplies both ends: `load` is the prologue (a filter multiply, a plane pair, a strided
 * column) and the outputs are left in registers for the epilogue (a store, or the
 * phase-congruency sums of four scales). Nothing is indexed at run time but the exchange
 * array, so no private array spills to memory.
 *
 * The exchange is 'joint' (one vec2<f32> per element, 8·n bytes, two barriers per stage) or,
 * where that does not fit the workgroup storage, 'split' (real parts, then imaginary parts
 * through one f32 per element: 4·n bytes, four barriers per stage). A 3640-point row thus
 * fits the default 16 KiB and a 7680-point one NVIDIA's 48 KiB.
 *
 * A workgroup may run `lanes` transforms side by side (adjacent columns of a map): invocation
 * `lid` is thread lid / lanes of transform lid % lanes, and element i of a transform sits at
 * i·lanes + lane of the exchange. Neighbouring invocations then load neighbouring columns of
 * one row (a 32-byte sector of four complex values, where one column per workgroup used 8 of
 * its bytes), and read neighbouring words of the exchange.
 *
 * Indices follow src/fft/plan.ts (Stockham, decimation in time): stage t with radix R and
 * stride Ns reads x[j + r·n/R] for butterfly j, multiplies by the plan's float64 twiddles
 * (rounded once to f32, read from `twiddles`), and writes y[(j − j mod Ns)·R + j mod Ns + q·Ns].
 *
 * A length with a prime factor above 13 (shape.bluestein) is Bluestein's chirp-z transform on
 * the plan's smooth length m ≥ 2n − 1, as src/fft/plan.ts builds it: the prologue's values
 * times the chirp (zero past n) → DFT_m in registers → times the kernel spectrum, swapped,
 * through the exchange → DFT_m again (the inverse as swap ∘ DFT ∘ swap) → swapped back, times
 * the chirp and 1/m. Chirp and kernel spectrum sit in the twiddle table after the stages'
 * twiddles. Outputs past n carry a guard. Needs the joint exchange (one complex value a slot).
 */
import { f32 } from './common.js';
import { dftCode } from './fft.js';

export interface RegisterStage {
  radix: number;
  stride: number;
  /** Where this stage's twiddles start in the twiddle table (in complex values). */
  twiddleOffset: number;
}

export type Exchange = 'joint' | 'split';

export interface RegisterFftShape {
  /** The length transformed in registers (Bluestein's m where shape.bluestein is set). */
  n: number;
  stages: readonly RegisterStage[];
  /** Invocations per transform. */
  threads: number;
  exchange: Exchange;
  /** Transforms per workgroup (adjacent columns); the workgroup has threads · lanes invocations. */
  lanes: number;
  /** A line of `n` < shape.n elements by Bluestein's algorithm; offsets (complex values) into the twiddle table. */
  bluestein?: BluesteinShape;
}

export interface BluesteinShape {
  /** The line's length. */
  n: number;
  /** chirp[k], k < n, starts here. */
  chirp: number;
  /** The kernel spectrum (shape.n values) starts here. */
  kernel: number;
}

/** Invocations per transform: one per butterfly of the widest stage (whole warps), at most `max`. */
export function registerThreads(n: number, stages: readonly { radix: number }[], max = 256): number {
  const widest = Math.max(...stages.map((st) => n / st.radix));
  return Math.min(max, Math.max(32, Math.ceil(widest / 32) * 32));
}

/** The exchange that fits `storage` bytes of workgroup memory, or null (too long for one workgroup). */
export function exchangeFor(n: number, storage: number): Exchange | null {
  if (8 * n <= storage) return 'joint';
  if (4 * n <= storage) return 'split';
  return null;
}

/**
 * Transforms per workgroup for lines of length n (columns; rows are contiguous already): the
 * most of 4, 2, 1, up to `most`, whose exchanges fit `storage` together and whose invocations
 * fit `maxInvocations` (at least 32 each), with the exchange that fits; null if not even one
 * fits. Four complex values fill a 32-byte sector, so four is where coalescing stops paying.
 */
export function lanesFor(
  n: number,
  storage: number,
  maxInvocations: number,
  most = 4,
  jointOnly = false,
): { lanes: number; exchange: Exchange } | null {
  for (const lanes of [4, 2, 1].filter((l) => l <= most)) {
    const exchange = exchangeFor(n, Math.floor(storage / lanes));
    if (exchange && (exchange === 'joint' || !jointOnly) && 32 * lanes <= maxInvocations) return { lanes, exchange };
  }
  return null;
}

/** The WGSL declaration of the exchange array (one per workgroup; its transforms interleave in it). */
export function exchangeDeclaration(shape: RegisterFftShape, name = 'exchange'): string {
  return `var<workgroup> ${name}: array<${shape.exchange === 'joint' ? 'vec2<f32>' : 'f32'}, ${shape.n * shape.lanes}>;`;
}

export interface RegisterFftCode {
  /** Statements for the function body (top level: they contain barriers). */
  lines: string[];
  /**
   * The last stage's outputs: value expression and element index, per butterfly slot, with a
   * guard where only some of the slot's values are elements of the line (Bluestein).
   */
  outputs: { slot: number; guard: string | null; values: { value: string; index: string; guard?: string }[] }[];
}

interface Options {
  /** Distinguishes the variables of several transforms in one function. */
  prefix: string;
  /** WGSL vec2<f32> expression for input element `index` (a u32 expression). */
  load: (index: string) => string;
  /** This invocation's thread within its transform (u32): lid, or lid / lanes. */
  lid?: string;
  /** This invocation's transform within the workgroup (u32), where shape.lanes > 1. */
  lane?: string;
  twiddles?: string;
  exchange?: string;
  /** `load` reads the exchange: a barrier before the second stage first writes it. */
  loadsFromExchange?: boolean;
}

const u = (value: number) => `${value}u`;

/** Element `index` (a u32 expression) of this invocation's transform in the exchange array. */
function exchangeElement(shape: RegisterFftShape, exchangeArray: string, lane: string, index: string): string {
  return shape.lanes === 1 ? `${exchangeArray}[${index}]` : `${exchangeArray}[(${index}) * ${u(shape.lanes)} + ${lane}]`;
}

/**
 * The block of butterfly slot `slot`: `j` bound to this invocation's butterfly in it
 * (lid + slot·threads), and `body` guarded where only some invocations have one.
 */
function slotBlock(lid: string, threads: number, slot: number, guard: string | null, body: string[]): string[] {
  const indent = guard ? '    ' : '  ';
  return [
    '{',
    `  let j = ${slot === 0 ? lid : `${lid} + ${u(slot * threads)}`};`,
    ...(guard ? [`  if (${guard}) {`] : []),
    ...body.map((line) => `${indent}${line}`),
    ...(guard ? ['  }'] : []),
    '}',
  ];
}

/** Straight-line WGSL for one forward transform of `shape.n` elements (see the module comment). */
export function registerFftCode(shape: RegisterFftShape, options: Options): RegisterFftCode {
  const { n, stages, threads } = shape;
  const { prefix, load } = options;
  const lid = options.lid ?? 'lid';
  const twiddles = options.twiddles ?? 'twiddles';
  const exchangeArray = options.exchange ?? 'exchange';
  const lane = options.lane ?? 'lane';
  /** Element `index` (`base` + a constant) of this invocation's transform in the exchange. */
  const exchange = (base: string, offset: number) =>
    exchangeElement(shape, exchangeArray, lane, offset === 0 ? base : `${base} + ${u(offset)}`);
  const lines: string[] = [];
  const slotsOf = (t: number) => Math.ceil(n / stages[t].radix / threads);
  /** `if` opener for butterfly slot s of stage t, or '' where every invocation has one. */
  const guardOf = (t: number, s: number) => ((s + 1) * threads <= n / stages[t].radix ? null : `j < ${u(n / stages[t].radix)}`);
  const input = (t: number, s: number, r: number) => `${prefix}x${t}_${s}_${r}`;
  const output = (t: number, s: number, q: number) => `${prefix}y${t}_${s}_${q}`;
  const block = (t: number, s: number, body: string[]) => lines.push(...slotBlock(lid, threads, s, guardOf(t, s), body));

  stages.forEach(({ radix: R, stride, twiddleOffset }, t) => {
    const groups = n / R;
    const slots = slotsOf(t);
    // Inputs: from memory (first stage) or the exchange (later stages, written by stage t − 1).
    if (t > 0) {
      const prev = stages[t - 1];
      const prevSlots = slotsOf(t - 1);
      // Every invocation has loaded its first-stage inputs before any overwrites the exchange.
      if (t === 1 && options.loadsFromExchange) lines.push('workgroupBarrier();');
      for (let s = 0; s < slots; s++) for (let r = 0; r < R; r++) lines.push(`var ${input(t, s, r)}: vec2<f32>;`);
      const parts = shape.exchange === 'joint' ? [''] : ['.x', '.y'];
      for (const part of parts) {
        for (let s = 0; s < prevSlots; s++) {
          block(t - 1, s, [
            prev.stride === 1 ? `let o = j * ${u(prev.radix)};` : `let k = j % ${u(prev.stride)};`,
            ...(prev.stride === 1 ? [] : [`let o = (j - k) * ${u(prev.radix)} + k;`]),
            ...Array.from({ length: prev.radix }, (_, q) => `${exchange('o', q * prev.stride)} = ${output(t - 1, s, q)}${part};`),
          ]);
        }
        lines.push('workgroupBarrier();');
        for (let s = 0; s < slots; s++) {
          block(
            t,
            s,
            Array.from({ length: R }, (_, r) => `${input(t, s, r)}${part} = ${exchange('j', r * groups)};`),
          );
        }
        lines.push('workgroupBarrier();');
      }
    }
    // The butterflies.
    for (let s = 0; s < slots; s++) for (let q = 0; q < R; q++) lines.push(`var ${output(t, s, q)}: vec2<f32>;`);
    for (let s = 0; s < slots; s++) {
      const body: string[] = [];
      const a: string[] = [];
      if (t === 0) {
        for (let r = 0; r < R; r++) {
          body.push(`let a${r} = ${load(r === 0 ? 'j' : `j + ${u(r * groups)}`)};`);
          a.push(`a${r}`);
        }
      } else {
        // Later stages have stride > 1 (the product of the earlier radices).
        body.push(`let tw = ${u(twiddleOffset)} + (j % ${u(stride)}) * ${u(R - 1)};`);
        for (let r = 0; r < R; r++) {
          const x = input(t, s, r);
          const value = r === 0 ? x : `cmul(${x}, ${twiddles}[tw${r === 1 ? '' : ` + ${u(r - 1)}`}])`;
          body.push(`let a${r} = ${value};`);
          a.push(`a${r}`);
        }
      }
      const y = dftCode(a, body, 'd');
      for (let q = 0; q < R; q++) body.push(`${output(t, s, q)} = ${y[q]};`);
      block(t, s, body);
    }
  });

  const last = stages.length - 1;
  const groups = n / stages[last].radix;
  const outputs = Array.from({ length: slotsOf(last) }, (_, s) => ({
    slot: s,
    guard: guardOf(last, s),
    // The last stage's stride is n/R, so j mod stride = j and y[j + q·n/R].
    values: Array.from({ length: stages[last].radix }, (_, q) => ({
      value: output(last, s, q),
      index: q === 0 ? 'j' : `j + ${u(q * groups)}`,
    })),
  }));
  return { lines, outputs };
}

/**
 * Per output of a RegisterFftCode, the statements `body(index, value)` returns, each slot in
 * its own block with `j` bound (and guarded where the slot is partial).
 */
export function forEachOutput(
  code: RegisterFftCode,
  shape: RegisterFftShape,
  body: (index: string, value: string, q: number) => string[],
  lid = 'lid',
): string[] {
  return code.outputs.flatMap(({ slot, guard, values }) =>
    slotBlock(
      lid,
      shape.threads,
      slot,
      guard,
      values.flatMap(({ value, index, guard: element }, q) => {
        const lines = body(index, value, q);
        return element ? [`if (${element}) {`, ...lines.map((line) => `  ${line}`), '}'] : lines;
      }),
    ),
  );
}

/**
 * Straight-line WGSL for the forward DFT of one line of the shape's length: registerFftCode
 * where the length is smooth, Bluestein's algorithm around two of them where it is not (see
 * the module comment). The outputs are the line's elements, guarded past its length.
 */
export function lineFftCode(shape: RegisterFftShape, options: Options): RegisterFftCode {
  const { bluestein } = shape;
  if (!bluestein) return registerFftCode(shape, options);
  if (shape.exchange !== 'joint') throw new Error('a Bluestein line needs the joint exchange');
  const twiddles = options.twiddles ?? 'twiddles';
  const lid = options.lid ?? 'lid';
  const lane = options.lane ?? 'lane';
  const exchange = (index: string) => exchangeElement(shape, options.exchange ?? 'exchange', lane, index);
  const { n, chirp, kernel } = bluestein;
  const clamped = (index: string) => `min(${index}, ${u(n - 1)})`;
  const chirpAt = (index: string) => `${twiddles}[${u(chirp)} + ${clamped(index)}]`;
  // a = x·chirp, zero past n (the load is clamped, so it never reads past its line).
  const first = registerFftCode(shape, {
    ...options,
    prefix: `${options.prefix}a`,
    load: (index) => `select(vec2<f32>(0.0), cmul(${options.load(clamped(index))}, ${chirpAt(index)}), ${index} < ${u(n)})`,
  });
  // The convolution's spectrum, swapped, into the exchange (its last reads were behind a barrier).
  const convolve = forEachOutput(
    first,
    shape,
    (index, value) => [`${exchange(index)} = cmul(${value}, ${twiddles}[${u(kernel)} + ${index}]).yx;`],
    lid,
  );
  const second = registerFftCode(shape, {
    ...options,
    prefix: `${options.prefix}b`,
    load: exchange,
    loadsFromExchange: true,
  });
  return {
    lines: [...first.lines, ...convolve, 'workgroupBarrier();', ...second.lines],
    outputs: second.outputs.map(({ slot, guard, values }) => ({
      slot,
      guard,
      values: values.map(({ value, index }) => ({
        value: `(cmul(${value}.yx, ${chirpAt(index)}) * ${f32(1 / shape.n)})`,
        index,
        guard: `${index} < ${u(n)}`,
      })),
    })),
  };
}
