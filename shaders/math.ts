/**
 * Elementary functions in f32 built from + − × ÷ only, for kernels whose results a test holds
 * to a float64 computation on every adapter. WGSL guarantees its own log and exp only to a few
 * ULP plus 2^-21 absolute (log on [0.5, 2]) or 2·|x| ULP (exp), and atan2 to 4096 ULP; these
 * stay within about 2 ULP wherever they are used here (test/gpu/filterBank.test.ts measures
 * them against Math.log, Math.exp and Math.atan2). Range reductions are exact (exponent bits,
 * ldexp, or a multiple of ln 2 split in two parts), so the polynomials see small arguments.
 */
import { f32 } from './common.js';

/** ln 2 in two parts: the high part has trailing zero bits, so k·LN2_HI is exact for |k| < 2^11. */
const LN2_HI = 0.693145751953125;
const LN2_LO = Math.LN2 - LN2_HI;

/** Coefficients of 2·atanh(s)/s − 2 in powers of z = s² (its Taylor series: 2/3, 2/5, 2/7, 2/9). */
const LOG_SERIES = [2 / 3, 2 / 5, 2 / 7, 2 / 9];
/** 1/k! for k = 2…7: exp(r) − 1 − r on |r| ≤ ln(2)/2 (the next term is below 0.1 ULP). */
const EXP_SERIES = [2, 3, 4, 5, 6, 7].map((k) => 1 / [...Array(k).keys()].reduce((p, i) => p * (i + 1), 1));
/** (−1)^k / (2k + 1) for k = 1…9: atan(t)/t − 1 in powers of t², |t| ≤ tan(π/8) (next term ~1e-9). */
const ATAN_SERIES = Array.from({ length: 9 }, (_, k) => (k % 2 === 0 ? -1 : 1) / (2 * k + 3));

/** Horner's rule in WGSL: c0 + x·(c1 + x·(…)). */
function horner(x: string, coefficients: readonly number[]): string {
  return coefficients.reduceRight((inner, c, k) => (k === coefficients.length - 1 ? f32(c) : `${f32(c)} + ${x} * (${inner})`), '');
}

export const mathFunctions = /* wgsl */ `
// ln(x) for a positive normal x: x = 2^e · m with m in [√½, √2), f = m − 1,
// ln(1 + f) = f − (f²/2 − s·(f²/2 + R)), s = f / (2 + f), R = 2·atanh(s)/s − 2 (a series in s²).
// The quotient only enters the small correction term, so its rounding barely shows.
fn lnF32(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > ${f32(Math.SQRT2)}) {
    m = m * 0.5;
    e = e + 1;
  }
  let f = m - 1.0;
  let s = f / (2.0 + f);
  let z = s * s;
  let r = z * (${horner('z', LOG_SERIES)});
  let halfSquare = 0.5 * f * f;
  let k = f32(e);
  return k * ${f32(LN2_HI)} - ((halfSquare - (s * (halfSquare + r) + k * ${f32(LN2_LO)})) - f);
}

// e^x: x = k·ln 2 + r with |r| ≤ ln(2)/2 (Cody–Waite), e^r by its series, scaled by 2^k.
// Below −87 the result would be subnormal: 0 (a float64 value there rounds to ≤ 1.2e-38).
fn expF32(x: f32) -> f32 {
  if (x < -87.0) { return 0.0; }
  let k = round(x * ${f32(Math.LOG2E)});
  let r = (x - k * ${f32(LN2_HI)}) - k * ${f32(LN2_LO)};
  let p = 1.0 + r + r * r * (${horner('r', EXP_SERIES)});
  return ldexp(p, i32(k));
}

// |atan2(y, x)| in [0, π]: the smaller over the larger magnitude, folded once more around
// tan(π/8) so the series sees |t| ≤ 0.4143. atan2(0, 0) is 0.
fn absAtan2(y: f32, x: f32) -> f32 {
  let ax = abs(x);
  let ay = abs(y);
  let big = max(ax, ay);
  if (big == 0.0) { return 0.0; }
  var t = min(ax, ay) / big;
  var base = 0.0;
  if (t > ${f32(Math.SQRT2 - 1)}) {
    t = (t - 1.0) / (t + 1.0);
    base = ${f32(Math.PI / 4)};
  }
  let t2 = t * t;
  var a = base + (t + t * t2 * (${horner('t2', ATAN_SERIES)}));
  if (ay > ax) { a = ${f32(Math.PI / 2)} - a; }
  if (x < 0.0) { a = ${f32(Math.PI)} - a; }
  return a;
}
`;
