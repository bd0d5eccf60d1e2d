/**
 * [0, length) in `parts` ranges of near-equal size, each boundary a multiple of `align`, as
 * the task ranges of a rows × cols image (rows, columns or chunks, as the task says).
 */
export function taskRanges(rows: number, cols: number, length: number, parts: number, align: number) {
  const units = Math.ceil(length / align);
  const count = Math.max(1, Math.min(parts, units));
  return Array.from({ length: count }, (_, k) => ({
    rows,
    cols,
    part: k,
    from: Math.min(length, Math.floor((k * units) / count) * align),
    to: Math.min(length, Math.floor(((k + 1) * units) / count) * align),
  }));
}
