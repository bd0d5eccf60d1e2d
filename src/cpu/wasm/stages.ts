/**
 * The CPU FFT's Stockham passes as WebAssembly SIMD kernels: stage{R} for every direct radix
 * (2, 3, 4, 5, 7, 11, 13), with the parameters and layout of the float64 kernels in
 * ../fft.ts (width-interleaved transforms, element t of transform c at t·width + c), two
 * transforms per f64x2 lane pair, so the width must be even. Each lane runs the very
 * operations of the scalar kernel in the same order (no fused multiply-add), so the results
 * are the same bit for bit; test/wasm.test.ts holds them to it.
 *
 * Parameters (i32): xr, xi, yr, yi, tw as byte addresses in the memory; n, s (stride), w
 * (width), xo, xl, yo, yl in elements, as the scalar kernels take them.
 */
import {
  type Code,
  encodeModule,
  f64Load,
  f64x2Add,
  f64x2Const,
  f64x2Mul,
  f64x2Neg,
  f64x2Splat,
  f64x2Sub,
  type FunctionSpec,
  I32,
  i32Add,
  i32DivU,
  i32Const,
  i32LtS,
  i32Mul,
  Locals,
  localGet,
  localSet,
  V128,
  v128Load,
  v128Store,
  whileLoop,
} from './encoder.js';

/** Radices with a kernel. */
export const WASM_RADICES = [2, 3, 4, 5, 7, 11, 13] as const;

const PARAMS = 12;
const [XR, XI, YR, YI, N, S, TW, W, XO, XL, YO, YL] = Array.from({ length: PARAMS }, (_, i) => i);

/** A complex f64x2 value: an expression (Code) for each part. */
interface Complex {
  re: Code;
  im: Code;
}

const get = localGet;
const add = (a: Code, b: Code): Code => [a, b, f64x2Add];
const sub = (a: Code, b: Code): Code => [a, b, f64x2Sub];
const mul = (a: Code, b: Code): Code => [a, b, f64x2Mul];
const neg = (a: Code): Code => [a, f64x2Neg];
const constant = f64x2Const;
const sum = (terms: Code[]): Code => terms.slice(1).reduce((acc, t) => add(acc, t), terms[0]);

/** The butterfly of radix R on twiddled inputs a (locals), as the scalar kernel writes it: outputs y[q]. */
type Butterfly = (a: readonly { re: number; im: number }[], locals: Locals, out: Code[]) => Complex[];

const SIN_60 = Math.sqrt(3) / 2;
const C5 = [Math.cos((2 * Math.PI) / 5), Math.cos((4 * Math.PI) / 5)];
const S5 = [Math.sin((2 * Math.PI) / 5), Math.sin((4 * Math.PI) / 5)];

/** Evaluates an expression into a new v128 local (the scalar kernels' `const`). */
function bind(expr: Code, locals: Locals, out: Code[]): Code {
  const local = locals.add(V128);
  out.push(expr, localSet(local));
  return get(local);
}

const radix2: Butterfly = ([a0, a1]) => [
  { re: add(get(a0.re), get(a1.re)), im: add(get(a0.im), get(a1.im)) },
  { re: sub(get(a0.re), get(a1.re)), im: sub(get(a0.im), get(a1.im)) },
];

const radix4: Butterfly = ([a0, a1, a2, a3], locals, out) => {
  const t0r = bind(add(get(a0.re), get(a2.re)), locals, out),
    t0i = bind(add(get(a0.im), get(a2.im)), locals, out);
  const t1r = bind(sub(get(a0.re), get(a2.re)), locals, out),
    t1i = bind(sub(get(a0.im), get(a2.im)), locals, out);
  const t2r = bind(add(get(a1.re), get(a3.re)), locals, out),
    t2i = bind(add(get(a1.im), get(a3.im)), locals, out);
  // (a1 − a3)·(−i)
  const t3r = bind(sub(get(a1.im), get(a3.im)), locals, out),
    t3i = bind(sub(get(a3.re), get(a1.re)), locals, out);
  return [
    { re: add(t0r, t2r), im: add(t0i, t2i) },
    { re: add(t1r, t3r), im: add(t1i, t3i) },
    { re: sub(t0r, t2r), im: sub(t0i, t2i) },
    { re: sub(t1r, t3r), im: sub(t1i, t3i) },
  ];
};

