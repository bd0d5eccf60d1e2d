import { describe, expect, it } from 'vitest';
import { medianInPlace } from '../src/cpu/median.js';

function sortedMedian(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

describe('exact median', () => {
  it.each([1, 2, 3, 4, 5, 100, 101, 4096, 4097, 49152])('random, n = %i', (n) => {
    const values = Float64Array.from({ length: n }, () => Math.random() ** 3);
    expect(medianInPlace(Float64Array.from(values))).toBe(sortedMedian(values));
  });

  it('heavy duplicates, sorted and reversed input', () => {
    const dup = Float64Array.from({ length: 10000 }, () => Math.floor(Math.random() * 3));
    expect(medianInPlace(Float64Array.from(dup))).toBe(sortedMedian(dup));
    const asc = Float64Array.from({ length: 10000 }, (_, i) => i);
    expect(medianInPlace(Float64Array.from(asc))).toBe(4999.5);
    expect(medianInPlace(asc.reverse())).toBe(4999.5);
    expect(medianInPlace(new Float64Array(1000).fill(7))).toBe(7);
  });

  // The histogram of the top 16 bits: the middle values in one bin, in two neighbouring bins,
  // or in two bins far apart; negative values and mixed signs (ordered as numbers).
  it.each([
    ['two middles in bins far apart', Float64Array.from([1e-300, 2e-300, 5, 1e300])],
    ['upper middle alone in its bin', Float64Array.from([1, 1, 1, 2, 4, 4])],
    ['mixed signs', Float64Array.from({ length: 10001 }, () => (Math.random() - 0.5) * 10 ** (Math.random() * 20 - 10))],
    ['negative only, even count', Float64Array.from({ length: 5000 }, () => -(Math.random() ** 2))],
    ['a million values in a few bins', Float64Array.from({ length: 1_000_000 }, () => 1 + Math.floor(Math.random() * 4) / 1e6)],
    ['tiny and huge', Float64Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 1e-200 : i % 3 === 1 ? 1e200 : i))],
  ])('%s', (_, values) => {
    expect(medianInPlace(Float64Array.from(values))).toBe(sortedMedian(values));
  });
});
