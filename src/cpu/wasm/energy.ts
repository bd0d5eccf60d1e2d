/**
 * Phase congruency's energy of one row as a WebAssembly kernel on the workspace heap: the
 * scalar energyRow's operations (../phaseCongruency.ts) in its order — the same bits — on
 * two pixels at a time (f64x2), the four scales' responses read interleaved and regrouped
 * by lane shuffles; an odd last pixel in scalar f64.
 *
 * energyRow(re, im, energy, a0sq, amplitude, n, inv, first): byte addresses of the row's
 * responses (re[4x + s], im[4x + s], unscaled) and of the output rows; n pixels; the inverse
 * transform's 1/n; first: amplitude is set instead of added to.
 */
import {
  type Code,
  encodeModule,
  F64,
  f64Load,
  f64Store,
  f64x2Const,
  type FunctionSpec,
  I32,
  i8x16Shuffle,
  i32Add,
  i32Const,
  i32LtS,
  i32Mul,
  Locals,
  localGet as get,
  localSet as set,
  V128,
  v128Load,
  v128Store,
  whileLoop,
} from './encoder.js';

const PARAMS = 8;
const [RE, IM, ENERGY, A0SQ, AMPLITUDE, N, INV, FIRST] = Array.from({ length: PARAMS }, (_, i) => i);
const PARAM_TYPES = [I32, I32, I32, I32, I32, I32, F64, I32] as const;

/** The arithmetic of one mode: f64x2 (two pixels) or f64 (one). */
interface Ops {
  readonly type: typeof V128 | typeof F64;
  readonly add: Code;
  readonly sub: Code;
  readonly mul: Code;
  readonly div: Code;
  readonly sqrt: Code;
  readonly abs: Code;
  readonly load: Code;
  readonly store: Code;
  constant(v: number): Code;
  /** inv in this mode's type. */
  readonly inv: Code;
}

const simd = (op: number): Code => [0xfd, (op & 0x7f) | 0x80, op >> 7];

const VECTOR: Ops = {
  type: V128,
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  div: simd(0xf3),
  sqrt: simd(0xef),
  abs: simd(0xec),
  load: v128Load,
  store: v128Store,
  constant: f64x2Const,
  inv: [get(INV), 0xfd, 0x14],
};

const SCALAR: Ops = {
  type: F64,
  add: [0xa0],
  sub: [0xa1],
  mul: [0xa2],
  div: [0xa3],
  sqrt: [0x9f],
  abs: [0x99],
  load: f64Load(),
  store: f64Store,
  constant: (v) => [0x44, [...new Uint8Array(new Float64Array([v]).buffer)]],
  inv: get(INV),
};

/**
 * The loop over pixels [x, end) in one mode, `step` pixels per iteration; `load(s, part)` is
 * the code that leaves scale s's value (re or im) of the iteration's pixels on the stack.
 */
function pixelLoop(ops: Ops, locals: Locals, x: number, end: number, step: number, epsilon: number): Code {
  const local = () => locals.add(ops.type);
  const at = locals.add(I32);
  const er = [0, 1, 2, 3].map(local),
    oi = [0, 1, 2, 3].map(local);
  const sq0 = local(),
    sumE = local(),
    sumO = local(),
    x2 = local(),
    mE = local(),
    mO = local();
  const bin = (a: Code, b: Code, op: Code): Code => [a, b, op];
  // The regrouping: scale s of pixels x and x + 1 from the interleaved row.
  const scaleOf = (base: number, s: number): Code => {
    if (ops.type === F64) return [get(base), get(at), i32Add, f64Load(8 * s)];
    const low = s < 2 ? 0 : 16;
    const lane = (s % 2) * 8;
    const pick = Array.from({ length: 16 }, (_, i) => (i < 8 ? lane + i : 16 + lane + i - 8));
    return [
      [get(base), get(at), i32Add, i32Const(low), i32Add, v128Load],
      [get(base), get(at), i32Add, i32Const(low + 32), i32Add, v128Load],
      i8x16Shuffle(pick),
    ];
  };
  const out = (base: number, value: Code): Code => [get(base), get(x), i32Const(8), i32Mul, i32Add, value, ops.store];
  const term = (s: number): Code =>
    bin(
      bin(bin(get(er[s]), get(mE), ops.mul), bin(get(oi[s]), get(mO), ops.mul), ops.add),
      [bin(bin(get(er[s]), get(mO), ops.mul), bin(get(oi[s]), get(mE), ops.mul), ops.sub), ops.abs],
      ops.sub,
    );
  const magnitude = (s: number): Code => [bin(bin(get(er[s]), get(er[s]), ops.mul), bin(get(oi[s]), get(oi[s]), ops.mul), ops.add)];
  const body: Code = [
    // at = 32·x: the pixel's four interleaved scales.
    get(x),
    i32Const(32),
    i32Mul,
    set(at),
    [0, 1, 2, 3].map((s) => [scaleOf(RE, s), ops.inv, ops.mul, set(er[s]), scaleOf(IM, s), ops.inv, ops.mul, set(oi[s])]),
    bin(bin(bin(get(er[0]), get(er[1]), ops.add), get(er[2]), ops.add), get(er[3]), ops.add),
    set(sumE),
    bin(bin(bin(get(oi[0]), get(oi[1]), ops.add), get(oi[2]), ops.add), get(oi[3]), ops.add),
    set(sumO),
    magnitude(0),
    set(sq0),
    // amplitude = (first ? 0 : amplitude) + Σ_s |EO_s|: the sum is never −0, so 0 + it is it.
    out(AMPLITUDE, [
      [
        get(FIRST),
        0x45 /* eqz */,
        0x04,
        ops.type,
        get(AMPLITUDE),
        get(x),
        i32Const(8),
        i32Mul,
        i32Add,
        ops.load,
        0x05,
        ops.constant(0),
        0x0b,
      ],
      bin(
        bin(bin([get(sq0), ops.sqrt], [magnitude(1), ops.sqrt], ops.add), [magnitude(2), ops.sqrt], ops.add),
        [magnitude(3), ops.sqrt],
        ops.add,
      ),
      ops.add,
    ]),
    out(A0SQ, get(sq0)),
    bin([bin(bin(get(sumE), get(sumE), ops.mul), bin(get(sumO), get(sumO), ops.mul), ops.add), ops.sqrt], ops.constant(epsilon), ops.add),
    set(x2),
    bin(get(sumE), get(x2), ops.div),
    set(mE),
    bin(get(sumO), get(x2), ops.div),
    set(mO),
    out(ENERGY, bin(bin(bin(term(0), term(1), ops.add), term(2), ops.add), term(3), ops.add)),
    get(x),
    i32Const(step),
    i32Add,
    set(x),
  ];
  const cond: Code = step === 2 ? [get(x), i32Const(1), i32Add, get(end), i32LtS] : [get(x), get(end), i32LtS];
  return whileLoop(cond, body);
}

function energyRowFunction(epsilon: number): FunctionSpec {
  const locals = new Locals(PARAMS);
  const x = locals.add(I32);
  const body: Code = [i32Const(0), set(x), pixelLoop(VECTOR, locals, x, N, 2, epsilon), pixelLoop(SCALAR, locals, x, N, 1, epsilon)];
  return { name: 'energyRow', params: [...PARAM_TYPES], locals: locals.runs(), body };
}

/** The bytes of a module exporting energyRow (PC.epsilon as `epsilon`), importing env.memory. */
export function energyModule(epsilon: number, shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([energyRowFunction(epsilon)], shared);
}
