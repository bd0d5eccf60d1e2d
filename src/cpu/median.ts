/**
 * Exact median by selection (Hoare partition, median-of-three pivot), reordering the array.
 * For an even count it is the mean of the two middle values, as the reference computes it.
 */
function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted and reverse-sorted inputs linear.
    let x = a[lo],
      y = a[mid],
      z = a[hi];
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    if (y > z) y = z;
    const pivot = Math.max(x, y);
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  if (n === 0) throw new RangeError('median of an empty array');
  const k = (n - 1) >> 1;
  const lower = select(a, k, 0, n - 1);
  if (n % 2 === 1) return lower;
  // After selection everything above k is ≥ a[k]: the upper middle is their minimum.
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < upper) upper = a[i];
  return (lower + upper) / 2;
}