const radix3: Butterfly = ([a0, a1, a2], locals, out) => {
  const sr = bind(add(get(a1.re), get(a2.re)), locals, out),
    si = bind(add(get(a1.im), get(a2.im)), locals, out);
  const dr = bind(sub(get(a1.re), get(a2.re)), locals, out),
    di = bind(sub(get(a1.im), get(a2.im)), locals, out);
  const mr = bind(sub(get(a0.re), mul(constant(0.5), sr)), locals, out),
    mi = bind(sub(get(a0.im), mul(constant(0.5), si)), locals, out);
  const k = constant(SIN_60);
  return [
    { re: add(get(a0.re), sr), im: add(get(a0.im), si) },
    { re: add(mr, mul(k, di)), im: sub(mi, mul(k, dr)) },
    { re: sub(mr, mul(k, di)), im: add(mi, mul(k, dr)) },
  ];
};

const radix5: Butterfly = ([a0, a1, a2, a3, a4], locals, out) => {
  const [c1, c2] = C5.map(constant);
  const [s1, s2] = S5.map(constant);
  const t1r = bind(add(get(a1.re), get(a4.re)), locals, out),
    t1i = bind(add(get(a1.im), get(a4.im)), locals, out);
  const t2r = bind(add(get(a2.re), get(a3.re)), locals, out),
    t2i = bind(add(get(a2.im), get(a3.im)), locals, out);
  const t3r = bind(sub(get(a1.re), get(a4.re)), locals, out),
    t3i = bind(sub(get(a1.im), get(a4.im)), locals, out);
  const t4r = bind(sub(get(a2.re), get(a3.re)), locals, out),
    t4i = bind(sub(get(a2.im), get(a3.im)), locals, out);
  const b1r = bind(add(add(get(a0.re), mul(c1, t1r)), mul(c2, t2r)), locals, out),
    b1i = bind(add(add(get(a0.im), mul(c1, t1i)), mul(c2, t2i)), locals, out);
  const b2r = bind(add(add(get(a0.re), mul(c2, t1r)), mul(c1, t2r)), locals, out),
    b2i = bind(add(add(get(a0.im), mul(c2, t1i)), mul(c1, t2i)), locals, out);
  const u1r = bind(add(mul(s1, t3r), mul(s2, t4r)), locals, out),
    u1i = bind(add(mul(s1, t3i), mul(s2, t4i)), locals, out);
  const u2r = bind(sub(mul(s2, t3r), mul(s1, t4r)), locals, out),
    u2i = bind(sub(mul(s2, t3i), mul(s1, t4i)), locals, out);
  return [
    { re: add(add(get(a0.re), t1r), t2r), im: add(add(get(a0.im), t1i), t2i) },
    { re: add(b1r, u1i), im: sub(b1i, u1r) },
    { re: add(b2r, u2i), im: sub(b2i, u2r) },
    { re: sub(b2r, u2i), im: add(b2i, u2r) },
    { re: sub(b1r, u1i), im: add(b1i, u1r) },
  ];
};

/** Odd radices 7, 11, 13: the direct DFT folded over the pairs (r, R − r), as scripts/oddRadix.ts writes it. */
function oddRadix(R: number): Butterfly {
  const h = (R - 1) / 2;
  const ks = Array.from({ length: h }, (_, k) => k + 1);
  const cos = ks.map((m) => constant(Math.cos((2 * Math.PI * m) / R)));
  const sin = ks.map((m) => constant(Math.sin((2 * Math.PI * m) / R)));
  return (a, locals, out) => {
    const u = ks.map((r) => ({
      re: bind(add(get(a[r].re), get(a[R - r].re)), locals, out),
      im: bind(add(get(a[r].im), get(a[R - r].im)), locals, out),
    }));
    const v = ks.map((r) => ({
      re: bind(sub(get(a[r].re), get(a[R - r].re)), locals, out),
      im: bind(sub(get(a[r].im), get(a[R - r].im)), locals, out),
    }));
    const y: Complex[] = new Array(R);
    y[0] = { re: sum([get(a[0].re), ...u.map((x) => x.re)]), im: sum([get(a[0].im), ...u.map((x) => x.im)]) };
    for (const q of ks) {
      const terms = ks.map((r) => {
        const m = (r * q) % R;
        return m <= h ? { c: cos[m - 1], s: sin[m - 1], minus: false } : { c: cos[R - m - 1], s: sin[R - m - 1], minus: true };
      });
      const even = (part: 're' | 'im') => bind(sum([get(a[0][part]), ...terms.map((t, k) => mul(t.c, u[k][part]))]), locals, out);
      const odd = (part: 're' | 'im') =>
        bind(
          terms
            .slice(1)
            .reduce(
              (acc, t, k) => (t.minus ? sub : add)(acc, mul(t.s, v[k + 1][part])),
              terms[0].minus ? neg(mul(terms[0].s, v[0][part])) : mul(terms[0].s, v[0][part]),
            ),
          locals,
          out,
        );
      const er = even('re'),
        ei = even('im');
      const fr = odd('re'),
        fi = odd('im');
      y[q] = { re: add(er, fi), im: sub(ei, fr) };
      y[R - q] = { re: sub(er, fi), im: add(ei, fr) };
    }
    return y;
  };
}

