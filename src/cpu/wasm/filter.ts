/**
 * The phase-congruency filter of one row as a WebAssembly SIMD kernel on the workspace heap:
 * response = spectrum · (G_s · S_o), the scalar filterRow's operations (../phaseCongruency.ts)
 * in its order, two columns at a time — the same bits. Columns up to the middle read the kept
 * half of the spectrum and the radial quadrant row directly; those past it read them mirrored
 * (cols − c, so two lanes at a time are loaded and swapped), the spectrum conjugated.
 *
 * filterRow(specRe, specIm, mirRe, mirIm, radial, spread, outRe, outIm, from, to, middle, cols):
 * byte addresses of the kept spectrum row, of its mirror row, of the radial quadrant row (index
 * = quadrant column), of the spread row (index c − from) and of the response rows (index c);
 * then columns [from, to), the middle ⌊cols/2⌋ + 1 and the width.
 */
import {
  type Code,
  encodeModule,
  F64,
  f64Load,
  f64Mul,
  f64Neg,
  f64Store,
  f64x2Mul,
  f64x2Neg,
  type FunctionSpec,
  I32,
  i8x16Shuffle,
  i32Add,
  i32Const,
  i32LtS,
  i32Mul,
  i32Sub,
  Locals,
  localGet as get,
  localSet as set,
  select,
  SWAP_F64_LANES,
  V128,
  v128Load,
  v128Store,
  whileLoop,
} from './encoder.js';

const PARAMS = 12;
const [SPEC_RE, SPEC_IM, MIR_RE, MIR_IM, RADIAL, SPREAD, OUT_RE, OUT_IM, FROM, TO, MIDDLE, COLS] = Array.from(
  { length: PARAMS },
  (_, i) => i,
);

const bytes = (index: Code): Code => [index, i32Const(8), i32Mul];
const at = (base: number, offset: Code): Code => [get(base), offset, i32Add];
/** min / max of two i32 expressions (select). */
const min = (a: Code, b: Code): Code => [a, b, a, b, i32LtS, select];
const max = (a: Code, b: Code): Code => [a, b, b, a, i32LtS, select];

function filterRowFunction(): FunctionSpec {
  const locals = new Locals(PARAMS);
  const c = locals.add(I32),
    end = locals.add(I32),
    offset = locals.add(I32),
    mirror = locals.add(I32),
    spreadAt = locals.add(I32);
  const f = locals.add(V128);
  const fs = locals.add(F64);
  const swap = (v: Code): Code => [v, v, i8x16Shuffle(SWAP_F64_LANES)];

  /**
   * One loop over columns c < `limit`, two at a time (vector) or one (scalar): the filter
   * G·S at column c (kept half) or at cols − c (mirrored half, the spectrum conjugated).
   */
  const pass = (vector: boolean, mirrored: boolean, limit: number): Code => {
    const [load, store, mul, neg, filter] = vector
      ? [v128Load, v128Store, f64x2Mul, f64x2Neg, f]
      : [f64Load(), f64Store, f64Mul, f64Neg, fs];
    const step = vector ? 2 : 1;
    // Vector lanes (c, c + 1) of the mirrored half read (cols − c, cols − c − 1): the pair at cols − c − 1, swapped.
    const source = (base: number): Code => {
      const value: Code = [at(base, get(mirrored ? mirror : offset)), load];
      return mirrored && vector ? swap(value) : value;
    };
    return whileLoop(vector ? [get(c), i32Const(1), i32Add, get(limit), i32LtS] : [get(c), get(limit), i32LtS], [
      [bytes(get(c)), set(offset)],
      [bytes([get(c), get(FROM), i32Sub]), set(spreadAt)],
      mirrored ? [bytes([get(COLS), get(c), i32Sub, ...(vector ? [i32Const(1), i32Sub] : [])]), set(mirror)] : [],
      [source(RADIAL), at(SPREAD, get(spreadAt)), load, mul, set(filter)],
      [at(OUT_RE, get(offset)), source(mirrored ? MIR_RE : SPEC_RE), get(filter), mul, store],
      [at(OUT_IM, get(offset)), source(mirrored ? MIR_IM : SPEC_IM), mirrored ? neg : [], get(filter), mul, store],
      [get(c), i32Const(step), i32Add, set(c)],
    ]);
  };

  const body: Code = [
    // Kept half: columns [from, min(to, middle)).
    min(get(TO), get(MIDDLE)),
    set(end),
    get(FROM),
    set(c),
    pass(true, false, end),
    pass(false, false, end),
    // Mirrored half: columns [max(from, middle), to).
    max(get(FROM), get(MIDDLE)),
    set(c),
    pass(true, true, TO),
    pass(false, true, TO),
  ];
  return { name: 'filterRow', params: Array(PARAMS).fill(I32), locals: locals.runs(), body };
}

/** The bytes of a module exporting filterRow, importing env.memory (shared or not). */
export function filterModule(shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([filterRowFunction()], shared);
}
