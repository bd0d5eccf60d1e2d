/**
 * Small WebAssembly kernels over the workspace heap that the JavaScript loops they replace run
 * too slowly (bounds checks, a JIT that starts cold), each doing exactly what its scalar twin
 * does, so the same values:
 *   interleaveLane(srcRe, srcIm, dstRe, dstIm, lane, width, n): elements 0…n−1 of a row pair
 *     into lane `lane` of a width-interleaved pair (runHeapRows' interleave);
 *   countBins(values, n, counts): counts[key(v)]++ over n float64 values, key = the top 16
 *     bits made to sort as the numbers do (median.ts's histogram);
 *   gatherBins(values, n, from, to) → m: the values whose key lies in [from, to] moved to the
 *     front in order, their count returned (median.ts's gather).
 * Byte addresses throughout.
 */
import {
  type Code,
  encodeModule,
  f64Load,
  f64Store,
  type FunctionSpec,
  I32,
  i32Add,
  i32And,
  i32Const,
  i32GeU,
  i32LeU,
  i32Load,
  i32LtS,
  i32Mul,
  i32Or,
  i32ShrS,
  i32ShrU,
  i32Store,
  i32Xor,
  ifThen,
  Locals,
  localGet as get,
  localSet as set,
  whileLoop,
} from './encoder.js';

const increment = (local: number, by: Code): Code => [get(local), by, i32Add, set(local)];

function interleaveLane(): FunctionSpec {
  // params: 0 srcRe, 1 srcIm, 2 dstRe, 3 dstIm, 4 lane, 5 width, 6 n
  const locals = new Locals(7);
  const t = locals.add(I32),
    from = locals.add(I32),
    to = locals.add(I32),
    step = locals.add(I32);
  const body: Code = [
    [i32Const(0), set(t), i32Const(0), set(from)],
    [get(4), i32Const(8), i32Mul, set(to)],
    [get(5), i32Const(8), i32Mul, set(step)],
    whileLoop(
      [get(t), get(6), i32LtS],
      [
        [get(2), get(to), i32Add, get(0), get(from), i32Add, f64Load(), f64Store],
        [get(3), get(to), i32Add, get(1), get(from), i32Add, f64Load(), f64Store],
        increment(from, i32Const(8)),
        increment(to, get(step)),
        increment(t, i32Const(1)),
      ],
    ),
  ];
  return { name: 'interleaveLane', params: Array(7).fill(I32), locals: locals.runs(), body };
}

/** The order key of the float64 whose high word is on the stack (median.ts's orderKey). */
const orderKey = (high: Code): Code => [
  high,
  high,
  i32Const(31),
  i32ShrS,
  i32Const(0x80000000 | 0),
  i32Or,
  i32Xor,
  i32Const(16),
  i32ShrU,
  i32Const(0xffff),
  i32And,
];

/**
 * for each of the n float64 values at `values` (a parameter): `body`, with `at` its byte
 * address and `key` its order key in locals.
 */
function overValues(locals: Locals, values: number, n: number, body: (at: number, key: number) => Code): Code {
  const i = locals.add(I32),
    at = locals.add(I32),
    key = locals.add(I32);
  return [
    [i32Const(0), set(i), get(values), set(at)],
    whileLoop(
      [get(i), get(n), i32LtS],
      [orderKey([get(at), i32Load(4)]), set(key), body(at, key), increment(at, i32Const(8)), increment(i, i32Const(1))],
    ),
  ];
}

function countBins(): FunctionSpec {
  // params: 0 values, 1 n, 2 counts
  const locals = new Locals(3);
  const slot = locals.add(I32);
  const body = overValues(locals, 0, 1, (_, key) => [
    [get(2), get(key), i32Const(4), i32Mul, i32Add, set(slot)],
    [get(slot), get(slot), i32Load(), i32Const(1), i32Add, i32Store],
  ]);
  return { name: 'countBins', params: [I32, I32, I32], locals: locals.runs(), body };
}

function gatherBins(): FunctionSpec {
  // params: 0 values, 1 n, 2 from, 3 to; result: m
  const locals = new Locals(4);
  const m = locals.add(I32);
  const body: Code = [
    i32Const(0),
    set(m),
    overValues(locals, 0, 1, (at, key) =>
      // if (key >= from && key <= to) values[m++] = values[i]
      ifThen(
        [get(key), get(2), i32GeU, get(key), get(3), i32LeU, i32And],
        [get(0), get(m), i32Const(8), i32Mul, i32Add, get(at), f64Load(), f64Store, increment(m, i32Const(1))],
      ),
    ),
    get(m),
  ];
  return { name: 'gatherBins', params: [I32, I32, I32, I32], results: [I32], locals: locals.runs(), body };
}

/** The bytes of the module of these kernels, importing env.memory (shared or not). */
export function rowsModule(shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([interleaveLane(), countBins(), gatherBins()], shared);
}