const BUTTERFLIES: Record<number, Butterfly> = {
  2: radix2,
  3: radix3,
  4: radix4,
  5: radix5,
  7: oddRadix(7),
  11: oddRadix(11),
  13: oddRadix(13),
};

/** stage{R}: one Stockham pass of radix R, the loops of the scalar kernel with the width loop two lanes at a time. */
function stageFunction(R: number): FunctionSpec {
  const locals = new Locals(PARAMS);
  const i32 = () => locals.add(I32);
  const [g, gw, sw, wb, j0, k, t, i0, o0, c, p, q] = Array.from({ length: 12 }, i32);
  const twiddles = Array.from({ length: R - 1 }, () => ({ re: locals.add(V128), im: locals.add(V128) }));
  const a = Array.from({ length: R }, () => ({ re: locals.add(V128), im: locals.add(V128) }));
  const pr = locals.add(V128),
    pi = locals.add(V128);
  const set = localSet;
  const i32Expr = (...parts: Code[]): Code => parts;

  // One element: a_0 as loaded, a_r = x_r · w_r (pr·wr − pi·wi, pr·wi + pi·wr).
  const load = (base: number) => [get(base), get(p), i32Add, v128Load];
  const element: Code[] = [get(i0), get(c), i32Add, set(p), load(XR), set(a[0].re), load(XI), set(a[0].im)];
  for (let r = 1; r < R; r++) {
    const w = twiddles[r - 1];
    element.push(get(p), get(gw), i32Add, set(p), load(XR), set(pr), load(XI), set(pi));
    element.push(sub(mul(get(pr), get(w.re)), mul(get(pi), get(w.im))), set(a[r].re));
    element.push(add(mul(get(pr), get(w.im)), mul(get(pi), get(w.re))), set(a[r].im));
  }
  const y = BUTTERFLIES[R](a, locals, element);
  element.push(get(o0), get(c), i32Add, set(q));
  y.forEach((out, index) => {
    if (index > 0) element.push(get(q), get(sw), i32Add, set(q));
    element.push(get(YR), get(q), i32Add, out.re, v128Store);
    element.push(get(YI), get(q), i32Add, out.im, v128Store);
  });
  element.push(get(c), i32Const(16), i32Add, set(c));

  const twiddleLoads: Code[] = [];
  twiddles.forEach((w, r) => {
    twiddleLoads.push(get(t), f64Load(16 * r), f64x2Splat, set(w.re));
    twiddleLoads.push(get(t), f64Load(16 * r + 8), f64x2Splat, set(w.im));
  });

  const body: Code = [
    i32Expr(get(N), i32Const(R), i32DivU, set(g)),
    i32Expr(get(g), get(XL), i32Mul, i32Const(8), i32Mul, set(gw)),
    i32Expr(get(S), get(YL), i32Mul, i32Const(8), i32Mul, set(sw)),
    i32Expr(get(W), i32Const(8), i32Mul, set(wb)),
    i32Const(0),
    set(j0),
    whileLoop(
      [get(j0), get(g), i32LtS],
      [
        i32Const(0),
        set(k),
        whileLoop(
          [get(k), get(S), i32LtS],
          [
            i32Expr(get(TW), get(k), i32Const(16 * (R - 1)), i32Mul, i32Add, set(t)),
            twiddleLoads,
            i32Expr(get(XO), get(j0), get(k), i32Add, get(XL), i32Mul, i32Add, i32Const(8), i32Mul, set(i0)),
            i32Expr(get(YO), get(j0), i32Const(R), i32Mul, get(k), i32Add, get(YL), i32Mul, i32Add, i32Const(8), i32Mul, set(o0)),
            i32Const(0),
            set(c),
            whileLoop([get(c), get(wb), i32LtS], element),
            i32Expr(get(k), i32Const(1), i32Add, set(k)),
          ],
        ),
        i32Expr(get(j0), get(S), i32Add, set(j0)),
      ],
    ),
  ];
  return { name: `stage${R}`, params: Array(PARAMS).fill(I32), locals: locals.runs(), body };
}

/** The bytes of a module exporting stage{radix}, importing env.memory (shared or not). */
export function stageModule(radix: (typeof WASM_RADICES)[number], shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([stageFunction(radix)], shared);
}
