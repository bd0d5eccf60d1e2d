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
const min = (a: Code, b: Code): Code => [a, b, a, b, i32LtS, 0x1b];
const max = (a: Code, b: Code): Code => [a, b, b, a, i32LtS, 0x1b];

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
  const spreadOffset: Code = [bytes([get(c), get(FROM), i32Sub]), set(spreadAt)];
  const body: Code = [
    // Kept half: columns [from, min(to, middle)).
    min(get(TO), get(MIDDLE)),
    set(end),
    get(FROM),
    set(c),
    whileLoop(
      [get(c), i32Const(1), i32Add, get(end), i32LtS],
      [
        bytes(get(c)),
        set(offset),
        spreadOffset,
        at(RADIAL, get(offset)),
        v128Load,
        at(SPREAD, get(spreadAt)),
        v128Load,
        f64x2Mul,
        set(f),
        at(OUT_RE, get(offset)),
        at(SPEC_RE, get(offset)),
        v128Load,
        get(f),
        f64x2Mul,
        v128Store,
        at(OUT_IM, get(offset)),
        at(SPEC_IM, get(offset)),
        v128Load,
        get(f),
        f64x2Mul,
        v128Store,
        get(c),
        i32Const(2),
        i32Add,
        set(c),
      ],
    ),
    whileLoop(
      [get(c), get(end), i32LtS],
      [
        bytes(get(c)),
        set(offset),
        spreadOffset,
        at(RADIAL, get(offset)),
        f64Load(),
        at(SPREAD, get(spreadAt)),
        f64Load(),
        f64Mul,
        set(fs),
        at(OUT_RE, get(offset)),
        at(SPEC_RE, get(offset)),
        f64Load(),
        get(fs),
        f64Mul,
        f64Store,
        at(OUT_IM, get(offset)),
        at(SPEC_IM, get(offset)),
        f64Load(),
        get(fs),
        f64Mul,
        f64Store,
        get(c),
        i32Const(1),
        i32Add,
        set(c),
      ],
    ),
    // Mirrored half: columns [max(from, middle), to), read at cols − c.
    max(get(FROM), get(MIDDLE)),
    set(c),
    whileLoop(
      [get(c), i32Const(1), i32Add, get(TO), i32LtS],
      [
        bytes(get(c)),
        set(offset),
        spreadOffset,
        // Lanes (c, c + 1) read (cols − c, cols − c − 1): the pair at cols − c − 1, swapped.
        bytes([get(COLS), get(c), i32Sub, i32Const(1), i32Sub]),
        set(mirror),
        swap([at(RADIAL, get(mirror)), v128Load]),
        at(SPREAD, get(spreadAt)),
        v128Load,
        f64x2Mul,
        set(f),
        at(OUT_RE, get(offset)),
        swap([at(MIR_RE, get(mirror)), v128Load]),
        get(f),
        f64x2Mul,
        v128Store,
        at(OUT_IM, get(offset)),
        swap([at(MIR_IM, get(mirror)), v128Load]),
        f64x2Neg,
        get(f),
        f64x2Mul,
        v128Store,
        get(c),
        i32Const(2),
        i32Add,
        set(c),
      ],
    ),
    whileLoop(
      [get(c), get(TO), i32LtS],
      [
        bytes(get(c)),
        set(offset),
        spreadOffset,
        bytes([get(COLS), get(c), i32Sub]),
        set(mirror),
        at(RADIAL, get(mirror)),
        f64Load(),
        at(SPREAD, get(spreadAt)),
        f64Load(),
        f64Mul,
        set(fs),
        at(OUT_RE, get(offset)),
        at(MIR_RE, get(mirror)),
        f64Load(),
        get(fs),
        f64Mul,
        f64Store,
        at(OUT_IM, get(offset)),
        at(MIR_IM, get(mirror)),
        f64Load(),
        f64Neg,
        get(fs),
        f64Mul,
        f64Store,
        get(c),
        i32Const(1),
        i32Add,
        set(c),
      ],
    ),
  ];
  return { name: 'filterRow', params: Array(PARAMS).fill(I32), locals: locals.runs(), body };
}

/** The bytes of a module exporting filterRow, importing env.memory (shared or not). */
export function filterModule(shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([filterRowFunction()], shared);
}
