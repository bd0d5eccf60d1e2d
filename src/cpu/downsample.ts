/**
 * The reference's downsampling (FSIM_SPEC.md §2): an F×F box of weight 1/F² with zero
 * padding, "same"-size correlation, sampled at rows and columns 0, F, 2F, …. Output pixel
 * (i, j) covers input rows i·F − ⌊(F−1)/2⌋ … + F−1 (likewise columns); outside pixels count
 * as 0 but the divisor stays F².
 */
export function boxDownsample(src: Float64Array, rows: number, cols: number, factor: number): Float64Array {
  if (factor === 1) return src;
  const outRows = Math.ceil(rows / factor);
  const outCols = Math.ceil(cols / factor);
  const lead = Math.floor((factor - 1) / 2);
  // Pass 1: horizontal box sums at the sampled columns, for every input row.
  const rowSums = new Float64Array(rows * outCols);
  for (let r = 0; r < rows; r++) {
    const line = r * cols;
    for (let j = 0; j < outCols; j++) {
      const c0 = Math.max(0, j * factor - lead);
      const c1 = Math.min(cols, j * factor - lead + factor);
      let sum = 0;
      for (let c = c0; c < c1; c++) sum += src[line + c];
      rowSums[r * outCols + j] = sum;
    }
  }
  // Pass 2: vertical box sums at the sampled rows.
  const out = new Float64Array(outRows * outCols);
  const area = factor * factor;
  for (let i = 0; i < outRows; i++) {
    const r0 = Math.max(0, i * factor - lead);
    const r1 = Math.min(rows, i * factor - lead + factor);
    for (let j = 0; j < outCols; j++) {
      let sum = 0;
      for (let r = r0; r < r1; r++) sum += rowSums[r * outCols + j];
      out[i * outCols + j] = sum / area;
    }
  }
  return out;
}
