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
  i32Const,
  i32LtS,
  i32Mul,
  Locals,
  localGet as get,
  localSet as set,
  whileLoop,
} from './encoder.js';

const i32Load = (offset = 0): Code => [0x28, 2, offset];
const i32Store: Code = [0x36, 2, 0];
const i32Xor: Code = [0x73];
const i32Or: Code = [0x72];
const i32And: Code = [0x71];
const i32ShrU: Code = [0x76];
const i32ShrS: Code = [0x75];
const i32LeU: Code = [0x4d];
const i32GeU: Code = [0x4f];

function interleaveLane(): FunctionSpec {
  // params: 0 srcRe, 1 srcIm, 2 dstRe, 3 dstIm, 4 lane, 5 width, 6 n
  const locals = new Locals(7);
  const t = locals.add(I32),
    from = locals.add(I32),
    to = locals.add(I32),
    step = locals.add(I32);
  const body: Code = [
    i32Const(0),
    set(t),
    i32Const(0),
    set(from),
    [get(4), i32Const(8), i32Mul, set(to)],
    [get(5), i32Const(8), i32Mul, set(step)],
    whileLoop(
      [get(t), get(6), i32LtS],
      [
        [get(2), get(to), i32Add, get(0), get(from), i32Add, f64Load(), f64Store],
        [get(3), get(to), i32Add, get(1), get(from), i32Add, f64Load(), f64Store],
        [get(from), i32Const(8), i32Add, set(from)],
        [get(to), get(step), i32Add, set(to)],
        [get(t), i32Const(1), i32Add, set(t)],
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

function countBins(): FunctionSpec {
  // params: 0 values, 1 n, 2 counts
  const locals = new Locals(3);
  const i = locals.add(I32),
    at = locals.add(I32),
    slot = locals.add(I32);
  const body: Code = [
    i32Const(0),
    set(i),
    get(0),
    set(at),
    whileLoop(
      [get(i), get(1), i32LtS],
      [
        [get(2), orderKey([get(at), i32Load(4)]), i32Const(4), i32Mul, i32Add, set(slot)],
        [get(slot), get(slot), i32Load(), i32Const(1), i32Add, i32Store],
        [get(at), i32Const(8), i32Add, set(at)],
        [get(i), i32Const(1), i32Add, set(i)],
      ],
    ),
  ];
  return { name: 'countBins', params: [I32, I32, I32], locals: locals.runs(), body };
}

function gatherBins(): FunctionSpec {
  // params: 0 values, 1 n, 2 from, 3 to; result: m
  const locals = new Locals(4);
  const i = locals.add(I32),
    at = locals.add(I32),
    m = locals.add(I32),
    key = locals.add(I32);
  const body: Code = [
    i32Const(0),
    set(i),
    get(0),
    set(at),
    i32Const(0),
    set(m),
    whileLoop(
      [get(i), get(1), i32LtS],
      [
        orderKey([get(at), i32Load(4)]),
        set(key),
        // if (key >= from && key <= to) values[m++] = values[i]
        [get(key), get(2), i32GeU, get(key), get(3), i32LeU, i32And],
        [0x04, 0x40, get(0), get(m), i32Const(8), i32Mul, i32Add, get(at), f64Load(), f64Store, get(m), i32Const(1), i32Add, set(m), 0x0b],
        [get(at), i32Const(8), i32Add, set(at)],
        [get(i), i32Const(1), i32Add, set(i)],
      ],
    ),
    get(m),
  ];
  return { name: 'gatherBins', params: [I32, I32, I32, I32], results: [I32], locals: locals.runs(), body };
}

/** The bytes of the module of these kernels, importing env.memory (shared or not). */
export function rowsModule(shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([interleaveLane(), countBins(), gatherBins()], shared);
}
