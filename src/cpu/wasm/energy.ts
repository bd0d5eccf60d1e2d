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
  f64Abs,
  f64Add,
  f64Const,
  f64Div,
  f64Load,
  f64Mul,
  f64Sqrt,
  f64Store,
  f64Sub,
  f64x2Abs,
  f64x2Add,
  f64x2Const,
  f64x2Div,
  f64x2Mul,
  f64x2Splat,
  f64x2Sqrt,
  f64x2Sub,
  type FunctionSpec,
  I32,
  i8x16Shuffle,
  i32Add,
  i32Const,
  i32LtS,
  i32Eqz,
  i32Mul,
  ifElse,
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

const VECTOR: Ops = {
  type: V128,
  add: f64x2Add,
  sub: f64x2Sub,
  mul: f64x2Mul,
  div: f64x2Div,
  sqrt: f64x2Sqrt,
  abs: f64x2Abs,
  load: v128Load,
  store: v128Store,
  constant: f64x2Const,
  inv: [get(INV), f64x2Splat],
};

const SCALAR: Ops = {
  type: F64,
  add: f64Add,
  sub: f64Sub,
  mul: f64Mul,
  div: f64Div,
  sqrt: f64Sqrt,
  abs: f64Abs,
  load: f64Load(),
  store: f64Store,
  constant: f64Const,
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
  const address = (base: number): Code => [get(base), get(x), i32Const(8), i32Mul, i32Add];
  const out = (base: number, value: Code): Code => [address(base), value, ops.store];
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
      ifElse(ops.type, [get(FIRST), i32Eqz], [address(AMPLITUDE), ops.load], ops.constant(0)),
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
