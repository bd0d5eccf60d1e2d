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
});
