/**
 * Copies between the layouts the transforms use: strided blocks of a row-major map, and
 * transforms interleaved element-wise (element t of transform c at t·w + c). Shared by the
 * scalar transforms (fft.ts) and the ones on the workspace heap (wasm/heap.ts).
 */

/** Elements [offset, offset + n) of (fr, fi) into lane c of the width-w interleaved (tr, ti). */
export function interleave(
  fr: Float64Array,
  fi: Float64Array,
  offset: number,
  tr: Float64Array,
  ti: Float64Array,
  c: number,
  n: number,
  w: number,
): void {
  for (let t = 0, at = c; t < n; t++, at += w) {
    tr[at] = fr[offset + t];
    ti[at] = fi[offset + t];
  }
}

/** Copies n rows of w values between row strides (from fo, fl) and (to, tl). */
export function copyColumns(
  fr: Float64Array,
  fi: Float64Array,
  fo: number,
  fl: number,
  tr: Float64Array,
  ti: Float64Array,
  to: number,
  tl: number,
  n: number,
  w: number,
): void {
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < w; c++) {
      tr[to + t * tl + c] = fr[fo + t * fl + c];
      ti[to + t * tl + c] = fi[fo + t * fl + c];
    }
  }
}
