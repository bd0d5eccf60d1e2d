/**
 * Exact median, reordering the array: for an even count the mean of the two middle values, as
 * the reference computes it. A histogram of the values' top 16 bits (their order as numbers)
 * finds the bin holding the middle; its values are moved to the front and selected among
 * (Hoare partition, median-of-three pivot) — a few percent of the array instead of all of it.
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

const BINS = 1 << 16;

/**
 * The two passes over the values: counting their keys into `counts` (BINS bins), and moving
 * the values whose key lies in [from, to] to the front, in order (returning how many). In
 * JavaScript here; the CPU backend passes WebAssembly twins when the values are on its heap.
 */
export interface MedianScans {
  readonly counts: Int32Array;
  count(values: Float64Array): void;
  gather(values: Float64Array, from: number, to: number): number;
}

/** The top 16 bits of a float64's high word, made to sort as the numbers do (no NaN). */
function orderKey(high: number): number {
  return ((high ^ ((high >> 31) | 0x80000000)) >>> 16) & 0xffff;
}

function countBins(high: Uint32Array, n: number, counts: Int32Array): void {
  counts.fill(0);
  for (let i = 0, at = 1; i < n; i++, at += 2) counts[orderKey(high[at])]++;
}

function gatherBins(a: Float64Array, high: Uint32Array, from: number, to: number): number {
  let m = 0;
  for (let i = 0, at = 1; i < a.length; i++, at += 2) {
    const key = orderKey(high[at]);
    if (key >= from && key <= to) a[m++] = a[i];
  }
  return m;
}

let javascriptScans: MedianScans | null = null;

function scansInJavascript(): MedianScans {
  javascriptScans ??= {
    counts: new Int32Array(BINS),
    count(values) {
      countBins(new Uint32Array(values.buffer, values.byteOffset, 2 * values.length), values.length, this.counts);
    },
    gather(values, from, to) {
      return gatherBins(values, new Uint32Array(values.buffer, values.byteOffset, 2 * values.length), from, to);
    },
  };
  return javascriptScans;
}

export function medianInPlace(a: Float64Array, scans: MedianScans = scansInJavascript()): number {
  const n = a.length;
  if (n === 0) throw new RangeError('median of an empty array');
  const k = (n - 1) >> 1;
  const even = n % 2 === 0;
  scans.count(a);
  const { counts } = scans;
  // The bin of rank k, and for an even count the bin of rank k + 1 (the next non-empty one
  // when rank k is its bin's last); every bin between them is empty.
  let below = 0,
    first = 0;
  while (below + counts[first] <= k) below += counts[first++];
  let last = first;
  if (even && below + counts[first] === k + 1) {
    last = first + 1;
    while (counts[last] === 0) last++;
  }
  const m = scans.gather(a, first, last);
  const at = k - below;
  const lower = select(a, at, 0, m - 1);
  if (!even) return lower;
  // After selection everything above `at` is ≥ a[at]: the upper middle is their minimum.
  let upper = Infinity;
  for (let i = at + 1; i < m; i++) if (a[i] < upper) upper = a[i];
  return (lower + upper) / 2;
}
